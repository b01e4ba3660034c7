#!/usr/bin/env python3
"""Can OSRM travel gridpatrol's route itself? The legality check behind the "> 10 % shorter"
share of `scripts/matrix_bench_osrm.sh`.

A pair where gridpatrol's route is much shorter than OSRM's is either a route OSRM's
profile forbids (a one-way street backwards, a barrier, a turn restriction, no through
traffic) or a route OSRM merely does not prefer (other speeds, weights that are not
durations). This asks OSRM to travel gridpatrol's own route: waypoints at the middle of
street pieces every ~150 m along it and at its ends, each with gridpatrol's heading (±40°),
no U-turn at waypoints. When OSRM's route through them is no more than 3 % (+ 20 m) longer than
gridpatrol's, OSRM's profile can travel it: the pair is legal and differs only in what
each router calls fastest. Otherwise the pair is a legality case and its ways are listed.
OSRM only penalises through traffic on destination-only streets (it does not forbid it), so
that is checked on the tags: a route entering such a street after its first way and leaving
it before its last counts as a legality case too.

usage: scripts/osrm_drivable.py OUT_DIR OSM_FILE [drive|walk] [--sample K] [--seed S]
  OUT_DIR: target/osrm_bench/NAME-PROFILE-N of a finished matrix_bench_osrm.sh run.
Prints the share of all pairs that are "> 10 % shorter" and also not travelable by OSRM
(estimated from a seeded sample of K flagged pairs, default 300), and writes
OUT_DIR/drivable.json with every sampled pair's verdict.
"""
import argparse
import json
import math
import os
import random
import subprocess
import sys
import urllib.error

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import osrm_peer as P  # noqa: E402

WAYPOINT_EVERY_M = 150.0
SLACK = 1.03
SLACK_M = 20.0
BEARING_RANGE = 40


def metres(a, b):
    k = math.cos(math.radians((a[1] + b[1]) / 2))
    return math.hypot((b[0] - a[0]) * k, b[1] - a[1]) * 111_195.0


def heading(a, b):
    """Compass bearing from a to b in whole degrees (0 = north, clockwise)."""
    k = math.cos(math.radians((a[1] + b[1]) / 2))
    return round(math.degrees(math.atan2((b[0] - a[0]) * k, b[1] - a[1]))) % 360


def waypoints(coords):
    """The route's ends, and the middle of a segment every ~WAYPOINT_EVERY_M between them,
    each with gridpatrol's heading there (so OSRM takes the same carriageway)."""
    steps = [(a, b) for a, b in zip(coords, coords[1:]) if metres(a, b) > 0.5]
    if not steps:
        return [(coords[0], None), (coords[-1], None)]
    points = [(coords[0], heading(*steps[0]))]
    walked = 0.0
    for a, b in steps:
        step = metres(a, b)
        if walked + step >= WAYPOINT_EVERY_M and step >= 2.0:
            points.append((((a[0] + b[0]) / 2, (a[1] + b[1]) / 2), heading(a, b)))
            walked = 0.0
        else:
            walked += step
    points.append((coords[-1], heading(*steps[-1])))
    return points


def osrm_through(routed, points):
    """OSRM's route through the waypoints in order: its length, or None."""
    coords = P.coords_text([p for p, _ in points])
    bearings = ";".join("" if h is None else f"{h},{BEARING_RANGE}" for _, h in points)
    url = (f"{routed.url}/route/v1/driving/{coords}?overview=false&continue_straight=true"
           f"&bearings={bearings}")
    try:
        answer = json.loads(P.http_get(url))
    except urllib.error.HTTPError:
        return None
    if answer.get("code") != "Ok":
        return None
    return answer["routes"][0]["distance"]


RESTRICTED = {"destination", "delivery", "customers", "permit", "residents", "private"}


def destination_only(tags, profile):
    keys = P.CAR_ACCESS_KEYS if profile == "drive" else P.FOOT_ACCESS_KEYS
    value = next((tags[k] for k in keys if k in tags), None)
    return profile == "drive" and value in RESTRICTED


def cuts_through(route, objects, profile):
    """A destination-only way used neither at the route's start nor at its end."""
    runs = []
    for way_id, *_ in route["edges"]:
        if not runs or runs[-1] != way_id:
            runs.append(way_id)
    restricted = [destination_only(objects.get(("w", w), {"tags": {}})["tags"], profile) for w in runs]
    # the leading and trailing restricted runs are where the route starts and ends
    first, last = 0, len(runs)
    while first < last and restricted[first]:
        first += 1
    while last > first and restricted[last - 1]:
        last -= 1
    return [w for w, r in zip(runs[first:last], restricted[first:last]) if r]


