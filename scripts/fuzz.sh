#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser of outside bytes (fuzz/, cargo-fuzz and
# libFuzzer) for a bounded time: scripts/fuzz.sh SECONDS_PER_TARGET [TARGET...].
# Installs cargo-fuzz when missing. The kept seeds (fuzz/corpus/<target>/) are read,
# never written: new inputs go to a scratch corpus. Fails when any target crashes
# (panic, abort, stack overflow), runs out of memory or takes over 20 s on one input;
# the input is left in fuzz/artifacts/<target>/ to be added to fuzz/regressions/.
# Only stable Rust is installed here; RUSTC_BOOTSTRAP=1 lets it take cargo-fuzz's
# nightly flags.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:?usage: scripts/fuzz.sh SECONDS_PER_TARGET [TARGET...]}"
shift
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  mapfile -t targets < <(cd fuzz && cargo fuzz list)
fi
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
(cd fuzz && cargo fuzz build --sanitizer none --release)
failed=()
for target in "${targets[@]}"; do
  mkdir -p "$scratch/$target"
  echo "== fuzz $target for ${seconds}s"
  if ! (cd fuzz && cargo fuzz run --sanitizer none --release "$target" \
      "$scratch/$target" "corpus/$target" -- \
      -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=65536 \
      -print_final_stats=1 2>&1 | tail -n 12); then
    failed+=("$target")
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzzing found crashes in: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
  exit 1
fi
echo "fuzzing: ${#targets[@]} targets, ${seconds}s each, no crash"
