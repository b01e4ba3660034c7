#!/usr/bin/env bash
# Runs the sweep yardstick and its networkx peer on the same exported sweep graph, and
# prints how far our odd-node matching is from networkx's exact optimum.
# usage: scripts/sweep_bench.sh [AREA_KM2] [OSM_FILE] [more sweep_bench flags...]
#        (default the 20 km² district on ../shared/osm/andorra.osm.pbf)
set -euo pipefail
cd "$(dirname "$0")/.."
area=${1:-20}
osm=${2:-../shared/osm/andorra.osm.pbf}
shift $(( $# < 2 ? $# : 2 ))
out=target/sweep_bench
if [ ! -f "$osm" ]; then echo "no $osm: skipping the sweep benchmark" >&2; exit 0; fi
if [ ! -x .peers-venv/bin/python ]; then ../shared/peers/setup.sh .peers-venv; fi
ours=$(cargo run --quiet --release --example sweep_bench -- --osm "$osm" --area-km2 "$area" --out-dir "$out" "$@")
echo "gridpatrol: $ours"
status=0
theirs=$(.peers-venv/bin/python scripts/sweep_peer_networkx.py "$out") || status=$?
echo "networkx:   $theirs"
python3 - "$ours" "$theirs" <<'PY'
import json, sys
ours, theirs = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"sweep {ours['area_km2']} km², {ours['odd_nodes']} odd nodes: matching gridpatrol "
      f"{theirs['ours_matching_m']:.1f} m ({'exact' if ours['matching_exact'] else 'heuristic'}, "
      f"whole sweep {ours['seconds']['plan_sweep']:.3f} s), networkx exact {theirs['peer_matching_m']:.1f} m "
      f"({theirs['peer_matching_s']:.1f} s); gap {theirs['gap_pct']:+.3f} %; problems: {len(theirs['problems'])}")
PY
exit $status
