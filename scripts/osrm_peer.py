#!/usr/bin/env python3
"""gridpatrol's matrix side by side with OSRM (contraction hierarchies) on one extract.

On the same seeded N road points it runs, in one go:
1. the matrix yardstick (`examples/matrix_bench.rs`: network build, `Router::new` as the
   preprocessing, the search, writing, peak memory) and the cold `gridpatrol matrix`
   command on the points it snapped (wall time and peak resident memory);
2. OSRM: `osrm-extract` + `osrm-contract` (cached per extract and profile under
   target/osrm, their first times kept beside), `osrm-routed --algorithm CH` on a free
   port, the N points as one /table request (flatbuffers output, median of 3; once as
   JSON for the figures) and osrm-routed's resident memory after the timed tables;
3. the comparison of every pair: how often gridpatrol's route is more than 10 % shorter
   than OSRM's (a route a car or walker may not take), the duration ratio, the time and
   memory ratios; the 20 worst pairs go to worst_pairs.json with both routes and what the
   OpenStreetMap data says about the ways and nodes only gridpatrol passes.

Prints a human summary, then one JSON line with every figure.
Needs only the Python standard library, `osmium` (osmium-tool) for the explanations if
present, and OSRM's tools (`../shared/peers/osrm.sh DIR` prints their folder).

With `--metric distance` both routers minimise route length instead of time: gridpatrol
by weighing each street piece by its length with no turn costs (`matrix_bench --metric
distance`), OSRM by its own profile with `weight_name = 'distance'` (and its penalty for
driving through destination-only streets kept, as gridpatrol keeps its own). Pairs where
gridpatrol is then > 10 % shorter are what the two let pass, not how fast each thinks the
streets are: the legality check proper. The cold CLI is not run in that mode.

usage: scripts/osrm_peer.py --osm FILE --osrm DIR [--profile drive|walk] [--sites N]
                            [--seed 7] [--metric time|distance]
                            [--out target/osrm_bench/NAME-PROFILE-N[-shortest]]
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from bench_common import ROOT

OSRM_PROFILE = {"drive": "car.lua", "walk": "foot.lua"}
# OSRM's own profile minimising distance. It lives in a copy of the profiles folder, as
# the profiles `require` their lib/ from their own folder. OSRM's routability weight
# forbids turning from a street open to all into a destination-only one except to end
# there; its distance weight drops that, so the wrapper puts it back.
SHORTEST_PROFILE = """-- OSRM's {base} profile, minimising distance (written by scripts/osrm_peer.py)
local base = require('{module}')
local base_setup, base_turn = base.setup, base.process_turn
function base.setup()
  local profile = base_setup()
  profile.properties.weight_name = 'distance'
  return profile
end
function base.process_turn(profile, turn)
  base_turn(profile, turn)
  if not turn.source_restricted and turn.target_restricted then
    turn.weight = constants.max_turn_weight
  end
