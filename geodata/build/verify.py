#!/usr/bin/env python3
"""Check the committed geodata/ files on their own (no packages needed).

  python3 geodata/build/verify.py [geodata-folder]

Exits non-zero and names the failed checks if any. Python 3 stdlib only.
"""

import json
import os
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARTICLE_SOURCE = ('James Kitfield, "U.S. sources: Russia forging alliance with Taliban", '
                  'Yahoo News, 12 Feb 2016')
FILES = [
    "afghanistan-provinces.geojson", "afghanistan.geojson", "neighbours.geojson",
    "afghanistan-tajikistan-border.geojson", "places.geojson",
    "article/kunduz-seized.geojson", "article/supply-route.geojson", "article/isis-presence.geojson",
]

# name_fa / name_ps (Unicode CLDR; on all 34 provinces): Arabic blocks (Arabic, Arabic
# Supplement, Presentation Forms-A and -B), space and ZWNJ only.
ARABIC_RANGES = ((0x0600, 0x06FF), (0x0750, 0x077F), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))

results = []


def check(name, cond):
    results.append((name, bool(cond)))
    if not cond:
        print("FAILED: " + name)


def arabic_script(s):
    return isinstance(s, str) and bool(s.strip()) and all(
        c in (" ", "\u200c") or any(lo <= ord(c) <= hi for lo, hi in ARABIC_RANGES) for c in s)


def area(ring):
    x0, y0 = ring[0]
    return sum((a[0] - x0) * (b[1] - y0) - (b[0] - x0) * (a[1] - y0) for a, b in zip(ring, ring[1:])) / 2


def polygons(geom):
    return [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]


def point_in_ring(pt, ring):
    x, y = pt
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def inside(pt, geom):
    return any(point_in_ring(pt, p[0]) and not any(point_in_ring(pt, h) for h in p[1:])
               for p in polygons(geom))


def vertices(geom):
    return {tuple(pt) for p in polygons(geom) for r in p for pt in r}


def undirected_edges(geom):
    return {frozenset((tuple(a), tuple(b))) for p in polygons(geom) for r in p for a, b in zip(r, r[1:])}


data = {}
for rel in FILES:
    path = os.path.join(ROOT, rel)
    try:
        with open(path, encoding="utf-8") as f:
            data[rel] = json.load(f)
        ok = data[rel]["type"] == "FeatureCollection"
    except (OSError, ValueError, KeyError):
        ok = False
    check("%s loads as a FeatureCollection" % rel, ok)
    if not ok:
        continue
    feats = data[rel]["features"]
    ids = [f.get("id") for f in feats]
    check("%s: every feature has a distinct id" % rel, None not in ids and len(set(ids)) == len(ids))
    for f in feats:
        g = f["geometry"]
        if g is None or g["type"] not in ("Polygon", "MultiPolygon"):
            continue
        rings_ok = all(len(r) >= 4 and r[0] == r[-1] for p in polygons(g) for r in p)
        wind_ok = all((area(r) > 0) == (i == 0) for p in polygons(g) for i, r in enumerate(p))
        check("%s %s: rings closed with >= 4 positions" % (rel, f["id"]), rings_ok)
        check("%s %s: exterior CCW, holes CW" % (rel, f["id"]), wind_ok)

