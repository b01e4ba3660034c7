#!/usr/bin/env bash
# Runs the sweep yardstick and its exact peers on the same exported sweep graph, and
# prints how far our odd-node matching is from the proven optimum: networkx's blossom
# matching (pure Python, O(n³): skipped above SWEEP_NX_MAX_ODD odd nodes, default 600,
# about 3 minutes) and OR-Tools CP-SAT on the equivalent T-join (scales further).
# usage: scripts/sweep_bench.sh [AREA_KM2] [OSM_FILE] [more sweep_bench flags...]
#        (default the 20 km² district on ../shared/osm/andorra.osm.pbf;
#         e.g. `scripts/sweep_bench.sh 20 ../shared/osm/andorra.osm.pbf --blossom-max-odd 0`
#         measures the near-neighbour blossom heuristic instead of the exact matching,
#         adding `--near-blossom 0` the greedy-plus-exchange one)
set -euo pipefail
cd "$(dirname "$0")/.."
area=${1:-20}
osm=${2:-../shared/osm/andorra.osm.pbf}
shift $(( $# < 2 ? $# : 2 ))
nx_max=${SWEEP_NX_MAX_ODD:-600}
out=target/sweep_bench
if [ ! -f "$osm" ]; then echo "no $osm: skipping the sweep benchmark" >&2; exit 0; fi
if [ ! -x .peers-venv/bin/python ]; then ../shared/peers/setup.sh .peers-venv; fi
ours=$(cargo run --quiet --release --example sweep_bench -- --osm "$osm" --area-km2 "$area" --out-dir "$out" "$@")
echo "gridpatrol: $(python3 -c 'import json,sys; print(json.dumps(json.loads(sys.argv[1])))' "$ours")"
status=0
odd=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["odd_nodes"])' "$ours")
networkx='{}'
if [ "$odd" -le "$nx_max" ]; then
  networkx=$(.peers-venv/bin/python scripts/sweep_peer_networkx.py "$out") || status=$?
  echo "networkx:   $networkx"
else
  echo "networkx:   skipped ($odd odd nodes > SWEEP_NX_MAX_ODD=$nx_max)"
fi
ortools=$(.peers-venv/bin/python scripts/sweep_peer_ortools.py "$out") || status=$?
echo "ortools:    $ortools"
python3 - "$ours" "$networkx" "$ortools" <<'PY'
import json, sys
ours, nx, ot = (json.loads(a) for a in sys.argv[1:4])
print(f"sweep {ours['area_km2']} km², {ours['odd_nodes']} odd nodes: gridpatrol matching "
      f"{ot['ours_matching_m']:.1f} m ({ours['matching_method']}; whole sweep {ours['seconds']['plan_sweep']:.3f} s)")
if nx:
    print(f"  networkx exact matching {nx['peer_matching_m']:.1f} m in {nx['peer_matching_s']:.1f} s: "
          f"gap {nx['gap_pct']:+.3f} %, problems {len(nx['problems'])}")
print(f"  OR-Tools T-join {ot['status']} {ot['peer_matching_m']} m in {ot['peer_s']:.1f} s: "
      f"gap {ot['gap_pct']:+.3f} %, problems {len(ot['problems'])}")
PY
exit $status