end
return base
"""
WORST_KEPT = 20
SHORTER = 0.9  # gridpatrol's distance below this share of OSRM's counts as "> 10 % shorter"
ROUNDING_M = 1.0  # ... and by more than this: two sites a few centimetres apart are no case


# ---------------------------------------------------------------- measuring commands

def measured(cmd, cwd=None, stdout=None):
    """Runs `cmd` and returns (wall seconds, peak resident MB, return code, stderr tail).
    The peak comes from /usr/bin/time -v where present, else from polling /proc."""
    time_bin = "/usr/bin/time"
    err_path = os.path.join(cwd or ROOT, f".measured-{os.getpid()}.err")
    with open(err_path, "w") as err:
        started = time.perf_counter()
        if os.access(time_bin, os.X_OK):
            proc = subprocess.run([time_bin, "-v", *cmd], cwd=cwd, stdout=stdout, stderr=err)
            wall = time.perf_counter() - started
            rc, peak = proc.returncode, None
        else:
            proc = subprocess.Popen(cmd, cwd=cwd, stdout=stdout, stderr=err)
            peak = 0.0
            while proc.poll() is None:
                peak = max(peak, proc_status_mb(proc.pid, "VmHWM") or 0.0)
                time.sleep(0.01)
            wall, rc = time.perf_counter() - started, proc.returncode
    text = open(err_path, errors="replace").read()
    os.remove(err_path)
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if found:
        peak = int(found.group(1)) / 1024
    return wall, peak, rc, text.strip()[-600:]


def proc_status_mb(pid, key):
    """`VmRSS`, `VmHWM`, … of a running process in MB, None if gone."""
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def median(values):
    s = sorted(values)
    n = len(s)
    return None if n == 0 else (s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2)


def quantile(sorted_values, q):
    """Linear-interpolated quantile of already sorted values."""
    if not sorted_values:
        return None
    pos = q * (len(sorted_values) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


# ---------------------------------------------------------------------- gridpatrol

def release_binaries():
    """Builds the yardstick and the CLI together (one feature set, so one build of the
    library) and returns their paths."""
    subprocess.run(["cargo", "build", "--release", "--quiet", "--example", "matrix_bench",
                    "--bin", "gridpatrol"], cwd=ROOT, check=True)
    release = os.path.join(ROOT, "target", "release")
    return os.path.join(release, "examples", "matrix_bench"), os.path.join(release, "gridpatrol")


def run_gridpatrol(args, out):
    """The yardstick's figures, then the cold CLI's on the points it snapped."""
    example, binary = release_binaries()
    cmd = [example, "--osm", args.osm, "--sites", str(args.sites), "--seed", str(args.seed),
           "--profile", args.profile, "--out-dir", out, "--peer-files", "no",
           "--metric", args.metric]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        sys.exit(f"matrix_bench failed: {proc.stderr.strip()[-600:]}")
    ours = json.loads([l for l in proc.stdout.splitlines() if l.startswith("{")][-1])
    if args.metric == "distance":
        return ours, {"cli_matrix_wall_s": None, "cli_matrix_peak_mb": None}

    cli_dir = os.path.join(out, "cli")  # its own folder, so nothing lands in the repository
    os.makedirs(cli_dir, exist_ok=True)
    with open(os.path.join(out, "cli_matrix.json"), "w") as answer:
        wall, peak, rc, err = measured(
            [binary, "matrix", "--osm", os.path.abspath(args.osm), "--profile", args.profile,
             "--sites", os.path.abspath(os.path.join(out, "points.csv"))],
            cwd=cli_dir, stdout=answer)
    cli = {"cli_matrix_wall_s": wall, "cli_matrix_peak_mb": peak}
    if rc != 0:
        cli["cli_matrix_error"] = err
    return ours, cli


JUNCTION_M = 1.0  # a site this near a junction starts from the junction (issue item 2)


def sites_at_junctions(out):
    """The sites gridpatrol starts from a junction: within JUNCTION_M of an end of the
    street piece they snapped to (sites.csv of the yardstick)."""
    at = set()
    with open(os.path.join(out, "sites.csv")) as f:
        header = next(f).strip().split(",")
        col = {name: k for k, name in enumerate(header)}
        for row, line in enumerate(f):
            p = line.strip().split(",")
            offset, length = float(p[col["offset_m"]]), float(p[col["length_m"]])
            if min(offset, length - offset) <= JUNCTION_M:
                at.add(row)
    return at


def read_points(out):
    with open(os.path.join(out, "points.csv")) as f:
        next(f)
        return [(float(p[1]), float(p[2])) for p in (line.strip().split(",") for line in f) if len(p) == 3]


# -------------------------------------------------------------------------- OSRM

def file_sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def osrm_base_name(osm):
    name = os.path.basename(osm)
    for ext in (".osm.pbf", ".osm.bz2", ".osm", ".pbf"):
        if name.endswith(ext):
            return name[: -len(ext)]
    return name


def osrm_profile_file(args):
    """The Lua profile OSRM extracts with: its own, or the wrapper minimising distance."""
    profiles = os.path.join(args.osrm, "share", "profiles")
    base = OSRM_PROFILE[args.profile]
    if args.metric == "time":
        return os.path.join(profiles, base)
    copy = os.path.join(ROOT, "target", "osrm", "profiles-shortest")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(profiles, copy)
    path = os.path.join(copy, "shortest_" + base)
    with open(path, "w") as f:
        f.write(SHORTEST_PROFILE.format(base=base, module=base[: -len(".lua")]))
    return path


def osrm_prepare(args):
    """Extract + contract once per extract, profile and metric; the figures of the run
    that made them are kept in preprocess.json beside (rebuilt when the extract's bytes
    change)."""
    suffix = "-shortest" if args.metric == "distance" else ""
    folder = os.path.join(ROOT, "target", "osrm", f"{osrm_base_name(args.osm)}-{args.profile}{suffix}")
    base = os.path.join(folder, osrm_base_name(args.osm) + ".osrm")
    meta_path = os.path.join(folder, "preprocess.json")
    sha = file_sha256(args.osm)
    if os.path.exists(meta_path) and os.path.exists(base + ".hsgr"):
        meta = json.load(open(meta_path))
        if meta.get("sha256") == sha and meta.get("profile") == args.profile:
            return base, dict(meta, cached=True)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    link = os.path.join(folder, os.path.basename(args.osm))  # outputs land beside the input
    os.symlink(os.path.abspath(args.osm), link)
    bin_dir = os.path.join(args.osrm, "bin")
    profile = osrm_profile_file(args)
    meta = {"sha256": sha, "profile": args.profile, "osrm_profile": os.path.basename(profile)}
    for step, cmd in (
        ("extract", [os.path.join(bin_dir, "osrm-extract"), "-p", profile, "-t", "2", link]),
        ("contract", [os.path.join(bin_dir, "osrm-contract"), "-t", "2", base]),
    ):
        with open(os.path.join(folder, step + ".log"), "w") as log:
            wall, peak, rc, err = measured(cmd, cwd=folder, stdout=log)
        if rc != 0:
            sys.exit(f"osrm-{step} failed ({rc}): {err}")
        meta[f"{step}_s"], meta[f"{step}_peak_mb"] = wall, peak
    json.dump(meta, open(meta_path, "w"), indent=1)
    return base, dict(meta, cached=False)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url, timeout=600):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read()


class Routed:
    """osrm-routed on a free local port, stopped on exit."""

    def __init__(self, args, base, n):
        self.port = free_port()
        self.log = open(os.path.join(os.path.dirname(base), "routed.log"), "w")
        self.proc = subprocess.Popen(
            [os.path.join(args.osrm, "bin", "osrm-routed"), base, "--algorithm", "CH",
             "-i", "127.0.0.1", "-p", str(self.port), "-t", "2",
             "--max-table-size", str(max(n, 100)), "--max-viaroute-size", "500"],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        deadline = time.time() + 300
        while time.time() < deadline:
            if self.proc.poll() is not None:
                sys.exit(f"osrm-routed stopped ({self.proc.returncode}); see {self.log.name}")
            try:
                http_get(f"{self.url}/nearest/v1/driving/0,0", timeout=5)
                return self
            except urllib.error.HTTPError:
                return self  # it answers
            except OSError:
                time.sleep(0.2)
        sys.exit("osrm-routed did not answer within 300 s")

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def coords_text(points):
    return ";".join(f"{lon:.7f},{lat:.7f}" for lon, lat in points)


def osrm_table(routed, points, runs):
    """Median time of `runs` flatbuffers tables, then one JSON table for the figures."""
    path = f"{routed.url}/table/v1/driving/{coords_text(points)}"
    query = "?annotations=duration,distance"
    loaded_mb = proc_status_mb(routed.proc.pid, "VmRSS")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        body = http_get(path + ".flatbuffers" + query)
        times.append(time.perf_counter() - started)
    after_tables_mb = proc_status_mb(routed.proc.pid, "VmRSS")
    peak_tables_mb = proc_status_mb(routed.proc.pid, "VmHWM")
    started = time.perf_counter()
    table = json.loads(http_get(path + query))
    json_s = time.perf_counter() - started
    if table.get("code") != "Ok":
        sys.exit(f"OSRM table: {table.get('code')}: {table.get('message')}")
    figures = {
        "osrm_table_s": median(times),
        "osrm_table_runs_s": times,
        "osrm_table_flatbuffers_mb": len(body) / 1e6,
        "osrm_table_json_s": json_s,
        # resident after the flatbuffers tables: the data plus what a table needs, or
        # less when osrm-routed has handed the table's memory back already (compare
        # with the peak too)
        "osrm_routed_rss_mb": after_tables_mb,
        "osrm_routed_rss_loaded_mb": loaded_mb,
        "osrm_routed_rss_after_json_mb": proc_status_mb(routed.proc.pid, "VmRSS"),
        "osrm_routed_peak_tables_mb": peak_tables_mb,  # before the JSON answer
        "osrm_routed_peak_mb": proc_status_mb(routed.proc.pid, "VmHWM"),
    }
    return table, figures


def osrm_route(routed, a, b):
    url = (f"{routed.url}/route/v1/driving/{coords_text([a, b])}"
           "?overview=full&geometries=geojson&annotations=nodes")
    try:
        answer = json.loads(http_get(url))
    except urllib.error.HTTPError as e:
        return {"error": e.read().decode(errors="replace")[:200]}
    except urllib.error.URLError as e:
        return {"error": f"{e.reason} (osrm-routed exit code {routed.proc.poll()})"}
    if answer.get("code") != "Ok":
        return {"error": answer.get("code")}
    route = answer["routes"][0]
    nodes = [n for leg in route["legs"] for n in leg.get("annotation", {}).get("nodes", [])]
    return {"distance_m": route["distance"], "duration_s": route["duration"],
            "node_ids": nodes, "coordinates": route["geometry"]["coordinates"]}


# -------------------------------------------------------------------- comparison

def compare(ours_answer, table, points, junctions=frozenset()):
    """Per pair figures and the worst pairs where gridpatrol is > 10 % shorter."""
    gd, gt = ours_answer["distances_m"], ours_answer["durations_s"]
    od, ot = table["distances"], table["durations"]
    n = len(points)
    pairs = shorter = only_ours = only_osrm = 0
    duration_ratios, distance_ratios, worst = [], [], []
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            if gd[i][j] is None or od[i][j] is None:
                only_ours += gd[i][j] is not None and od[i][j] is None
                only_osrm += gd[i][j] is None and od[i][j] is not None
                continue
            pairs += 1
            if ot[i][j] and ot[i][j] > 0 and gt[i][j] is not None:
                duration_ratios.append(gt[i][j] / ot[i][j])
            if od[i][j] > 0:
                distance_ratios.append(gd[i][j] / od[i][j])
                if gd[i][j] < SHORTER * od[i][j] and od[i][j] - gd[i][j] > ROUNDING_M:
                    shorter += 1
                    worst.append((gd[i][j] / od[i][j], i, j))
    worst.sort()
    # A site OSRM places on another street (an elevated road over the one we snapped to,
    # the far carriageway) flags a whole row and column: count the sites behind the cases.
    per_site = {}
    for _, i, j in worst:
        for k in (i, j):
            per_site[k] = per_site.get(k, 0) + 1
    busiest = sorted(per_site.items(), key=lambda kv: -kv[1])[:10]
    duration_ratios.sort()
    distance_ratios.sort()
    figures = {
        "pairs_compared": pairs,
        "unreachable_only_gridpatrol": only_osrm,
        "unreachable_only_osrm": only_ours,
        "shorter_10pct_pairs": shorter,
        "shorter_10pct_share": shorter / pairs if pairs else None,
        "median_duration_ratio": quantile(duration_ratios, 0.5),
        "p10_duration_ratio": quantile(duration_ratios, 0.1),
        "p90_duration_ratio": quantile(duration_ratios, 0.9),
        "median_distance_ratio": quantile(distance_ratios, 0.5),
        "osrm_snap_median_m": median([s.get("distance", 0.0) for s in table.get("sources", [])]),
        "flagged_sites": len(per_site),
        "flagged_sites_busiest": [
            {"site": k, "pairs": c, "point": points[k],
             "within_1m_of_a_junction": k in junctions,
             "osrm_snapped_to": {key: v for key, v in table.get("sources", [{}] * n)[k].items()
                                 if key != "hint"}} for k, c in busiest],
        "flagged_pairs_at_a_junction": sum(1 for _, i, j in worst if i in junctions or j in junctions),
        "flagged_pairs_on_10_busiest_sites": len(
            [1 for _, i, j in worst if i in dict(busiest) or j in dict(busiest)]),
        "osrm_snap_over_5m": sum(1 for s in table.get("sources", []) if s.get("distance", 0.0) > 5),
    }
    rows = []
    for ratio, i, j in worst[:WORST_KEPT]:
        rows.append({
            "i": i, "j": j, "from": points[i], "to": points[j],
            "distance_ratio": ratio,
            "gridpatrol": {"distance_m": gd[i][j], "duration_s": gt[i][j]},
            "osrm": {"distance_m": od[i][j], "duration_s": ot[i][j],
                     "snapped_from": table["sources"][i], "snapped_to": table["destinations"][j]},
        })
    return figures, rows


def cli_agrees(out, ours_answer):
    """Whether the cold command's durations equal the yardstick's (same points, same
    network: they must, to 0.1 s)."""
    try:
        cli = json.load(open(os.path.join(out, "cli_matrix.json")))
    except (OSError, ValueError):
        return None
    a, b = cli.get("durations_s"), ours_answer["durations_s"]
    if not a or len(a) != len(b):
        return False
    # Both are rounded to 0.1 s; the points went through a CSV at 1e-8 degrees.
    return all(x == y or (x is not None and y is not None and abs(x - y) <= 0.15 + 1e-4 * abs(y))
               for ra, rb in zip(a, b) for x, y in zip(ra, rb))


# ------------------------------------------------------------------ explanations

def opl_unescape(text):
    return re.sub(r"%([0-9a-fA-F]+)%", lambda m: chr(int(m.group(1), 16)), text)


def parse_opl(text):
    """{('n'|'w'|'r', id): {"tags", "nodes" | "members", "x", "y"}} from osmium's OPL."""
    objects = {}
    for line in text.splitlines():
        if not line or line[0] not in "nwr":
            continue
        fields = line.split(" ")
        kind, oid = line[0], int(fields[0][1:])
        obj = {"tags": {}}
        for f in fields[1:]:
            if f.startswith("T") and len(f) > 1:
                for kv in f[1:].split(","):
                    k, _, v = kv.partition("=")
                    obj["tags"][opl_unescape(k)] = opl_unescape(v)
            elif f.startswith("N") and kind == "w":
                obj["nodes"] = [int(n[1:]) for n in f[1:].split(",") if n]
            elif f.startswith("M") and kind == "r":
                obj["members"] = [(m[0], int(m[1:].split("@")[0]), m.split("@", 1)[1])
                                  for m in f[1:].split(",") if m and "@" in m]
            elif f.startswith("x") and len(f) > 1:
                obj["x"] = float(f[1:])
            elif f.startswith("y") and len(f) > 1:
                obj["y"] = float(f[1:])
        objects[(kind, oid)] = obj
    return objects


