#!/usr/bin/env bash
# The test command: installs the pinned npm packages (MapLibre for the page, which the
# build embeds; playwright-core for the browser tests), then runs every test (dependencies are optimised even in test builds: see
# Cargo.toml). The browser tests need Debian's chromium (`apt-get install chromium`), and the
# export tests GDAL's ogrinfo (`apt-get install gdal-bin`); `.ci/run` installs both.
set -euo pipefail
cd "$(dirname "$0")/.."
for dir in web tests/web; do
  if [ -f "$dir/package-lock.json" ]; then
    npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
  fi
done
cargo test "$@"
# Then every fuzz target for a bounded minute (fuzz/; installs cargo-fuzz when missing).
scripts/fuzz.sh 60
