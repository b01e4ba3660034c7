#!/usr/bin/env python3
"""Regenerates a township folder from an OpenStreetMap extract: the small sample in
data/ (Beijing Haidian around Xitucheng Rd / BUPT, data/osm/haidian-bupt.osm) or the
real-size township in data/townships/haidian-tsinghua/ (Tsinghua / PKU / 中关村北大街,
its osm/haidian-tsinghua.osm.xz).

Standard library only, deterministic (fixed seed): running it twice gives the same
files. Real from OSM: schools, hotspots (commercial buildings and residential
compounds with their real outlines and names) and the few tagged institutions.
Synthetic: most institutions (marked synthetic=true), the grid cells, their officers
and the depot position. See data/README.md.

    python3 data/scripts/make_sample.py                    # the sample, into data/
    python3 data/scripts/make_sample.py haidian-tsinghua   # into data/townships/haidian-tsinghua/
"""

import argparse
import csv
import json
import lzma
import math
import random
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent
CELL_M = 500.0

# ---------------------------------------------------------------- OSM reading


def read_osm(path):
    if path.suffix == ".xz":  # the real-size extract ships compressed
        with lzma.open(path) as fh:
            root = ET.parse(fh).getroot()
    else:
        root = ET.parse(path).getroot()
    nodes, ways, relations = {}, {}, {}
    for e in root:
        tags = {t.get("k"): t.get("v") for t in e.findall("tag")}
        if e.tag == "node":
            nodes[int(e.get("id"))] = (float(e.get("lon")), float(e.get("lat")), tags)
        elif e.tag == "way":
            refs = [int(n.get("ref")) for n in e.findall("nd")]
            ways[int(e.get("id"))] = (refs, tags)
        elif e.tag == "relation":
            members = [(m.get("type"), int(m.get("ref")), m.get("role")) for m in e.findall("member")]
            relations[int(e.get("id"))] = (members, tags)
    return nodes, ways, relations


def way_ring(nodes, refs):
    """The closed ring of a way, or None when open or incomplete."""
    if len(refs) < 4 or refs[0] != refs[-1] or any(r not in nodes for r in refs):
        return None
    return [(nodes[r][0], nodes[r][1]) for r in refs]


def areas(nodes, ways, relations):
    """Every closed way and simple multipolygon as (kind, id, tags, exterior, holes)."""
    out = []
    for wid, (refs, tags) in sorted(ways.items()):
        ring = way_ring(nodes, refs)
        if ring and tags:
            out.append(("way", wid, tags, ring, []))
    for rid, (members, tags) in sorted(relations.items()):
        if tags.get("type") != "multipolygon":
            continue
        outers = [way_ring(nodes, ways[ref][0]) for t, ref, role in members
                  if t == "way" and role == "outer" and ref in ways]
        inners = [way_ring(nodes, ways[ref][0]) for t, ref, role in members
                  if t == "way" and role == "inner" and ref in ways]
        outers = [r for r in outers if r]
        if outers:  # keep the largest closed outer (the extract has no split outers)
            ext = max(outers, key=lambda r: abs(signed_area(r)))
            out.append(("relation", rid, tags, ext, [r for r in inners if r]))
    return out


# ---------------------------------------------------------------- plane geometry


def signed_area(ring):
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:])) / 2.0


def centroid(ring):
    a = signed_area(ring)
    if a == 0:
        xs, ys = zip(*ring)
        return sum(xs) / len(xs), sum(ys) / len(ys)
    cx = sum((p[0] + q[0]) * (p[0] * q[1] - q[0] * p[1]) for p, q in zip(ring, ring[1:]))
    cy = sum((p[1] + q[1]) * (p[0] * q[1] - q[0] * p[1]) for p, q in zip(ring, ring[1:]))
    return cx / (6 * a), cy / (6 * a)


def inside_ring(pt, ring):
    x, y = pt
    hit = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def inside_polygon(pt, ext, holes):
    return inside_ring(pt, ext) and not any(inside_ring(pt, h) for h in holes)


def convex_hull(points):
    pts = sorted(set(points))
    if len(pts) < 3:
        return pts

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower, upper = [], []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    hull = lower[:-1] + upper[:-1]
    return hull + [hull[0]]