def osm_objects(osm, way_ids, out):
    """The given ways with their nodes, and every turn restriction, via osmium."""
    if not shutil.which("osmium") or not way_ids:
        return None
    id_file = os.path.join(out, "worst_way_ids.txt")
    with open(id_file, "w") as f:
        f.writelines(f"w{w}\n" for w in sorted(way_ids))
    ways = subprocess.run(["osmium", "getid", "-r", "-f", "opl", "-i", id_file, osm],
                          capture_output=True, text=True)
    rels = subprocess.run(["osmium", "tags-filter", "-R", "-f", "opl", osm, "r/type=restriction"],
                          capture_output=True, text=True)
    objects = parse_opl(ways.stdout)
    objects.update(parse_opl(rels.stdout))
    return objects


# What OSRM's profiles let through (car.lua / foot.lua of osrm-backend, in short).
CAR_HIGHWAYS = {"motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link",
                "secondary", "secondary_link", "tertiary", "tertiary_link", "unclassified",
                "residential", "living_street", "service", "road"}
FOOT_HIGHWAYS = {"primary", "primary_link", "secondary", "secondary_link", "tertiary",
                 "tertiary_link", "unclassified", "residential", "road", "living_street",
                 "service", "track", "path", "steps", "pedestrian", "platform", "footway", "pier"}
