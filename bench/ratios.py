#!/usr/bin/env python3
"""Ratios of mapfig against its peers from peers.sh's results.tsv (medians of one run),
with the bars issue 10 sets: world admin-1 → SVG at least 12× faster than mapshaper with
at most 0.2 of its peak RSS; → PNG at least 8× faster than mapshaper + resvg; as a
Shapefile → PNG no slower than MapServer's map2img, and from FlatGeobuf no slower than
from the Shapefile.

  ratios.py RESULTS.tsv DATASET.geojson... [SHAPEFILE_DIR...]

A SHAPEFILE_DIR (e.g. world-admin1-shp) names the Shapefile task; its FlatGeobuf row is
DIR with -fgb for -shp (as bench/compare.sh writes it).
"""
import csv
import os
import sys

# The bars, by dataset: (SVG speed-up, SVG RSS ratio, PNG speed-up).
BARS = {"world-admin1.geojson": (12.0, 0.2, 8.0)}


def main():
    results = sys.argv[1]
    names = [os.path.basename(d.rstrip("/")) for d in sys.argv[2:]]
    choro = "choro" in names
    names = [n for n in names if n != "choro"]
    datasets = [n for n in names if not n.endswith("-shp")]
    shapefiles = [n for n in names if n.endswith("-shp")]
    rows = {}
    with open(results, newline="") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            rows[(r["dataset"], r["peer"], r["task"])] = r

    def get(ds, peer, task):
        r = rows.get((ds, peer, task))
        if not r or r["status"] != "ok":
            return None
        return float(r["wall_median_s"]), float(r["rss_median_mib"])

    def cell(v):
        return f"{v[0]:.3f} s · {v[1]:.0f} MiB" if v else "–"

    def times(a, b):
        return f"{a[0] / b[0]:.1f}×" if a and b else "–"

    def bar(value, ok):
        return "" if value is None else (" ✓" if ok else " ✗")

    if datasets:
        print("| dataset | mapfig SVG | mapshaper SVG | speed-up | RSS ratio | mapfig PNG | mapshaper + resvg PNG | speed-up |")
        print("|---|---|---|---|---|---|---|---|")
        for ds in datasets:
            ms, mf = get(ds, "mapshaper", "svg"), get(ds, "mapfig", "svg")
            mr, mp = get(ds, "mapshaper + resvg", "png"), get(ds, "mapfig", "png")
            svg_bar, rss_bar, png_bar = BARS.get(ds, (None, None, None))
            svg_x = ms[0] / mf[0] if ms and mf else None
            rss_x = mf[1] / ms[1] if ms and mf else None
            png_x = mr[0] / mp[0] if mr and mp else None
            svg_s = f"{svg_x:.1f}×" if svg_x else "–"
            rss_s = f"{rss_x:.2f}" if rss_x else "–"
            png_s = f"{png_x:.1f}×" if png_x else "–"
            if svg_bar and svg_x:
                svg_s += f" (bar {svg_bar:.0f}×{bar(svg_x, svg_x >= svg_bar)})"
            if rss_bar and rss_x:
                rss_s += f" (bar {rss_bar}{bar(rss_x, rss_x <= rss_bar)})"
            if png_bar and png_x:
                png_s += f" (bar {png_bar:.0f}×{bar(png_x, png_x >= png_bar)})"
            print(f"| {ds} | {cell(mf)} | {cell(ms)} | {svg_s} | {rss_s} | {cell(mp)} | {cell(mr)} | {png_s} |")

        print()
        print("| dataset | mapfig SVG + PNG, one command | two commands (sum) | mapshaper SVG alone | speed-up (one command) | speed-up (two) |")
        print("|---|---|---|---|---|---|")
        for ds in datasets:
            ms, mf, mp = get(ds, "mapshaper", "svg"), get(ds, "mapfig", "svg"), get(ds, "mapfig", "png")
            both = get(ds, "mapfig", "svg+png")
            two = mf[0] + mp[0] if mf and mp else None
            one_x = f"{ms[0] / both[0]:.1f}×" if ms and both else "–"
            two_x = f"{ms[0] / two:.1f}×" if ms and two else "–"
            both_s = f"{both[0]:.3f} s" if both else "–"
            two_s = f"{two:.3f} s" if two else "–"
            ms_s = f"{ms[0]:.3f} s" if ms else "–"
            print(f"| {ds} | {both_s} | {two_s} | {ms_s} | {one_x} | {two_x} |")

    if shapefiles:
        if datasets:
            print()
        print("| dataset → PNG | mapfig from .shp | mapfig from .fgb | MapServer map2img (.shp) | mapshaper + resvg (.shp) | MapServer ÷ mapfig .shp (bar ≥ 1) | mapfig .shp ÷ .fgb (bar ≥ 1) |")
        print("|---|---|---|---|---|---|---|")
        for ds in shapefiles:
            fgb = ds[: -len("-shp")] + "-fgb"
            shp_mf, fgb_mf = get(ds, "mapfig", "png"), get(fgb, "mapfig", "png")
            server, msr = get(ds, "mapserver (map2img)", "png"), get(ds, "mapshaper + resvg", "png")
            vs_server = server[0] / shp_mf[0] if server and shp_mf else None
            vs_shp = shp_mf[0] / fgb_mf[0] if shp_mf and fgb_mf else None
            server_s = f"{vs_server:.2f}{bar(vs_server, vs_server >= 1.0)}" if vs_server else "–"
            fgb_s = f"{vs_shp:.2f}{bar(vs_shp, vs_shp >= 1.0)}" if vs_shp else "–"
            print(f"| {ds} | {cell(shp_mf)} | {cell(fgb_mf)} | {cell(server)} | {cell(msr)} | {server_s} | {fgb_s} |")

    if choro:
        # Issue 11's bars: the county choropleth, SVG + PNG, at least 10x faster than
        # mapshaper (its SVG, then resvg: the pipeline that gives both files) and 20x faster
        # than geopandas + mapclassify (its SVG and its PNG, two runs).
        ds = "us-counties-choro"
        ms_svg, ms_png = get(ds, "mapshaper", "svg"), get(ds, "mapshaper + resvg", "png")
        gp_svg, gp_png = get(ds, "geopandas+matplotlib", "svg"), get(ds, "geopandas+matplotlib", "png")
        mf_svg, mf_png, mf_both = get(ds, "mapfig", "svg"), get(ds, "mapfig", "png"), get(ds, "mapfig", "svg+png")
        print()
        print("| us-counties-choro (1600×1000) | mapfig | mapshaper | speed-up | geopandas + mapclassify | speed-up |")
        print("|---|---|---|---|---|---|")
        print(f"| SVG | {cell(mf_svg)} | {cell(ms_svg)} | {times(ms_svg, mf_svg)} | {cell(gp_svg)} | {times(gp_svg, mf_svg)} |")
        print(f"| PNG | {cell(mf_png)} | {cell(ms_png)} (+ resvg) | {times(ms_png, mf_png)} | {cell(gp_png)} | {times(gp_png, mf_png)} |")
        gp_both = (gp_svg[0] + gp_png[0], max(gp_svg[1], gp_png[1])) if gp_svg and gp_png else None
        ms_x = ms_png[0] / mf_both[0] if ms_png and mf_both else None
        gp_x = gp_both[0] / mf_both[0] if gp_both and mf_both else None
        ms_s = f"{ms_x:.1f}× (bar 10×{bar(ms_x, ms_x >= 10)})" if ms_x else "–"
        gp_s = f"{gp_x:.1f}× (bar 20×{bar(gp_x, gp_x >= 20)})" if gp_x else "–"
        print(f"| SVG + PNG (mapfig: one command; mapshaper: SVG then resvg; geopandas: two runs) | {cell(mf_both)} | {cell(ms_png)} | {ms_s} | {cell(gp_both)} | {gp_s} |")


if __name__ == "__main__":
    main()
