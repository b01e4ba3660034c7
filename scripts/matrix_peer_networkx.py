#!/usr/bin/env python3
"""Recompute matrix_bench's duration matrix with networkx, independently.

Reads what `cargo run --release --example matrix_bench` wrote into OUT_DIR: the graph
(graph.geojson: one LineString per directed edge with edge, twin, from, to, length_m,
duration_s), the sites (sites.csv: the edge each site snapped to and its offset from that
edge's source) and the matrix (matrix.json). Every edge is split at the sites on it, so
each site becomes a node; networkx's Dijkstra from each site then gives the durations.
Prints JSON figures; exits 1 if any entry differs by more than 0.1 %.

usage: .peers-venv/bin/python scripts/matrix_peer_networkx.py [OUT_DIR]
"""
import csv
import json
import sys
import time
from collections import defaultdict

import networkx as nx


def load(out_dir):
    with open(f"{out_dir}/graph.geojson") as f:
        edges = {ft["properties"]["edge"]: ft["properties"] for ft in json.load(f)["features"]}
    with open(f"{out_dir}/sites.csv") as f:
        sites = list(csv.DictReader(f))
    with open(f"{out_dir}/matrix.json") as f:
        matrix = json.load(f)["durations_s"]
    return edges, sites, matrix


def build_graph(edges, sites):
    """A MultiDiGraph of durations with every edge cut at the sites lying on it."""
    cuts = defaultdict(list)  # edge -> [(offset along that edge, site node)]
    for k, s in enumerate(sites):
        e, offset = int(s["edge"]), float(s["offset_m"])
        cuts[e].append((offset, ("site", k)))
        twin = edges[e]["twin"]
        if twin is not None:
            cuts[twin].append((edges[twin]["length_m"] - offset, ("site", k)))
    g = nx.MultiDiGraph()
    for e, p in edges.items():
        length, duration = p["length_m"], p["duration_s"]
        stops = [(0.0, p["from"])] + sorted(cuts.get(e, []), key=lambda c: c[0]) + [(length, p["to"])]
        for (a_off, a), (b_off, b) in zip(stops, stops[1:]):
            share = (b_off - a_off) / length if length > 0 else 0.0
            g.add_edge(a, b, duration=duration * share)
    return g


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "target/matrix_bench"
    edges, sites, matrix = load(out_dir)
    g = build_graph(edges, sites)
    n = len(sites)
    started = time.perf_counter()
    rows = []
    for i in range(n):
        dist = nx.single_source_dijkstra_path_length(g, ("site", i), weight="duration")
        rows.append([dist.get(("site", j)) for j in range(n)])
    peer_s = time.perf_counter() - started
    worst, mismatches = 0.0, 0
    for i in range(n):
        for j in range(n):
            ours, theirs = matrix[i][j], rows[i][j]
            if ours is None or theirs is None:
                mismatches += (ours is None) != (theirs is None)
                continue
            rel = abs(ours - theirs) / max(abs(theirs), 1e-9) if theirs > 0 else abs(ours - theirs)
            worst = max(worst, rel)
            mismatches += rel > 1e-3
    print(json.dumps({
        "peer": "networkx " + nx.__version__,
        "sites": n,
        "graph_nodes": g.number_of_nodes(),
        "graph_edges": g.number_of_edges(),
        "peer_matrix_s": peer_s,
        "entries": n * n,
        "mismatches_over_0.1pct": mismatches,
        "worst_relative_difference": worst,
    }))
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