CONSTRUCTION_OPEN = {"no", "widening", "minor"}
CAR_ACCESS_KEYS = ["motorcar", "motor_vehicle", "vehicle", "access"]
FOOT_ACCESS_KEYS = ["foot", "access"]
ACCESS_REFUSED = {"no", "private", "agricultural", "forestry", "emergency", "psv", "customers",
                  "delivery", "permit"}
CAR_BARRIERS_PASSABLE = {"cattle_grid", "border_control", "toll_booth", "sally_port", "gate",
                         "lift_gate", "no", "entrance", "height_restrictor", "arch"}
FOOT_BARRIERS_PASSABLE = CAR_BARRIERS_PASSABLE | {"bollard", "block", "kissing_gate", "stile",
                                                  "turnstile", "swing_gate", "cycle_barrier",
                                                  "chain", "hampshire_gate", "full-height_turnstile"}


def access_refused(tags, keys):
    for k in keys:
        if k in tags:
            return tags[k] in ACCESS_REFUSED and f"{k}={tags[k]}"
    return False


def explain(pair, route, objects, profile, metric="time"):
    """Causes found on gridpatrol's route that OSRM's profile would refuse."""
    causes = []
    snaps = (pair["osrm"]["snapped_from"].get("distance", 0.0),
             pair["osrm"]["snapped_to"].get("distance", 0.0))
    if route is None:
        return ["no gridpatrol route"]
    edges = route["edges"]
    access_keys = CAR_ACCESS_KEYS if profile == "drive" else FOOT_ACCESS_KEYS
    passable = CAR_BARRIERS_PASSABLE if profile == "drive" else FOOT_BARRIERS_PASSABLE
    on_line = {(round(x, 6), round(y, 6)) for x, y in route["coordinates"]}
    seen_ways = []
    for way_id, a, b, highway in edges:
        if not seen_ways or seen_ways[-1] != way_id:
            seen_ways.append(way_id)
    for way_id in dict.fromkeys(seen_ways):
        way = objects.get(("w", way_id), {"tags": {}})
        tags = way["tags"]
        hw = tags.get("highway", "")
        if hw in ("construction", "proposed") or tags.get("construction", "no") not in CONSTRUCTION_OPEN:
            causes.append(f"construction: way {way_id} highway={hw} construction={tags.get('construction')}")
        refused = access_refused(tags, access_keys)
        if refused:
            causes.append(f"access: way {way_id} {refused}")
        if profile == "drive" and hw not in CAR_HIGHWAYS and hw != "construction":
            causes.append(f"highway class: way {way_id} highway={hw} (not driven by car.lua)")
        if profile == "drive" and tags.get("service") == "emergency_access":
            causes.append(f"highway class: way {way_id} service=emergency_access")
        if profile == "walk" and hw not in FOOT_HIGHWAYS:
            causes.append(f"highway class: way {way_id} highway={hw} (not walked by foot.lua)")
        if tags.get("area") == "yes" or tags.get("impassable") == "yes" or tags.get("oneway") == "reversible":
            causes.append(f"profile avoids: way {way_id} " + ",".join(
                f"{k}={tags[k]}" for k in ("area", "impassable", "oneway") if k in tags))
        for n in way.get("nodes", []):
            node = objects.get(("n", n))
            if not node or "barrier" not in node["tags"] or "x" not in node:
                continue
            if (round(node["x"], 6), round(node["y"], 6)) not in on_line:
                continue
            t = node["tags"]
            if t["barrier"] not in passable or access_refused(t, access_keys):
                causes.append(f"barrier: node {n} barrier={t['barrier']}" +
                              "".join(f" {k}={t[k]}" for k in access_keys if k in t))
    if profile == "drive":
        causes += oneway_causes(edges, objects)
        causes += restriction_causes(edges, objects)
    if max(snaps) > 5:
        causes.append(f"snapping: OSRM snapped {max(snaps):.0f} m away")
    unexplained = ("none found in the tags (speeds or turn costs: OSRM's fastest road is longer)"
                   if metric == "time" else "none found in the tags")
    return list(dict.fromkeys(causes)) or [unexplained]