def ccw(ring):
    return ring if signed_area(ring) > 0 else list(reversed(ring))


def cw(ring):
    return list(reversed(ccw(ring)))


def metres(a, b):
    """Equirectangular distance between (lon, lat) points, fine at this scale."""
    k = math.cos(math.radians((a[1] + b[1]) / 2))
    return math.hypot((a[0] - b[0]) * k, a[1] - b[1]) * 111_195.0


def in_extent(pt, extent):
    return extent[0] <= pt[0] <= extent[2] and extent[1] <= pt[1] <= extent[3]


# ---------------------------------------------------------------- layers


def read_bounds(path):
    """The `<bounds>` of an openstreetmap.org export as (min_lon, min_lat, max_lon, max_lat)."""
    opener = lzma.open if path.suffix == ".xz" else open
    with opener(path, "rb") as fh:
        for _, e in ET.iterparse(fh):
            if e.tag == "bounds":
                return tuple(float(e.get(k)) for k in ("minlon", "minlat", "maxlon", "maxlat"))
    raise SystemExit(f"{path}: no <bounds> element")


def township_extent(nodes, bounds=None, step=0.0005):
    """The box of every node of the extract (or the export's `<bounds>`, when its ways
    reach far beyond the area asked for), rounded outwards to `step` degrees."""
    if bounds:
        lons, lats = [bounds[0], bounds[2]], [bounds[1], bounds[3]]
    else:
        lons = [n[0] for n in nodes.values()]
        lats = [n[1] for n in nodes.values()]
    down = lambda v: math.floor(v / step) * step
    up = lambda v: math.ceil(v / step) * step
    return [round(down(min(lons)), 4), round(down(min(lats)), 4),
            round(up(max(lons)), 4), round(up(max(lats)), 4)]


SCHOOL_AMENITIES = {"school", "kindergarten", "college", "university"}
SCHOOL_WORDS = ("小学", "中学", "附中", "幼儿园", "学校")
# A school's playground, canteen or clinic is named after it but is not a school
# (北京大学校医院 even contains 学校).
NOT_SCHOOL_WORDS = ("操场", "食堂", "医院")


def schools(nodes, polys, extent):
    """Tagged schools, kindergartens (also amenity=childcare named 幼儿园), colleges,
    universities, and buildings whose name says 中学/小学 (one is mis-tagged)."""
    out = []
    for kind, oid, tags, ext, holes in polys:
        name = tags.get("name", "")
        tagged = tags.get("amenity") in SCHOOL_AMENITIES
        named = any(w in name for w in SCHOOL_WORDS) and not any(w in name for w in NOT_SCHOOL_WORDS)
        if not (tagged or named):
            continue
        c = centroid(ext)
        if not in_extent(c, extent):
            inner = [p for p in ext if in_extent(p, extent)]
            if not inner:
                continue
            c = (sum(p[0] for p in inner) / len(inner), sum(p[1] for p in inner) / len(inner))
        if not name:
            continue  # an unnamed campus outline duplicates a named one
        out.append({"osm": f"{kind}/{oid}", "name": name, "lon": c[0], "lat": c[1],
                    "amenity": tags.get("amenity", "building")})
    for nid, (lon, lat, tags) in sorted(nodes.items()):
        if tags.get("amenity") in SCHOOL_AMENITIES and in_extent((lon, lat), extent):
            out.append({"osm": f"node/{nid}", "name": tags.get("name", f"学校 (OSM node {nid})"),
                        "lon": lon, "lat": lat, "amenity": tags["amenity"]})
    seen, unique = set(), []
    for s in out:  # a school mapped as both a way and a relation keeps one entry
        if s["name"] not in seen:
            seen.add(s["name"])
            unique.append(s)
    for i, s in enumerate(unique, 1):
        s["id"] = f"S{i:02d}"
    return unique


COMMERCIAL_BUILDINGS = {"office", "commercial", "retail"}
COMMERCIAL_AMENITIES = {"bank", "post_office", "fast_food", "cafe", "marketplace"}
RESIDENTIAL_BUILDINGS = {"apartments", "residential", "dormitory"}


