#!/usr/bin/env bash
# gridpatrol's matrix side by side with OSRM-CH on the same extract and the same seeded
# random road points: search, preprocessing, memory, the cold `matrix` command, and how
# often gridpatrol's route is > 10 % shorter than OSRM's (see scripts/osrm_peer.py).
# A hand-run benchmark, not part of CI. OSRM's tools are unpacked into .peers-osrm, its
# extract + contract cached under target/osrm.
# With --metric distance both minimise route length: the legality check without the two
# routers' speed models in it.
# usage: scripts/matrix_bench_osrm.sh [--profile drive|walk] [--metric time|distance] [N] [OSM_FILE]
#        (default: drive, time, 1000 points, ../shared/osm/andorra.osm.pbf)
set -euo pipefail
cd "$(dirname "$0")/.."
profile=drive
metric=time
while [ "${1:-}" = "--profile" ] || [ "${1:-}" = "--metric" ]; do
  case $1 in
    --profile) profile=${2:?--profile needs drive or walk} ;;
    --metric) metric=${2:?--metric needs time or distance} ;;
  esac
  shift 2
done
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
exec python3 scripts/osrm_peer.py --osm "$osm" --osrm "$osrm" --profile "$profile" --metric "$metric" --sites "$n"