def oneway_causes(edges, objects):
    """Ways driven against their oneway or against an access tag for that direction."""
    causes = []
    for way_id, a, b, _ in edges:
        way = objects.get(("w", way_id))
        if not way or a not in way.get("nodes", []) or b not in way.get("nodes", []):
            continue
        t, refs = way["tags"], way["nodes"]
        ia, ib = refs.index(a), refs.index(b)
        if refs[0] == refs[-1] and len(refs) > 2:  # closed way: the shorter way round
            forward = (ib - ia) % (len(refs) - 1) <= (ia - ib) % (len(refs) - 1)
        else:
            forward = ia < ib
        side = "forward" if forward else "backward"
        for k in CAR_ACCESS_KEYS:
            if t.get(f"{k}:{side}") in ACCESS_REFUSED:
                causes.append(f"access: way {way_id} {k}:{side}={t[f'{k}:{side}']}")
                break
        ow = t.get("oneway", "")
        implied = t.get("junction") in ("roundabout", "circular") or t.get("highway") == "motorway"
        if (ow in ("yes", "1", "true") or (implied and ow != "no")) and not forward:
            causes.append(f"oneway: way {way_id} driven against oneway")
        if ow == "-1" and forward:
            causes.append(f"oneway: way {way_id} driven against oneway=-1")
    return causes