def flagged_pairs(ours, table):
    gd, od = ours["distances_m"], table["distances"]
    n, pairs, flagged = len(gd), 0, []
    for i in range(n):
        for j in range(n):
            if i == j or gd[i][j] is None or od[i][j] is None:
                continue
            pairs += 1
            if od[i][j] > 0 and gd[i][j] < P.SHORTER * od[i][j] and od[i][j] - gd[i][j] > P.ROUNDING_M:
                flagged.append((i, j))
    return pairs, flagged


def our_routes(args, out, sample):
    pairs_file = os.path.join(out, "drivable_pairs.csv")
    with open(pairs_file, "w") as f:
        f.writelines(f"{i},{j}\n" for i, j in sample)
    example = P.release_binaries()[0]
    routes_dir = os.path.join(out, "drivable")
    os.makedirs(routes_dir, exist_ok=True)
    subprocess.run([example, "--osm", args.osm, "--sites", str(args.sites), "--seed", str(args.points_seed),
                    "--profile", args.profile, "--out-dir", routes_dir, "--route-pairs", pairs_file,
                    "--peer-files", "no"],
                   capture_output=True, text=True, cwd=P.ROOT, check=True)
    routes = json.load(open(os.path.join(routes_dir, "routes.json")))
    return {(r["i"], r["j"]): r["route"] for r in routes}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("osm")
    ap.add_argument("profile", nargs="?", default="drive", choices=sorted(P.OSRM_PROFILE))
    ap.add_argument("--sample", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--points-seed", type=int, default=7, help="the benchmark's --seed")
    args = ap.parse_args()
    args.osm = os.path.abspath(args.osm)
    out = os.path.abspath(args.out)
    points = P.read_points(out)
    args.sites = len(points)
    args.osrm = os.path.join(P.ROOT, ".peers-osrm", "osrm")
    ours = json.load(open(os.path.join(out, "matrix_answer.json")))
    base, _ = P.osrm_prepare(args)
    with P.Routed(args, base, len(points)) as routed:
        table, _ = P.osrm_table(routed, points, 1)
        pairs, flagged = flagged_pairs(ours, table)
        rng = random.Random(args.seed)
        sample = sorted(rng.sample(flagged, min(args.sample, len(flagged))))
        routes = our_routes(args, out, sample)
        way_ids = {e[0] for r in routes.values() if r for e in r["edges"]}
        objects = P.osm_objects(args.osm, way_ids, out) or {}
        verdicts = []
        for i, j in sample:
            route = routes.get((i, j))
            if not route or len(route["coordinates"]) < 2:
                verdicts.append({"i": i, "j": j, "verdict": "no gridpatrol route"})
                continue
            through = osrm_through(routed, waypoints(route["coordinates"]))
            ours_m = route["distance_m"]
            travelable = through is not None and through <= ours_m * SLACK + SLACK_M
            through_ways = cuts_through(route, objects, args.profile)
            verdict = "travelable by OSRM" if travelable else "not travelable by OSRM"
            if travelable and through_ways:
                verdict = "through a destination-only street (legal if its start or end lies behind it)"
            verdicts.append({
                "i": i, "j": j, "gridpatrol_m": ours_m, "osrm_fastest_m": table["distances"][i][j],
                "osrm_through_our_route_m": through,
                "verdict": verdict,
                "ways": through_ways or (sorted({e[0] for e in route["edges"]}) if not travelable else None),
            })
    bad = [v for v in verdicts if v["verdict"] != "travelable by OSRM"]
    flagged_share = len(flagged) / pairs if pairs else 0.0
    bad_share = flagged_share * (len(bad) / len(verdicts)) if verdicts else 0.0
    json.dump({"pairs": pairs, "flagged": len(flagged), "sampled": len(verdicts), "not_travelable": len(bad),
               "verdicts": verdicts}, open(os.path.join(out, "drivable.json"), "w"), indent=1)
    print(f"{len(flagged)} of {pairs} pairs ({100 * flagged_share:.2f} %) are > 10 % shorter than OSRM's fastest;")
    kinds = {}
    for v in bad:
        kinds[v["verdict"]] = kinds.get(v["verdict"], 0) + 1
    print(f"of {len(verdicts)} sampled, {len(verdicts) - len(bad)} are legal: OSRM travels gridpatrol's own route "
          f"(within {100 * (SLACK - 1):.0f} % + {SLACK_M:.0f} m), through no destination-only street; "
          f"not legal: {kinds or 0}")
    print(f"estimated share of pairs > 10 % shorter on a route OSRM cannot travel: {100 * bad_share:.2f} %")
    print(f"details: {os.path.join(out, 'drivable.json')}")


if __name__ == "__main__":
    main()
