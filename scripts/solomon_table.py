#!/usr/bin/env python3
"""Solomon VRPTW table: gridpatrol side by side with PyVRP and OR-Tools.

usage: scripts/solomon_table.py [--seconds S] [--instances C101,R1*,...] [--peers pyvrp,ortools]
                                [--bench DIR] [--peer solomon_peer.py] [--venv DIR] [--lanes N]
                                [--out FILE.md]

`--bench benchmarks/homberger_400 --peer ../shared/peers/solomon_peer.py` gives the
Gehring–Homberger table (the same file layout, reference values in its BKS.tsv).

Runs `examples/solomon.rs` (built in release mode) and the peers
(`../shared/peers/solomon_peer.py`, installed by `../shared/peers/setup.sh .peers-venv`)
on every instance at the same time budget, and prints per instance the vehicles,
distance and gap to the best-known distance, then the averages and head-to-head counts.
gridpatrol runs in one lane and the peers in the others (default 2 lanes in all).
"""
import argparse, concurrent.futures as cf, fnmatch, os, sys, time
from bench_common import ROOT, read_best_known, release_example, run_json


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--instances", default="*", help="comma-separated names or globs")
    ap.add_argument("--peers", default="pyvrp,ortools", help="comma-separated, or 'none'")
    ap.add_argument("--bench", default=os.path.join(ROOT, "..", "shared", "bench", "solomon"))
    ap.add_argument("--venv", default=os.path.join(ROOT, ".peers-venv"))
    ap.add_argument("--peer", help="the peers' script (default: beside --bench, ../../peers/solomon_peer.py)")
    ap.add_argument("--lanes", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", help="also write the table (markdown) here")
    a = ap.parse_args()

    bks = {name: (vehicles, distance) for name, vehicles, distance in read_best_known(os.path.join(a.bench, "BKS.tsv"))}
    pats = [p.strip().upper() for p in a.instances.split(",") if p.strip()]
    names = [n for n in bks if any(fnmatch.fnmatch(n, p) for p in pats)]
    peers = [] if a.peers == "none" else [p for p in a.peers.split(",") if p]
    exe = release_example("solomon")
    peer_py = a.peer or os.path.join(a.bench, "..", "..", "peers", "solomon_peer.py")
    python = os.path.join(a.venv, "bin", "python")

    def ours(name):
        return run_json([exe, os.path.join(a.bench, name + ".txt"), "--seconds", str(a.seconds), "--seed", str(a.seed)])

    def peer(name, solver):
        return run_json([python, peer_py, os.path.join(a.bench, name + ".txt"), "--solver", solver,
                         "--seconds", str(a.seconds), "--seed", str(a.seed)])

    results = {n: {} for n in names}
    started = time.time()
    with cf.ThreadPoolExecutor(max_workers=max(1, a.lanes)) as pool:
        # Our runs in one lane (sequential), peers in the others.
        def our_lane():
            for n in names:
                results[n]["gridpatrol"] = ours(n)
                print(f"  {n} gridpatrol {results[n]['gridpatrol']}", file=sys.stderr, flush=True)
        jobs = [pool.submit(our_lane)]
        peer_jobs = [(n, s) for n in names for s in peers]
        if a.lanes > 1:
            def peer_lane(k):
                for i, (n, s) in enumerate(peer_jobs):
                    if i % (a.lanes - 1) == k:
                        results[n][s] = peer(n, s)
                        print(f"  {n} {s} {results[n][s]}", file=sys.stderr, flush=True)
            jobs += [pool.submit(peer_lane, k) for k in range(a.lanes - 1)]
        for j in jobs:
            j.result()
        if a.lanes <= 1:
            for n, s in peer_jobs:
                results[n][s] = peer(n, s)

    solvers = ["gridpatrol"] + peers
    lines = [f"{os.path.basename(os.path.normpath(a.bench))} VRPTW, {a.seconds:g} s per instance, seed {a.seed}; distance-only objective "
             f"(all customers served, fleet as in the file); gap = distance / best-known − 1.", ""]
    head = "| instance | BKS veh | BKS dist |" + "".join(f" {s} veh | {s} dist | {s} gap % |" for s in solvers)
    lines += [head, "|" + "---|" * (3 + 3 * len(solvers))]
    gaps = {s: [] for s in solvers}
    infeasible = {s: 0 for s in solvers}
    for n in names:
        bv, bd = bks[n]
        row = f"| {n} | {bv} | {bd:.2f} |"
        for s in solvers:
            r = results[n].get(s, {})
            if "distance" in r and r.get("feasible"):
                g = 100.0 * (r["distance"] / bd - 1.0)
                gaps[s].append((n, g, r["distance"]))
                row += f" {r['vehicles']} | {r['distance']:.2f} | {g:+.2f} |"
            else:
                infeasible[s] += 1
                row += " – | infeasible/error | – |"
        lines.append(row)
    lines.append("")
    for s in solvers:
        gs = [g for _, g, _ in gaps[s]]
        mean = sum(gs) / len(gs) if gs else float("nan")
        lines.append(f"- {s}: mean gap {mean:+.3f} % over {len(gs)} feasible instances, {infeasible[s]} infeasible or failed")
    ours_d = {n: d for n, _, d in gaps["gridpatrol"]}
    for s in peers:
        theirs = {n: d for n, _, d in gaps[s]}
        both = [n for n in names if n in ours_d and n in theirs]
        better = sum(1 for n in both if ours_d[n] < theirs[n] - 1e-6)
        tie = sum(1 for n in both if abs(ours_d[n] - theirs[n]) <= 1e-6)
        worse = len(both) - better - tie
        lost = sum(1 for n in names if n not in ours_d and n in theirs)
        won = sum(1 for n in names if n in ours_d and n not in theirs)
        lines.append(f"- gridpatrol vs {s}: shorter on {better + won}, equal on {tie}, longer on {worse + lost} "
                     f"of {len(names)} instances")
    lines.append(f"- wall time {time.time() - started:.0f} s")
    text = "\n".join(lines)
    print(text)
    if a.out:
        with open(a.out + ".tmp", "w") as f:
            f.write(text + "\n")
        os.replace(a.out + ".tmp", a.out)


if __name__ == "__main__":
    main()