def restriction_causes(edges, objects):
    """Turn restrictions broken at a junction where gridpatrol goes from one way to another."""
    causes = []
    # (way in, junction, way out, whether it turns back the way it came)
    turns = [(edges[k][0], edges[k][2], edges[k + 1][0], edges[k][1] == edges[k + 1][2])
             for k in range(len(edges) - 1)]
    way_sequence = [w for k, w in enumerate(e[0] for e in edges) if k == 0 or edges[k - 1][0] != w]
    for (kind, rid), rel in objects.items():
        if kind != "r":
            continue
        t = rel["tags"]
        value = t.get("restriction") or t.get("restriction:motorcar") or t.get("restriction:motor_vehicle")
        if not value or "motorcar" in t.get("except", "").split(";"):
            continue
        members = rel.get("members", [])
        frm = [m[1] for m in members if m[0] == "w" and m[2] == "from"]
        to = [m[1] for m in members if m[0] == "w" and m[2] == "to"]
        via_nodes = [m[1] for m in members if m[0] == "n" and m[2] == "via"]
        via_ways = [m[1] for m in members if m[0] == "w" and m[2] == "via"]
        if not frm or not to:
            continue
        if via_nodes:
            for w_in, node, w_out, back in turns:
                if node != via_nodes[0] or w_in != frm[0]:
                    continue
                # from = to names a U-turn: passing straight along that way is no turn
                entered_to = w_out == to[0] and (frm[0] != to[0] or back)
                if value.startswith("no_") and entered_to or value.startswith("only_") and not entered_to:
                    causes.append(f"turn restriction: relation {rid} {value} at node {node}")
        elif via_ways and value.startswith("no_"):
            chain = [frm[0], *via_ways, to[0]]
            for k in range(len(way_sequence) - len(chain) + 1):
                if way_sequence[k:k + len(chain)] == chain:
                    causes.append(f"turn restriction: relation {rid} {value} via way {via_ways[0]}")
    return causes