def commercial_nodes(nodes):
    return [(lon, lat) for lon, lat, tags in nodes.values() if "office" in tags or "shop" in tags]


def hotspots(nodes, polys, extent):
    """Office and commercial buildings, and residential compounds, from OSM tags."""
    offices, residential_areas, homes = [], [], []
    shops = commercial_nodes(nodes)
    for kind, oid, tags, ext, holes in polys:
        if not any(in_extent(p, extent) for p in ext):
            continue
        building = tags.get("building")
        item = {"osm": f"{kind}/{oid}", "tags": tags, "ext": ext, "holes": holes}
        is_office = (building in COMMERCIAL_BUILDINGS or "office" in tags
                     or tags.get("landuse") in ("commercial", "retail")
                     or (building and ("shop" in tags or tags.get("amenity") in COMMERCIAL_AMENITIES))
                     or (building and building not in RESIDENTIAL_BUILDINGS | {"university"}
                         and any(inside_ring(s, ext) for s in shops)))
        if is_office:
            offices.append(item)
        elif tags.get("landuse") == "residential" or tags.get("place") == "neighbourhood":
            residential_areas.append(item)
        elif building in RESIDENTIAL_BUILDINGS and not any(w in tags.get("name", "") for w in SCHOOL_WORDS):
            homes.append(item)
    compounds = [dict(a, members=[a["osm"]]) for a in residential_areas]
    loose = [h for h in homes
             if not any(inside_ring(centroid(h["ext"]), a["ext"]) for a in residential_areas)]
    compounds += cluster_compounds(loose)
    out = []
    for i, o in enumerate(offices, 1):
        name = o["tags"].get("name") or f"商务楼宇 #{i} (OSM {o['osm'].replace('/', ' ')})"
        levels = o["tags"].get("building:levels", "")
        out.append({"kind": "office_building", "name": name, "ext": o["ext"], "holes": o["holes"],
                    "osm": [o["osm"]], "levels": int(levels) if levels.isdigit() else 4, "buildings": []})
    for i, c in enumerate(compounds, 1):
        name = c["tags"].get("name")
        if not name:
            first = c["members"][0].replace("/", " ")
            more = f" 等{len(c['members'])}栋" if len(c["members"]) > 1 else ""
            word = "学生公寓区" if c.get("dorm") else "居民小区"
            name = f"{word} #{i} (OSM {first}{more})"
        out.append({"kind": "residential_compound", "name": name, "ext": c["ext"],
                    "holes": c["holes"], "osm": c["members"], "dorm": c.get("dorm", False),
                    "buildings": c.get("buildings", [])})
    for i, h in enumerate(out, 1):
        h["id"] = f"H{i:02d}"
    return out


def cluster_compounds(homes, link_m=60.0):
    """Groups residential buildings whose outlines come within `link_m` of each other
    (single linkage on vertices) into compounds outlined by their convex hull."""
    n = len(homes)
    parent = list(range(n))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            same_kind = (homes[i]["tags"].get("building") == "dormitory") == \
                        (homes[j]["tags"].get("building") == "dormitory")
            if same_kind and min(metres(p, q) for p in homes[i]["ext"] for q in homes[j]["ext"]) <= link_m:
                parent[find(i)] = find(j)
    groups = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(homes[i])
    out = []
    for members in sorted(groups.values(), key=lambda g: g[0]["osm"]):
        dorm = members[0]["tags"].get("building") == "dormitory"
        if len(members) == 1:
            m = members[0]
            out.append({"tags": m["tags"], "ext": m["ext"], "holes": m["holes"],
                        "members": [m["osm"]], "dorm": dorm, "buildings": []})
        else:
            hull = convex_hull([p for m in members for p in m["ext"]])
            names = sorted({m["tags"]["name"] for m in members if m["tags"].get("name")})
            out.append({"tags": {}, "ext": hull, "holes": [], "members": [m["osm"] for m in members],
                        "dorm": dorm, "buildings": names})
    return out


OFFICERS = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周婷", "吴军",
            "孙丽", "马超", "朱红", "胡斌", "郭涛", "何静", "高峰", "林晓", "罗刚", "郑洁",
            "梁宇", "谢芳", "宋涛", "唐敏"]


