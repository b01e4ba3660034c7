#!/usr/bin/env bash
# Runs the matrix yardstick and its networkx peer on the same exported graph, and prints
# how much faster gridpatrol is.
# usage: scripts/matrix_bench.sh [N] [OSM_FILE]   (default 1000 sites on ../shared/osm/andorra.osm.pbf)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
osm=${2:-../shared/osm/andorra.osm.pbf}
out=target/matrix_bench
if [ ! -f "$osm" ]; then echo "no $osm: skipping the matrix benchmark" >&2; exit 0; fi
if [ ! -x .peers-venv/bin/python ]; then ../shared/peers/setup.sh .peers-venv; fi
ours=$(cargo run --quiet --release --example matrix_bench -- --osm "$osm" --sites "$n" --out-dir "$out")
echo "gridpatrol: $ours"
status=0
theirs=$(.peers-venv/bin/python scripts/matrix_peer_networkx.py "$out") || status=$?
echo "networkx:   $theirs"
python3 - "$ours" "$theirs" <<'PY'
import json, sys
ours, theirs = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"matrix {ours['sites']}x{ours['sites']}: gridpatrol {ours['matrix_s']:.3f} s, "
      f"networkx {theirs['peer_matrix_s']:.1f} s, ratio {theirs['peer_matrix_s'] / ours['matrix_s']:.0f}x; "
      f"entries over 0.1 %: {theirs['mismatches_over_0.1pct']}")
PY
exit $status