def explain_worst(args, out, worst, routed):
    """Both routes of each worst pair and the causes found on gridpatrol's."""
    for pair in worst:
        pair["osrm"]["route"] = osrm_route(routed, pair["from"], pair["to"])
    pairs_file = os.path.join(out, "worst_pairs.csv")
    with open(pairs_file, "w") as f:
        f.writelines(f"{p['i']},{p['j']}\n" for p in worst)
    example = release_binaries()[0]
    subprocess.run([example, "--osm", args.osm, "--sites", str(args.sites), "--seed", str(args.seed),
                    "--profile", args.profile, "--out-dir", out, "--route-pairs", pairs_file,
                    "--metric", args.metric],
                   capture_output=True, text=True, cwd=ROOT, check=True)
    routes = {(r["i"], r["j"]): r["route"] for r in json.load(open(os.path.join(out, "routes.json")))}
    way_ids = {e[0] for r in routes.values() if r for e in r["edges"]}
    objects = osm_objects(os.path.abspath(args.osm), way_ids, out)
    counts, details = {}, {}
    for pair in worst:
        route = routes.get((pair["i"], pair["j"]))
        pair["gridpatrol"]["route"] = route
        pair["causes"] = explain(pair, route, objects, args.profile, args.metric) if objects is not None else ["osmium missing"]
        cause = pair["causes"][0].split(":")[0]
        counts[cause] = counts.get(cause, 0) + 1
        details[pair["causes"][0]] = details.get(pair["causes"][0], 0) + 1
    return counts, details


