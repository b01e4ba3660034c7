#!/usr/bin/env bash
# The test command: installs the pinned npm packages (MapLibre for the page, which the
# build embeds, TypeScript and ESLint that check the page; playwright-core for the browser
# tests), type-checks and lints the page's modules, then runs every test (dependencies are optimised even in test builds: see
# Cargo.toml). The browser tests need Debian's chromium (`apt-get install chromium`), and the
# export tests GDAL's ogrinfo (`apt-get install gdal-bin`); `.ci/run` installs both.
set -euo pipefail
cd "$(dirname "$0")/.."
for dir in web tests/web; do
  if [ -f "$dir/package-lock.json" ]; then
    npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
  fi
done
# The page's modules: TypeScript over their JSDoc types, ESLint, then their unit tests
# (see web/README.md); any error stops the tests.
npm run --prefix web --silent check
# The house's policy (Cargo.toml [lints], clippy.toml, rustfmt.toml): formatted, no lint,
# every public item documented; then every test.
cargo fmt --check
cargo clippy --all-targets --quiet -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet
cargo test "$@"
# Then every fuzz target for a bounded minute (fuzz/; installs cargo-fuzz when missing),
# and the live server's API for a minute from its OpenAPI description (schemathesis).
scripts/fuzz.sh 60
scripts/api_fuzz.sh 60