def cells(extent):
    """A regular ~500 m grid over the extent, clipped to it, numbered north-west first."""
    min_lon, min_lat, max_lon, max_lat = extent
    mid = (min_lat + max_lat) / 2
    dlat = CELL_M / 111_195.0
    dlon = CELL_M / (111_195.0 * math.cos(math.radians(mid)))
    cols = max(1, math.ceil((max_lon - min_lon) / dlon - 0.2))  # a sliver < 20 % joins its neighbour
    rows = max(1, math.ceil((max_lat - min_lat) / dlat - 0.2))
    xs = [min_lon + i * dlon for i in range(cols)] + [max_lon]
    ys = [max_lat - j * dlat for j in range(rows)] + [min_lat]
    out = []
    for j in range(rows):
        for i in range(cols):
            k = len(out) + 1
            x0, x1, y1, y0 = xs[i], xs[i + 1], ys[j], ys[j + 1]
            ring = [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
            out.append({"id": f"C{k:02d}", "name": f"第{k}网格", "officer": OFFICERS[(k - 1) % len(OFFICERS)],
                        "ext": ring})
    return out


def depot(nodes, ways, extent, street):
    """The township office stands in as a point on `street` (no townhall is mapped in
    the extract): the node of that street nearest the extent's middle latitude."""
    for nid, (lon, lat, tags) in sorted(nodes.items()):
        if tags.get("amenity") == "townhall" and in_extent((lon, lat), extent):
            return {"id": "D1", "name": tags.get("name", "街道办事处"), "lon": lon, "lat": lat,
                    "how": f"OSM node {nid} (amenity=townhall)"}
    mid = (extent[1] + extent[3]) / 2
    best = None
    for wid, (refs, tags) in sorted(ways.items()):
        if tags.get("name") == street:
            for r in refs:
                if r in nodes and in_extent(nodes[r][:2], extent):
                    d = abs(nodes[r][1] - mid)
                    if best is None or d < best[0]:
                        best = (d, r)
    lon, lat, _ = nodes[best[1]]
    return {"id": "D1", "name": "街道办事处（示意位置）", "lon": lon, "lat": lat,
            "how": f"stand-in: OSM node {best[1]} on {street}"}


# ---------------------------------------------------------------- institutions

BRANDS = ["启航", "博学", "星火", "育才", "明德", "思齐", "乐学", "智慧树", "小牛顿", "金榜", "优学",
          "书香", "新苗", "阳光", "彩虹", "向日葵", "童心", "卓越", "未来之星", "知行", "朗朗", "墨香",
          "蓝天", "小太阳", "青藤", "晨曦", "博雅", "致远", "弘毅", "学而", "格致", "慧思", "天天向上",
          "成长树", "七色光", "开心果", "鸿鹄", "北辰", "西土城", "杏坛"]
# The real-size township's brand words (made up; no local place name of the sample).
BRANDS_LARGE = [b for b in BRANDS if b != "西土城"] + [
    "五道口", "春芽", "远航", "英才", "思源", "求是", "启明", "睿思", "汇智", "博思", "育英", "立德",
    "精英", "优贝", "小橡树", "蒲公英", "萤火虫", "好未来星", "乐乐", "聪聪", "金钥匙", "凌云",
    "飞鸿", "明日", "新航道口", "润泽", "清源", "墨韵", "丹青", "星辰"]
SUBJECT_NAMES = ["{b}教育培训中心", "{b}学科辅导", "{b}英语学校", "{b}数学思维", "{b}作文工作室",
                 "{b}一对一辅导", "{b}物理化学辅导"]
NON_SUBJECT_NAMES = ["{b}美术工作室", "{b}舞蹈艺术中心", "{b}围棋教室", "{b}少儿编程", "{b}体育培训",
                     "{b}钢琴艺术中心", "{b}书法教室", "{b}科技创客空间"]
CARE_NAMES = ["{b}托管班", "{b}小饭桌", "{b}午托中心", "{b}课后托管", "{b}学生之家"]
HOURS_TRAINING = ["16:00-21:00", "08:30-12:00,13:30-20:30", "09:00-12:00,14:00-21:00",
                  "17:30-21:00", "08:00-12:00,14:00-20:00"]
HOURS_CARE = ["11:30-13:30,16:30-19:30", "11:30-14:00,16:00-19:00", "07:30-08:30,11:30-19:00",
              "16:00-19:30"]

# Weekly opening hours of the real-size township: (weight, OSM form, Chinese form, the
# plain every-day spans the importer reads today, when it is open). A None form is never
# written (OSM cannot say 工作日); a template whose plain form is exact is written plain.
WEEK_TRAINING = [
    (4, "Mo-Fr 16:00-21:00; Sa,Su 08:00-20:00", "周一至周五 16:00-21:00；周六、周日 08:00-20:00",
     "16:00-21:00", "evenings and weekends"),
    (3, "Mo-Fr 17:30-21:00; Sa,Su 09:00-12:00,14:00-18:00",
     "周一至周五 17:30-21:00；周末 09:00-12:00,14:00-18:00", "17:30-21:00", "evenings and weekends"),
    (3, "Mo-Fr 17:30-21:00", "周一至周五 17:30-21:00", "17:30-21:00", "evenings only"),
    (2, "Mo,We,Fr 18:00-21:00", "周一、三、五 18:00-21:00", "18:00-21:00", "evenings only"),
    (3, "Sa,Su 08:30-12:00,13:30-18:00", "周六、周日 08:30-12:00,13:30-18:00",
     "08:30-12:00,13:30-18:00", "weekends only"),
    (2, "Sa,Su 09:00-17:00", "周末 09:00-17:00", "09:00-17:00", "weekends only"),
    (2, "Mo-Sa 14:00-20:00; Su off", "周一至周六 14:00-20:00；周日 休息", "14:00-20:00", "afternoons"),
    (2, "Mo-Su 09:00-20:00; PH off", "每天 09:00-20:00；节假日 休息", "09:00-20:00", "days"),
    (3, None, None, "08:30-12:00,13:30-20:30", "every day"),
    (2, None, None, "09:00-12:00,14:00-21:00", "every day"),
]
WEEK_CARE = [
    (4, "Mo-Fr 11:30-14:00,16:00-19:00", "周一至周五 11:30-14:00,16:00-19:00",
     "11:30-14:00,16:00-19:00", "school days"),
    (3, None, "工作日 11:30-13:30,16:30-19:30", "11:30-13:30,16:30-19:30", "school days"),
    (3, "Mo-Fr 16:30-20:30", "周一至周五 16:30-20:30", "16:30-20:30", "evenings only"),
    (2, None, "工作日 16:00-19:30；节假日 休息", "16:00-19:30", "school days"),
    (2, None, None, "07:30-08:30,11:30-19:00", "every day"),
]


def weekly_hours(rng, kind):
    """One synthetic institution's week: (the text in OSM or Chinese form, or plain when
    the same every day; the plain spans the importer reads today; when it is open)."""
    _, osm, chinese, plain, when = weighted(rng, [(t, t[0]) for t in (WEEK_CARE if kind == "care" else WEEK_TRAINING)])
    if osm is None and chinese is None:
        return plain, plain, when
    if osm is None or chinese is None:
        return osm or chinese, plain, when
    return (osm if rng.random() < 0.5 else chinese), plain, when


def random_point_in(rng, hotspot, extent):
    ext, holes = hotspot["ext"], hotspot["holes"]
    xs, ys = [p[0] for p in ext], [p[1] for p in ext]
    box = (max(min(xs), extent[0]), max(min(ys), extent[1]), min(max(xs), extent[2]), min(max(ys), extent[3]))
    for _ in range(1000):
        # rounded as written, and at least ~2 m from the outline so it stays inside
        pt = (round(rng.uniform(box[0], box[2]), 7), round(rng.uniform(box[1], box[3]), 7))
        near = ((pt[0] + dx, pt[1] + dy) for dx in (-2e-5, 0, 2e-5) for dy in (-2e-5, 0, 2e-5))
        if all(inside_polygon(p, ext, holes) for p in near):
            return pt
    return None


def weighted(rng, pairs):
    r = rng.random() * sum(w for _, w in pairs)
    for value, w in pairs:
        r -= w
        if r <= 0:
            return value
    return pairs[-1][0]


def osm_institutions(nodes, polys, extent):
    """Tagged tutoring and care businesses (a 幼儿园 is a school, not one of these)."""
    kinds = {"prep_school": "training", "language_school": "training", "music_school": "training",
             "dancing_school": "training", "training": "training", "childcare": "care"}
    found = []
    for nid, (lon, lat, tags) in sorted(nodes.items()):
        found.append((f"node/{nid}", tags, (lon, lat)))
    for kind, oid, tags, ext, _ in polys:
        found.append((f"{kind}/{oid}", tags, centroid(ext)))
    out = []
    for osm, tags, pt in found:
        kind = kinds.get(tags.get("amenity")) or ("training" if tags.get("office") == "educational_institution" else None)
        name = tags.get("name", "")
        if kind and "幼儿园" not in name and in_extent(pt, extent):
            out.append({"name": name or f"培训机构 (OSM {osm})", "kind": kind,
                        "subject": "non_subject" if kind == "training" else "",
                        "licence": "licensed", "address": tags.get("addr:street", ""),
                        "lon": pt[0], "lat": pt[1], "open_hours": tags.get("opening_hours", ""),
                        "week_hours": tags.get("opening_hours", ""),
                        "complaints": 0, "last_inspected": "", "synthetic": "false", "osm": osm})
    return out


def synthetic_institutions(rng, hots, extent, count, brands=BRANDS, week=False):
    """`count` made-up institutions inside the hotspots' outlines; `week` gives them
    weekly opening hours (`week_hours`) beside today's plain every-day spans."""
    places = [h for h in hots if any(in_extent(p, extent) for p in h["ext"])]
    weights = [(h, 1.0 if h.get("dorm") else 3.0 if h["kind"] == "residential_compound" else 2.0)
               for h in places]
    used_names = set()
    out = []
    while len(out) < count:
        h = weighted(rng, weights)
        pt = random_point_in(rng, h, extent)
        if pt is None:
            continue
        kind = weighted(rng, [("training", 0.62), ("care", 0.38)])
        subject = "" if kind == "care" else weighted(rng, [("subject", 0.45), ("non_subject", 0.55)])
        pattern = rng.choice(CARE_NAMES if kind == "care" else
                             SUBJECT_NAMES if subject == "subject" else NON_SUBJECT_NAMES)
        name = pattern.format(b=rng.choice(brands))
        if name in used_names:
            name += f"（{rng.choice(['二', '三', '四'])}分部）"
        if name in used_names:
            continue
        used_names.add(name)
        complaints = weighted(rng, [(0, 0.68), (1, 0.18), (2, 0.08), (3, 0.04), (5, 0.02)])
        inspected = ""
        if rng.random() < 0.78:
            day = rng.randrange(0, 320)  # 2026-01-01 .. mid-November
            inspected = date_2026(day)
        address = "海淀区 " + address_in(rng, h)
        if week:
            week_hours, hours, open_when = weekly_hours(rng, kind)
        else:
            hours = rng.choice(HOURS_CARE if kind == "care" else HOURS_TRAINING)
            week_hours, open_when = hours, ""
        out.append({"name": name, "kind": kind, "subject": subject, "licence": "licensed",
                    "hidden": h["kind"] == "residential_compound",
                    "address": address, "lon": pt[0], "lat": pt[1],
                    "open_hours": hours, "week_hours": week_hours, "open_when": open_when,
                    "complaints": complaints, "last_inspected": inspected, "synthetic": "true",
                    "osm": ""})
    assign_licences(rng, out)
    return out


def assign_licences(rng, insts, unlicensed=0.15, registered_only=0.20):
    """Exact shares of licence statuses; unlicensed ones lean to residential compounds
    (where hidden tutoring moves) and draw more complaints."""
    order = sorted(range(len(insts)), key=lambda i: -rng.random() * (1.6 if insts[i]["hidden"] else 1.0))
    n_unl = round(unlicensed * len(insts))
    rest = order[n_unl:]
    rng.shuffle(rest)
    for i in order[:n_unl]:
        insts[i]["licence"] = "unlicensed"
        insts[i]["complaints"] += rng.choice([0, 1, 1, 2])
    for i in rest[:round(registered_only * len(insts))]:
        insts[i]["licence"] = "registered_only"
    for inst in insts:
        del inst["hidden"]


def address_in(rng, h):
    """A plausible room: `<building> N层NNN室` or `<compound> <楼> N单元NNN室`."""
    place = h["name"].split(" (OSM")[0]
    if h["kind"] == "office_building":
        floor = rng.randint(1, h["levels"])
        return f"{place} {floor}层{floor}{rng.randint(1, 12):02d}室"
    building = rng.choice(h["buildings"]) + " " if h["buildings"] else ""
    floor = rng.randint(1, 6)
    return f"{place} {building}{rng.randint(1, 4)}单元{floor}{rng.randint(1, 4):02d}室"


def date_2026(day):
    months = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    m = 0
    while day >= months[m]:
        day -= months[m]
        m += 1
    return f"2026-{m + 1:02d}-{day + 1:02d}"


# ---------------------------------------------------------------- writing


def r7(v):
    return round(v, 7)


def ring_coords(ring):
    return [[r7(x), r7(y)] for x, y in ring]


def polygon_geometry(ext, holes):
    return {"type": "Polygon", "coordinates": [ring_coords(ccw(ext))] + [ring_coords(cw(h)) for h in holes]}


def point_geometry(lon, lat):
    return {"type": "Point", "coordinates": [r7(lon), r7(lat)]}


def write_geojson(path, features):
    doc = {"type": "FeatureCollection", "features": features}
    text = json.dumps(doc, ensure_ascii=False, indent=None, separators=(",", ":"))
    # one feature per line keeps diffs readable
    text = text.replace(',{"type":"Feature"', ',\n{"type":"Feature"')
    path.write_text(text + "\n", encoding="utf-8")


def feature(props, geometry):
    return {"type": "Feature", "properties": props, "geometry": geometry}


# Each township the script makes: where its extract is, where it writes, and what differs.
TOWNSHIPS = {
    "sample": {
        "out": DATA,
        "osm": "osm/haidian-bupt.osm",
        "osm_for_import": "osm/haidian-bupt.osm.pbf",
        "name": "北邮周边示例街道（海淀区西土城路一带）",
        "seed": 20260301,
        "institutions": 152,
        "extent_from_bounds": False,
        "extent_step": 0.0005,
        "depot_street": "西土城路",
        "brands": BRANDS,
        "week": False,
    },
    "haidian-tsinghua": {
        "out": DATA / "townships" / "haidian-tsinghua",
        "osm": "osm/haidian-tsinghua.osm.xz",
        "osm_for_import": "osm/haidian-tsinghua.osm.pbf",
        "name": "清华园周边示例街道（海淀区成府路一带，实际规模）",
        "seed": 20261125,
        "institutions": 500,
        "extent_from_bounds": True,  # an openstreetmap.org export: its ways reach 10 km out
        # 0.001° takes in the middle of 华清嘉园, a compound on the southern edge (coverage
        # counts a hotspot in the cell holding its centre).
        "extent_step": 0.001,
        "depot_street": "中关村北大街",
        "brands": BRANDS_LARGE,
        "week": True,
    },
}


def main():
    parser = argparse.ArgumentParser(description="Regenerates a township folder from its OSM extract.")
    parser.add_argument("township", nargs="?", default="sample", choices=sorted(TOWNSHIPS))
    args = parser.parse_args()
    make(TOWNSHIPS[args.township])


def make(cfg):
    out_dir = cfg["out"]
    osm_path = out_dir / cfg["osm"]
    nodes, ways, relations = read_osm(osm_path)
    extent = township_extent(nodes, read_bounds(osm_path) if cfg["extent_from_bounds"] else None,
                             cfg["extent_step"])
    polys = areas(nodes, ways, relations)
    rng = random.Random(cfg["seed"])

    sch = schools(nodes, polys, extent)
    hots = hotspots(nodes, polys, extent)
    grid = cells(extent)
    dep = depot(nodes, ways, extent, cfg["depot_street"])
    real = osm_institutions(nodes, polys, extent)
    insts = real + synthetic_institutions(rng, hots, extent, cfg["institutions"] - len(real),
                                          cfg["brands"], cfg["week"])
    for i, inst in enumerate(insts, 1):
        inst["id"] = f"I{i:03d}"

    fields = ["id", "name", "kind", "subject", "licence", "address", "lon", "lat", "open_hours",
              "complaints", "last_inspected", "synthetic"]
    if cfg["week"]:
        for inst in insts:
            inst["open_hours"] = inst["week_hours"]
    with open(out_dir / "institutions.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(fields)
        for inst in insts:
            row = dict(inst, lon=f"{inst['lon']:.7f}", lat=f"{inst['lat']:.7f}")
            w.writerow([row[f] for f in fields])
    write_geojson(out_dir / "schools.geojson", [
        feature({"id": s["id"], "name": s["name"], "osm": s["osm"]}, point_geometry(s["lon"], s["lat"]))
        for s in sch])
    write_geojson(out_dir / "hotspots.geojson", [
        feature({"id": h["id"], "name": h["name"], "kind": h["kind"], "osm": ";".join(h["osm"])},
                polygon_geometry(h["ext"], h["holes"])) for h in hots])
    write_geojson(out_dir / "cells.geojson", [
        feature({"id": c["id"], "name": c["name"], "officer": c["officer"]}, polygon_geometry(c["ext"], []))
        for c in grid])
    write_geojson(out_dir / "depots.geojson", [
        feature({"id": dep["id"], "name": dep["name"], "source": dep["how"]}, point_geometry(dep["lon"], dep["lat"]))])
    manifest = {
        "name": cfg["name"],
        "extent": extent,
        "osm": cfg["osm_for_import"],
        "layers": {
            "institutions": {"file": "institutions.csv", "format": "csv", "crs": "wgs84"},
            "schools": {"file": "schools.geojson", "format": "geojson", "crs": "wgs84"},
            "cells": {"file": "cells.geojson", "format": "geojson", "crs": "wgs84"},
            "hotspots": {"file": "hotspots.geojson", "format": "geojson", "crs": "wgs84"},
            "depots": {"file": "depots.geojson", "format": "geojson", "crs": "wgs84"},
        },
    }
    (out_dir / "township.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    synth = [i for i in insts if i["synthetic"] == "true"]
    count = lambda key, value: sum(1 for i in synth if i[key] == value)
    print(f"extent {extent}", file=sys.stderr)
    print(f"schools {len(sch)}: " + ", ".join(s["name"] for s in sch), file=sys.stderr)
    print(f"hotspots {len(hots)}: {sum(h['kind'] == 'office_building' for h in hots)} office/commercial, "
          f"{sum(h['kind'] == 'residential_compound' for h in hots)} residential", file=sys.stderr)
    print(f"cells {len(grid)}; depot {dep['how']}", file=sys.stderr)
    print(f"institutions {len(insts)}: {len(real)} from OSM, {len(synth)} synthetic "
          f"(training {count('kind', 'training')}, care {count('kind', 'care')}; "
          f"licensed {count('licence', 'licensed')}, registered_only {count('licence', 'registered_only')}, "
          f"unlicensed {count('licence', 'unlicensed')}; "
          f"{sum(1 for i in synth if i['complaints'] > 0)} with complaints, "
          f"{sum(1 for i in synth if i['last_inspected'])} inspected before)", file=sys.stderr)
    if cfg["week"]:
        forms = {}
        for i in synth:
            t = i["week_hours"]
            form = ("chinese" if any("\u4e00" <= c <= "\u9fff" for c in t)
                    else "osm" if any(c.isalpha() for c in t) else "plain")
            forms[form] = forms.get(form, 0) + 1
        when = {}
        for i in synth:
            when[i["open_when"]] = when.get(i["open_when"], 0) + 1
        print(f"opening hours: forms {forms}; open {when}", file=sys.stderr)


if __name__ == "__main__":
    main()