# -------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--osm", required=True)
    ap.add_argument("--osrm", required=True, help="folder holding OSRM's bin/ and share/profiles/")
    ap.add_argument("--profile", choices=sorted(OSRM_PROFILE), default="drive")
    ap.add_argument("--sites", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--runs", type=int, default=3, help="timed OSRM tables (median)")
    ap.add_argument("--metric", choices=["time", "distance"], default="time",
                    help="what both routers minimise (distance: the legality check proper)")
    ap.add_argument("--out")
    args = ap.parse_args()
    args.osm = os.path.abspath(args.osm)
    name = f"{osrm_base_name(args.osm)}-{args.profile}-{args.sites}"
    if args.metric == "distance":
        name += "-shortest"
    out = os.path.abspath(args.out or os.path.join(ROOT, "target", "osrm_bench", name))
    os.makedirs(out, exist_ok=True)

    ours, cli = run_gridpatrol(args, out)
    points = read_points(out)
    ours_answer = json.load(open(os.path.join(out, "matrix_answer.json")))
    cli["cli_agrees_with_example"] = cli_agrees(out, ours_answer)
    base, prep = osrm_prepare(args)
    with Routed(args, base, len(points)) as routed:
        table, osrm = osrm_table(routed, points, args.runs)
        comparison, worst = compare(ours_answer, table, points, sites_at_junctions(out))
        causes, cause_details = explain_worst(args, out, worst, routed) if worst else ({}, {})
    json.dump(worst, open(os.path.join(out, "worst_pairs.json"), "w"), indent=1)
    if args.metric == "distance":  # gridpatrol's "durations" are then metres
        for key in ("median_duration_ratio", "p10_duration_ratio", "p90_duration_ratio"):
            comparison[key] = None

    osrm_prep_s = prep["extract_s"] + prep["contract_s"]
    routed_rss = osrm["osrm_routed_rss_mb"]
    figures = {
        "osm": os.path.relpath(args.osm, ROOT), "profile": args.profile, "metric": args.metric,
        "sites": len(points),
        "seed": args.seed, "nodes": ours["nodes"], "edges": ours["edges"], "threads": ours["threads"],
        "read_s": ours["read_s"], "build_s": ours["build_s"], "preprocess_s": ours["preprocess_s"],
        "routable_s": ours["routable_s"], "matrix_s": ours["matrix_s"], "write_s": ours["write_s"],
        "peak_memory_mb": ours["peak_memory_mb"], "rss_after_matrix_mb": ours["rss_after_matrix_mb"],
        "memory_stages": ours.get("memory_stages", []),
        **cli,
        "osrm_extract_s": prep["extract_s"], "osrm_contract_s": prep["contract_s"],
        "osrm_extract_peak_mb": prep.get("extract_peak_mb"), "osrm_contract_peak_mb": prep.get("contract_peak_mb"),
        "osrm_preprocess_cached": prep["cached"],
        **osrm,
        **comparison,
        "worst_causes": causes,
        "worst_cause_details": cause_details,
        "matrix_vs_osrm_table": ours["matrix_s"] / osrm["osrm_table_s"],
        "preprocess_vs_osrm_prep": ours["preprocess_s"] / osrm_prep_s,
        "routable_vs_osrm_prep": ours["routable_s"] / osrm_prep_s,
        "peak_memory_vs_osrm_routed": ours["peak_memory_mb"] / routed_rss if routed_rss else None,
        "peak_memory_vs_osrm_routed_peak": ours["peak_memory_mb"] / osrm["osrm_routed_peak_tables_mb"]
        if osrm["osrm_routed_peak_tables_mb"] else None,
        "rss_vs_osrm_routed": ours["rss_after_matrix_mb"] / routed_rss if routed_rss else None,
        # The command writes the matrix a band of rows at a time, never holding it whole.
        "cli_peak_vs_osrm_routed": cli["cli_matrix_peak_mb"] / routed_rss
        if routed_rss and cli.get("cli_matrix_peak_mb") else None,
        "out_dir": os.path.relpath(out, ROOT),
    }
    summary(figures)
    print(json.dumps(figures))


def summary(f):
    def fmt(v, spec=".3f"):
        return "n/a" if v is None else format(v, spec)
    n = f["sites"]
    print(f"{f['osm']} {f['profile']} minimising {f['metric']}, {n}x{n}, {f['nodes']} nodes, "
          f"{f['threads']} threads")
    print(f"  search     gridpatrol {fmt(f['matrix_s'])} s   OSRM CH table {fmt(f['osrm_table_s'])} s"
          f"   ratio {fmt(f['matrix_vs_osrm_table'], '.2f')}")
    print(f"  preprocess gridpatrol Router::new {fmt(f['preprocess_s'])} s (read+build+preprocess "
          f"{fmt(f['routable_s'])} s)   OSRM extract {fmt(f['osrm_extract_s'], '.1f')} s + contract "
          f"{fmt(f['osrm_contract_s'], '.1f')} s   ratios {fmt(f['preprocess_vs_osrm_prep'], '.3f')} / "
          f"{fmt(f['routable_vs_osrm_prep'], '.2f')}")
    print(f"  memory     gridpatrol peak {fmt(f['peak_memory_mb'], '.0f')} MB   osrm-routed RSS "
          f"{fmt(f['osrm_routed_rss_mb'], '.0f')} MB (peak while answering "
          f"{fmt(f['osrm_routed_peak_tables_mb'], '.0f')} MB)   ratios "
          f"{fmt(f['peak_memory_vs_osrm_routed'], '.2f')} / {fmt(f['peak_memory_vs_osrm_routed_peak'], '.2f')}")
    stages = ", ".join(f"{s['stage']} {fmt(s['peak_mb'], '.0f')}" for s in f["memory_stages"])
    print(f"  by stage   gridpatrol peak MB: {stages}")
    print(f"  cold CLI   gridpatrol matrix {fmt(f['cli_matrix_wall_s'], '.2f')} s, peak "
          f"{fmt(f['cli_matrix_peak_mb'], '.0f')} MB ({fmt(f['cli_peak_vs_osrm_routed'], '.2f')} of "
          f"osrm-routed's RSS); write {fmt(f['write_s'])} s")
    print(f"  legality   {f['shorter_10pct_pairs']} of {f['pairs_compared']} pairs "
          f"({fmt(100 * (f['shorter_10pct_share'] or 0), '.2f')} %) > 10 % shorter than OSRM; worst: "
          f"{f['worst_causes']}")
    print(f"             the flagged pairs touch {f['flagged_sites']} sites; "
          f"{f['flagged_pairs_on_10_busiest_sites']} of them touch the 10 busiest, "
          f"{f['flagged_pairs_at_a_junction']} a site within {JUNCTION_M:.0f} m of a junction")
    print(f"  durations  gridpatrol/OSRM median {fmt(f['median_duration_ratio'])}, p10 "
          f"{fmt(f['p10_duration_ratio'])}, p90 {fmt(f['p90_duration_ratio'])}")
    print(f"  files      {f['out_dir']}/worst_pairs.json")


if __name__ == "__main__":
    main()