if len(data) == len(FILES):
    prov = {f["id"]: f for f in data["afghanistan-provinces.geojson"]["features"]}
    check("34 provinces with 34 distinct ids", len(prov) == 34 and len(data["afghanistan-provinces.geojson"]["features"]) == 34)
    check("province id == iso_3166_2 == AF-XXX",
          all(k == f["properties"]["iso_3166_2"] and len(k) == 6 and k.startswith("AF-") for k, f in prov.items()))
    names = [f["properties"]["name"] for f in prov.values()]
    check("province names ASCII and distinct", all(n.isascii() for n in names) and len(set(names)) == 34)
    check("Daykundi/Panjshir fixed", prov["AF-DAY"]["properties"]["name"] == "Daykundi"
          and prov["AF-PAN"]["properties"]["name"] == "Panjshir"
          and prov["AF-URU"]["properties"]["name"] == "Uruzgan" and prov["AF-PAR"]["properties"]["name"] == "Parwan")
    for key in ("name_fa", "name_ps"):
        bad = sorted(k for k, f in prov.items()
                     if key in f["properties"] and not arabic_script(f["properties"][key]))
        check("province %s, where present, a non-empty Arabic-script string%s"
              % (key, " (not: %s)" % " ".join(bad) if bad else ""), not bad)
        missing = sorted(k for k, f in prov.items() if key not in f["properties"])
        check("every province has %s (CLDR names all 34; SOURCES.md lists no gap)%s"
              % (key, " (missing: %s)" % " ".join(missing) if missing else ""), not missing)
    afg_v = set().union(*(vertices(f["geometry"]) for f in prov.values()))
    afg_e = set().union(*(undirected_edges(f["geometry"]) for f in prov.values()))
    outline = data["afghanistan.geojson"]["features"][0]
    check("outline vertices are province vertices", vertices(outline["geometry"]) <= afg_v)
    neigh = {f["id"]: f for f in data["neighbours.geojson"]["features"]}
    check("six neighbours", sorted(neigh) == ["CHN", "IRN", "PAK", "TJK", "TKM", "UZB"])
    out_e = undirected_edges(outline["geometry"])
    check("every outline edge is an edge of some neighbour",
          out_e <= set().union(*(undirected_edges(f["geometry"]) for f in neigh.values())))
    tjk_v = vertices(neigh["TJK"]["geometry"])
    tjk_e = undirected_edges(neigh["TJK"]["geometry"])
    border = data["afghanistan-tajikistan-border.geojson"]["features"][0]["geometry"]
    lines = [border["coordinates"]] if border["type"] == "LineString" else border["coordinates"]
    bv = [tuple(p) for l in lines for p in l]
    check("border vertices are vertices of both AFG provinces and TJK", all(p in afg_v and p in tjk_v for p in bv))
    check("border edges are edges of both AFG provinces and TJK",
          all(frozenset((tuple(a), tuple(b))) in afg_e & tjk_e for l in lines for a, b in zip(l, l[1:])))
    check("border runs west to east", all(l[0][0] < l[-1][0] for l in lines))
    places = {f["id"]: f for f in data["places.geojson"]["features"]}
    kunduz = places["kunduz"]["geometry"]["coordinates"]
    crossing = tuple(places["sherkhan-bandar-panji-poyon-crossing"]["geometry"]["coordinates"])
    check("crossing is a border vertex", crossing in set(bv))
    check("Kunduz city inside Kunduz province", inside(kunduz, prov["AF-KDZ"]["geometry"]))
    check("Dushanbe inside Tajikistan", inside(places["dushanbe"]["geometry"]["coordinates"], neigh["TJK"]["geometry"]))
    seized = data["article/kunduz-seized.geojson"]["features"][0]
    check("kunduz-seized at the places.geojson Kunduz point", seized["geometry"]["coordinates"] == kunduz)
    route = data["article/supply-route.geojson"]["features"][0]
    rc = route["geometry"]["coordinates"]
    check("route starts inside Tajikistan", inside(rc[0], neigh["TJK"]["geometry"]))
    check("route ends at Kunduz", rc[-1] == kunduz)
    check("route passes the crossing", crossing in [tuple(p) for p in rc])
    check("route is schematic", route["properties"].get("schematic") is True)
    isis = {f["id"]: f for f in data["article/isis-presence.geojson"]["features"]}
    check("ISIS features have no geometry", all(f["geometry"] is None for f in isis.values()))
    check("ISIS province count 25 of 34", isis["isis-provinces"]["properties"]["provinces_with_presence"] == 25
          and isis["isis-provinces"]["properties"]["provinces_total"] == 34)
    check("ISIS fighters 1000-3000", isis["isis-fighters"]["properties"]["fighters_min"] == 1000
          and isis["isis-fighters"]["properties"]["fighters_max"] == 3000)
    art = [f for rel in FILES if rel.startswith("article/") for f in data[rel]["features"]]
    check("article features cite the article and carry attribution and text",
          all(f["properties"].get("source") == ARTICLE_SOURCE and f["properties"].get("attribution")
              and f["properties"].get("text") for f in art))

passed = sum(1 for _, ok in results if ok)
failed = len(results) - passed
print("geodata: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
