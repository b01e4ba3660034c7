#!/usr/bin/env bash
# gridpatrol's matrix side by side with OSRM-CH on the same extract and the same seeded
# random road points: search, preprocessing, memory, the cold `matrix` command, and how
# often gridpatrol's route is > 10 % shorter than OSRM's (see scripts/osrm_peer.py).
# A hand-run benchmark, not part of CI. OSRM's tools are unpacked into .peers-osrm, its
# extract + contract cached under target/osrm.
# usage: scripts/matrix_bench_osrm.sh [--profile drive|walk] [N] [OSM_FILE]
#        (default: drive, 1000 points, ../shared/osm/andorra.osm.pbf)
set -euo pipefail
cd "$(dirname "$0")/.."
profile=drive
if [ "${1:-}" = "--profile" ]; then profile=${2:?--profile needs drive or walk}; shift 2; fi
n=${1:-1000}
# ../shared beside this checkout, else beside the main checkout of a git worktree.
shared=../shared
if [ ! -d "$shared" ]; then
  shared="$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null || echo .)/../../shared"
fi
osm=${2:-$shared/osm/andorra.osm.pbf}
if [ ! -d "$shared/peers" ]; then echo "no ../shared/peers: skipping the OSRM benchmark" >&2; exit 0; fi
if [ ! -f "$osm" ]; then echo "no $osm: skipping the OSRM benchmark" >&2; exit 0; fi
osrm=$("$shared/peers/osrm.sh" .peers-osrm)
exec python3 scripts/osrm_peer.py --osm "$osm" --osrm "$osrm" --profile "$profile" --sites "$n"
