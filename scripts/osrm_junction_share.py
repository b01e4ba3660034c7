#!/usr/bin/env python3
"""How much of the "> 10 % shorter than OSRM" share comes from sites at junctions.

OSRM snaps a point lying on a junction to one of the streets meeting there and must leave
along it; gridpatrol starts such a site from the junction itself. This recomputes the share
of a finished `scripts/matrix_bench_osrm.sh` run with and without the pairs where either
site lies within 1 m of a junction of the exported graph.

usage: scripts/osrm_junction_share.py OUT_DIR OSM_FILE GRAPH.geojson [drive|walk]
  OUT_DIR: target/osrm_bench/NAME-PROFILE-N of the run; GRAPH.geojson:
  `gridpatrol network export --osm OSM_FILE --profile P --out GRAPH.geojson`
"""
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import osrm_peer as P  # noqa: E402

out = sys.argv[1]; osm = sys.argv[2]; graph = sys.argv[3]; profile = sys.argv[4] if len(sys.argv) > 4 else 'drive'
g = json.load(open(graph))
nodes = set()
for f in g['features']:
    c = f['geometry']['coordinates']
    nodes.add(tuple(c[0])); nodes.add(tuple(c[-1]))
grid = {}
for (x, y) in nodes:
    grid.setdefault((round(x, 3), round(y, 3)), []).append((x, y))
def near_junction(p):
    x, y = p
    k = math.cos(math.radians(y)) * 111320
    for dx in (-0.001, 0, 0.001):
        for dy in (-0.001, 0, 0.001):
            for (a, b) in grid.get((round(x + dx, 3), round(y + dy, 3)), []):
                if math.hypot((a - x) * k, (b - y) * 111320) <= 1.0:
                    return True
    return False
points = P.read_points(out)
flag = [near_junction(p) for p in points]
print('points within 1 m of a junction:', sum(flag), 'of', len(points))
ours = json.load(open(os.path.join(out, 'matrix_answer.json')))
class A: pass
a = A(); a.osrm = os.path.join(P.ROOT, '.peers-osrm', 'osrm'); a.osm = osm; a.profile = profile
base, _ = P.osrm_prepare(a)
with P.Routed(a, base, len(points)) as routed:
    table, _ = P.osrm_table(routed, points, 1)
gd = ours["distances_m"]; od = table["distances"]
tot = sh = tot2 = sh2 = 0
for i in range(len(points)):
    for j in range(len(points)):
        if i == j or gd[i][j] is None or od[i][j] is None or od[i][j] <= 0: continue
        s = gd[i][j] < 0.9 * od[i][j] and od[i][j] - gd[i][j] > 1.0
        tot += 1; sh += s
        if not (flag[i] or flag[j]):
            tot2 += 1; sh2 += s
print(f"all pairs: {sh}/{tot} = {100*sh/tot:.2f} %; pairs with neither site at a junction: {sh2}/{tot2} = {100*sh2/tot2:.2f} %")
