#!/usr/bin/env python3
"""Gehring–Homberger VRPTW instances from LKH-3's CVRPTW files to the Solomon layout.

usage: scripts/gh_from_lkh.py OUT_DIR LKH_FILE... [--fleet N] [--results original.csv]

LKH-3 ships the instances as TSPLIB-style `.vrptw` files (NODE_COORD_SECTION,
DEMAND_SECTION, TIME_WINDOW_SECTION, one SERVICE_TIME for every customer, the depot
first); `examples/solomon.rs` and `../shared/peers/solomon_peer.py` read the Solomon
layout. The fleet line takes `--fleet` (the original files' fleet, a quarter of the
customers), not LKH's VEHICLES, which is the vehicle count LKH-3 solved with.
With `--results`, writes OUT_DIR/BKS.tsv from LKH-3's benchmark table: per instance the
best of its runs (their values are distances × 1000) and LKH's vehicle count.
"""
import argparse, csv, os, re


def sections(path):
    head, body, name = {}, {}, None
    for line in open(path):
        line = line.strip()
        if not line or line == "EOF":
            continue
        if line.endswith("_SECTION"):
            name = line
            body[name] = []
        elif ":" in line and name is None:
            key, value = line.split(":", 1)
            head[key.strip()] = value.strip()
        elif name is not None:
            body[name].append(line.split())
    return head, body


def convert(path, fleet):
    head, body = sections(path)
    coords = {int(r[0]): (r[1], r[2]) for r in body["NODE_COORD_SECTION"]}
    demand = {int(r[0]): r[1] for r in body["DEMAND_SECTION"]}
    windows = {int(r[0]): (r[1], r[2]) for r in body["TIME_WINDOW_SECTION"]}
    depot = int(body["DEPOT_SECTION"][0][0])
    service = head["SERVICE_TIME"]
    name = head["NAME"]
    lines = [name, "", "VEHICLE", "NUMBER     CAPACITY",
             f"{fleet:>5}       {head['CAPACITY']}", "", "CUSTOMER",
             "CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE TIME", ""]
    order = [depot] + [i for i in sorted(coords) if i != depot]
    for k, i in enumerate(order):
        x, y = coords[i]
        ready, due = windows[i]
        svc = "0" if i == depot else service
        lines.append(f"{k:>5} {x:>9} {y:>9} {demand[i]:>9} {ready:>9} {due:>9} {svc:>9}")
    return name, int(head["VEHICLES"]), "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("files", nargs="+")
    ap.add_argument("--fleet", type=int, default=100)
    ap.add_argument("--results")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    vehicles = {}
    for path in a.files:
        name, lkh_vehicles, text = convert(path, a.fleet)
        vehicles[name] = lkh_vehicles
        with open(os.path.join(a.out, name + ".txt"), "w") as f:
            f.write(text)
    if a.results:
        best = {}
        for row in csv.DictReader(open(a.results)):
            name = re.sub(r"\.\d+\.\d+$", "", row["Instance"])
            if name in vehicles and int(row["Penalty"]) == 0:
                value = int(row["Value"]) / 1000.0
                best[name] = min(best.get(name, value), value)
        with open(os.path.join(a.out, "BKS.tsv"), "w") as f:
            f.write("# Reference values: the best distance LKH-3 reports for the instance over its\n"
                    "# published runs (CVRPTW/BENCHMARKS/original.csv of github.com/c4v4/LKH3, values\n"
                    "# are distance x 1000), with the vehicle count of LKH's instance file.\n")
            f.write("instance\tvehicles\tdistance\n")
            for name in sorted(best, key=lambda n: (n.split("_")[0], int(n.split("_")[2]))):
                f.write(f"{name}\t{vehicles[name]}\t{best[name]:.2f}\n")


if __name__ == "__main__":
    main()
