#!/usr/bin/env python3
"""TSPLIB table: gridpatrol's tour length against the proven optima.

usage: scripts/tsplib_table.py [--seconds S] [--seed N] [--instances a,b*,...]
                               [--bench DIR] [--max-n N] [--out FILE.md]

Builds `examples/tsplib.rs` in release mode, runs it on every instance listed in
`OPT.tsv` of the bench directory (default ../shared/bench/tsplib) one after the other,
and prints a markdown table with the length, the gap to the optimum, the time and the
iterations per instance, then the mean and worst gap (over n <= --max-n, default 1002,
the target's range berlin52 … pr1002; larger ones are listed but not averaged).
"""
import argparse, fnmatch, os, sys, time
from bench_common import ROOT, read_best_known, release_example, run_json


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--instances", default="*", help="comma-separated names or globs")
    ap.add_argument("--bench", default=os.path.join(ROOT, "..", "shared", "bench", "tsplib"))
    ap.add_argument("--max-n", type=int, default=1002, help="largest n counted in the mean (the target: through pr1002)")
    ap.add_argument("--out", help="also write the table (markdown) here")
    a = ap.parse_args()

    pats = [p.strip() for p in a.instances.split(",") if p.strip()]
    rows = [r for r in read_best_known(os.path.join(a.bench, "OPT.tsv")) if any(fnmatch.fnmatch(r[0], p) for p in pats)]
    exe = release_example("tsplib")
    started = time.time()
    lines = [f"TSPLIB EUC_2D, {a.seconds:g} s per instance, seed {a.seed}; gap = length / optimum − 1.", "",
             "| instance | n | optimum | length | gap % | seconds | iterations |", "|---|---|---|---|---|---|---|"]
    gaps = []
    for name, n, opt in rows:
        r = run_json([exe, os.path.join(a.bench, name + ".tsp"), "--seconds", str(a.seconds), "--seed", str(a.seed)])
        print(f"  {name} {r}", file=sys.stderr, flush=True)
        if "length" not in r:
            lines.append(f"| {name} | {n} | {opt:.0f} | error | – | – | – |")
            continue
        gap = 100.0 * (r["length"] / opt - 1.0)
        if n <= a.max_n:
            gaps.append((name, gap))
        lines.append(f"| {name} | {n} | {opt:.0f} | {r['length']:.0f} | {gap:.2f} | {r['seconds']:.2f} | {r.get('iterations', '–')} |")
    lines.append("")
    if gaps:
        mean = sum(g for _, g in gaps) / len(gaps)
        worst = max(gaps, key=lambda x: x[1])
        within = sum(1 for _, g in gaps if g <= 1.0)
        lines.append(f"- n ≤ {a.max_n}: mean gap {mean:.3f} %, worst {worst[1]:.2f} % ({worst[0]}), "
                     f"{within} of {len(gaps)} within 1 %")
    lines.append(f"- wall time {time.time() - started:.0f} s")
    text = "\n".join(lines)
    print(text)
    if a.out:
        with open(a.out + ".tmp", "w") as f:
            f.write(text + "\n")
        os.replace(a.out + ".tmp", a.out)


if __name__ == "__main__":
    main()
