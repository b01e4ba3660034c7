#!/usr/bin/env python3
"""Recompute sweep_bench's odd-node matching exactly with networkx, independently.

Reads what `cargo run --release --example sweep_bench -- --out-dir OUT_DIR` wrote: the
sweep graph (graph.csv: from,to,length_m,required per edge) and our matching
(matching.json: odd_nodes, pairs [a, b, distance_m], matching_m). networkx's Dijkstra
from every odd node gives the shortest-path distances between odd nodes; our pairs are
checked against them (a perfect matching of the odd nodes, each distance right), and
networkx's exact minimum-weight perfect matching (Edmonds' blossom algorithm, on the
complete graph of odd nodes, integer millimetre weights) gives the optimum.
Prints JSON figures; exits 1 if our pairs are not a perfect matching, a distance is off
by more than 0.1 %, or our cost is below the optimum (either would be a bug).

usage: .peers-venv/bin/python scripts/sweep_peer_networkx.py [OUT_DIR]
"""
import csv
import json
import sys
import time

import networkx as nx


def load(out_dir):
    g = nx.Graph()
    with open(f"{out_dir}/graph.csv") as f:
        for row in csv.DictReader(f):
            a, b, length = int(row["from"]), int(row["to"]), float(row["length_m"])
            if a == b:
                continue  # a loop never shortens a path
            if not g.has_edge(a, b) or g[a][b]["length_m"] > length:
                g.add_edge(a, b, length_m=length)  # parallel streets: the shorter counts
    with open(f"{out_dir}/matching.json") as f:
        ours = json.load(f)
    return g, ours


def check_pairs(odd, pairs, dist):
    """Problems with our pairs: not a perfect matching of `odd`, or a wrong distance."""
    problems = []
    seen = set()
    for a, b, d in pairs:
        for v in (a, b):
            if v not in odd or v in seen:
                problems.append(f"node {v} is not odd or matched twice")
            seen.add(v)
        true = dist[a].get(b)
        if true is None or abs(d - true) > 1e-3 * max(true, 1.0):
            problems.append(f"pair {a}-{b}: {d} m, shortest path {true} m")
    if seen != odd:
        problems.append(f"{len(odd - seen)} odd nodes left unmatched")
    return problems


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "target/sweep_bench"
    g, ours = load(out_dir)
    odd = set(ours["odd_nodes"])
    started = time.perf_counter()
    dist = {s: nx.single_source_dijkstra_path_length(g, s, weight="length_m") for s in odd}
    paths_s = time.perf_counter() - started
    problems = check_pairs(odd, ours["pairs"], dist)

    complete = nx.Graph()
    order = sorted(odd)
    for i, a in enumerate(order):
        for b in order[i + 1:]:
            if b in dist[a]:
                complete.add_edge(a, b, mm=round(dist[a][b] * 1000))
    started = time.perf_counter()
    matching = nx.min_weight_matching(complete, weight="mm")
    matching_s = time.perf_counter() - started
    if 2 * len(matching) != len(odd):
        problems.append("networkx found no perfect matching")
    exact_m = sum(dist[a][b] for a, b in matching)
    ours_m = ours["matching_m"]
    gap_pct = 100.0 * (ours_m - exact_m) / exact_m if exact_m > 0 else 0.0
    if ours_m < exact_m - 1e-3 * max(exact_m, 1.0):
        problems.append(f"our matching {ours_m} m is below the optimum {exact_m} m")
    print(json.dumps({
        "peer": "networkx " + nx.__version__,
        "odd_nodes": len(odd),
        "graph_nodes": g.number_of_nodes(),
        "graph_edges": g.number_of_edges(),
        "peer_paths_s": round(paths_s, 3),
        "peer_matching_s": round(matching_s, 3),
        "peer_matching_m": round(exact_m, 1),
        "ours_matching_m": round(ours_m, 1),
        "ours_exact": ours["matching_exact"],
        "ours_lower_bound_m": round(ours["matching_lower_bound_m"], 1),
        "gap_pct": round(gap_pct, 3) + 0.0,
        "problems": problems[:10],
    }))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
