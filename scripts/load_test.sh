#!/usr/bin/env bash
# Page and API figures on localhost, with the release binary:
#   1. time to first rendered map with the sample, and with 10 000 synthetic sites
#      (headless Debian chromium through tests/web/first_render.mjs);
#   2. 200 concurrent readers of GET /api/coverage for 10 s (examples/load_test.rs),
#      then of one tile of the site layer;
#   3. 160 readers of GET /api/coverage and 40 writers of POST /api/inspections at
#      once for LOAD_SECONDS (default 60): fails on any error, a read p99 over 50 ms
#      or a write p99 over 100 ms.
# MIXED_ONLY=1 runs part 3 alone (no browser needed).
# Needs: apt chromium, `npm ci --prefix web`, `npm ci --prefix tests/web`.
set -euo pipefail
cd "$(dirname "$0")/.."
# PROFILE=debug measures the dev build instead (dependencies are optimised there too).
PROFILE=${PROFILE:-release}
if [ "$PROFILE" = release ]; then
  cargo build --release --bin gridpatrol --example load_test
else
  cargo build --bin gridpatrol --example load_test
fi
BIN=target/$PROFILE/gridpatrol
TMP=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$TMP"' EXIT
USER_NAME=load.lead
PASSWORD=load-test-password

start() { # $1 port, rest: extra serve flags
  local port=$1; shift
  "$BIN" serve --listen "127.0.0.1:$port" --workspace "$TMP/ws-$port.sqlite" "$@" >"$TMP/serve-$port.log" 2>&1 &
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/api/config" >/dev/null && return; sleep 0.1; done
  echo "server on $port did not start"; cat "$TMP/serve-$port.log"; exit 1
}
add_user() { # $1 workspace: the bundled sample township (152 sites, 9 cells)
  "$BIN" init --workspace "$1" >/dev/null
  echo "$PASSWORD" | "$BIN" user --workspace "$1" add "$USER_NAME" --role lead >/dev/null
}

mixed() { # 160 readers + 40 writers on the sample township
  add_user "$TMP/ws-18183.sqlite"
  start 18183
  echo "== 160 readers of the coverage API + 40 writers of inspections, ${LOAD_SECONDS:-60} s (sample township)"
  echo "$PASSWORD" | target/$PROFILE/examples/load_test --url http://127.0.0.1:18183 --user "$USER_NAME" \
    --readers 160 --writers 40 --seconds "${LOAD_SECONDS:-60}" --max-read-p99-ms 50 --max-write-p99-ms 100
}
if [ "${MIXED_ONLY:-0}" = 1 ]; then
  mixed
  exit 0
fi

add_user "$TMP/ws-18181.sqlite"
start 18181
add_user "$TMP/ws-18182.sqlite"
start 18182 --synthetic-sites 10000

echo "== time to first rendered map, the sample township (signed in: every layer)"
GP_URL=http://127.0.0.1:18181 GP_USER=$USER_NAME GP_PASSWORD=$PASSWORD node tests/web/first_render.mjs
echo "== time to first rendered map, the sample + 10 000 synthetic sites"
GP_URL=http://127.0.0.1:18182 GP_USER=$USER_NAME GP_PASSWORD=$PASSWORD node tests/web/first_render.mjs
for port in 18181 18182; do
  echo "== 200 concurrent readers of the coverage API (port $port: $([ $port = 18181 ] && echo sample || echo 'sample + 10 000 sites'))"
  echo "$PASSWORD" | target/$PROFILE/examples/load_test --url "http://127.0.0.1:$port" --user "$USER_NAME" --concurrency 200 --writers 0 --seconds 10 --max-read-p99-ms 1000
  # The same load from wrk (apt: wrk), a lighter client: on a 2-core machine the
  # Rust client above takes more CPU per request than the server does.
  if command -v wrk >/dev/null; then
    cookie=$(curl -fs -D - -o /dev/null -H 'content-type: application/json' \
      -d "{\"name\":\"$USER_NAME\",\"password\":\"$PASSWORD\"}" "http://127.0.0.1:$port/api/login" |
      sed -n 's/^[Ss]et-[Cc]ookie: \(gp_session=[^;]*\).*/\1/p')
    echo "-- wrk, 200 connections, 10 s"
    wrk -t2 -c200 -d10s --latency -H "cookie: $cookie" "http://127.0.0.1:$port/api/coverage" |
      grep -E 'Requests/sec|^ +(50|90|99)%|Non-2xx'
  fi
done
# The site layer's vector tiles at 10 000 sites: the z14 tile at the township's middle.
tile=$(curl -fs http://127.0.0.1:18182/api/config | python3 -c '
import json, math, sys
w, s, e, n = json.load(sys.stdin)["bounds"]
lon, lat, z = (w + e) / 2, (s + n) / 2, 14
y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * 2**z
print(f"{z}/{int((lon + 180) / 360 * 2**z)}/{int(y)}")')
echo "== 200 concurrent readers of one site tile (port 18182, sample + 10 000 sites, tile $tile)"
echo "$PASSWORD" | target/$PROFILE/examples/load_test --url http://127.0.0.1:18182 --user "$USER_NAME" \
  --concurrency 200 --writers 0 --seconds 10 --max-read-p99-ms 1000 --path "/api/tiles/institutions/$tile"
mixed
