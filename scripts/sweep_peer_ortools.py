#!/usr/bin/env python3
"""Recompute sweep_bench's odd-node matching cost exactly with OR-Tools CP-SAT.

A second, differently built peer to scripts/sweep_peer_networkx.py that scales to the
whole of Andorra. The cheapest perfect matching of the odd nodes under shortest-path
distances costs exactly as much as the cheapest T-join of the sweep graph (T = the odd
nodes): a set of edges, each used once, that leaves exactly the odd nodes with odd
degree. That is a small integer program on the sparse graph itself (one 0/1 variable
per edge, a parity constraint per node), which CP-SAT solves to proven optimality.

Reads what `cargo run --release --example sweep_bench -- --out-dir OUT_DIR` wrote
(graph.csv, matching.json). Prints JSON figures; exits 1 if CP-SAT does not prove an
optimum in time or our cost is below it (a bug).

usage: .peers-venv/bin/python scripts/sweep_peer_ortools.py [OUT_DIR] [TIME_LIMIT_S]
"""
import csv
import json
import sys
import time

import ortools
from ortools.sat.python import cp_model


def load(out_dir):
    edges = {}  # (a, b) with a < b -> the shortest parallel street's length in m
    with open(f"{out_dir}/graph.csv") as f:
        for row in csv.DictReader(f):
            a, b, length = int(row["from"]), int(row["to"]), float(row["length_m"])
            key = (min(a, b), max(a, b))
            if a != b and (key not in edges or edges[key] > length):
                edges[key] = length
    with open(f"{out_dir}/matching.json") as f:
        ours = json.load(f)
    return edges, ours


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "target/sweep_bench"
    time_limit_s = float(sys.argv[2]) if len(sys.argv) > 2 else 300.0
    edges, ours = load(out_dir)
    odd = set(ours["odd_nodes"])
    model = cp_model.CpModel()
    use = {key: model.NewBoolVar(f"e{key}") for key in edges}
    incident = {}
    for (a, b), var in use.items():
        incident.setdefault(a, []).append(var)
        incident.setdefault(b, []).append(var)
    for v, vars_ in incident.items():
        half = model.NewIntVar(0, len(vars_) // 2, f"h{v}")
        model.Add(sum(vars_) == 2 * half + (1 if v in odd else 0))
    # Integer millimetres, as our solver optimises.
    model.Minimize(sum(round(length * 1000) * use[key] for key, length in edges.items()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = 1
    started = time.perf_counter()
    status = solver.Solve(model)
    peer_s = time.perf_counter() - started
    problems = []
    if status != cp_model.OPTIMAL:
        problems.append(f"CP-SAT status {solver.StatusName(status)} (no proven optimum)")
    exact_m = solver.ObjectiveValue() / 1000 if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
    ours_m = ours["matching_m"]
    gap_pct = None
    if exact_m:
        gap_pct = round(100.0 * (ours_m - exact_m) / exact_m, 3) + 0.0
        # Rounding to millimetres moves each pair by at most 0.5 mm.
        if ours_m < exact_m - 0.001 * len(odd):
            problems.append(f"our matching {ours_m} m is below the optimum {exact_m} m")
    print(json.dumps({
        "peer": "OR-Tools CP-SAT " + ortools.__version__ + " (T-join)",
        "odd_nodes": len(odd),
        "graph_edges": len(edges),
        "status": solver.StatusName(status),
        "peer_s": round(peer_s, 3),
        "peer_matching_m": None if exact_m is None else round(exact_m, 1),
        "ours_matching_m": round(ours_m, 1),
        "ours_exact": ours["matching_exact"],
        "gap_pct": gap_pct,
        "problems": problems,
    }))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
