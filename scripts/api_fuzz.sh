#!/usr/bin/env bash
# Fuzzes the live server through its own OpenAPI description (schemathesis, from PyPI):
# every /api operation, signed in as a lead, over the bundled sample, for a bounded time
# (default 60 s). Fails on any server error (5xx), an answer that does not match its
# schema, or a wrong content type. Usage: [API_FUZZ_SEED=N] scripts/api_fuzz.sh [SECONDS]
# (seed 1 by default, as CI runs it; another seed explores other requests).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
venv=${SCHEMATHESIS_VENV:-target/schemathesis}
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'schemathesis>=4,<5'
fi
cargo build --quiet --bin gridpatrol
bin=${CARGO_TARGET_DIR:-$PWD/target}/debug/gridpatrol
dir=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
ws=$dir/township.sqlite
password=api-fuzz-password
"$bin" init --workspace "$ws" >/dev/null
printf '%s\n' "$password" | "$bin" user --workspace "$ws" add lead --role lead --password-stdin >/dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
RUST_LOG=gridpatrol=warn "$bin" serve --listen "127.0.0.1:$port" --workspace "$ws" >"$dir/server.log" 2>&1 &
pid=$!
for _ in $(seq 600); do
  curl -sf "$base/api/config" >/dev/null && break
  sleep 0.1
done
cookie=$(curl -sf -D - -o /dev/null -H 'Content-Type: application/json' \
  -d "{\"name\":\"lead\",\"password\":\"$password\"}" "$base/api/login" \
  | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p')
[ -n "$cookie" ] || { echo "api_fuzz: could not sign in"; exit 1; }
# Left out: signing out (it would end the fuzzer's own session) and planning a shift or a
# campaign (each accepted request runs the solver for up to a minute; tests/web_plan.rs covers it).
# One worker: schemathesis's workers are threads, and CPython 3.11's parser is not
# thread-safe when hypothesis describes its lambdas ("AST constructor recursion depth
# mismatch", seen in CI).
status=0
"$venv/bin/schemathesis" run "$base/api/openapi.json" \
  --header "Cookie: $cookie" \
  --checks not_a_server_error,response_schema_conformance,content_type_conformance \
  --exclude-path /api/logout \
  --exclude-operation-id "post /api/plan" --exclude-operation-id "post /api/campaign" \
  --max-time "$seconds" --request-timeout 60 --request-retries 2 --seed "${API_FUZZ_SEED:-1}" \
  --workers 1 --suppress-health-check all --warnings off || status=$?
if grep -q 'internal error' "$dir/server.log"; then
  echo "api_fuzz: the server logged internal errors:"
  grep 'internal error' "$dir/server.log" | head -20
  status=1
fi
exit "$status"
