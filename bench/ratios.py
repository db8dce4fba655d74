#!/usr/bin/env python3
"""Ratios of mapfig against its peers from peers.sh's results.tsv (medians of one run).

  ratios.py RESULTS.tsv DATASET.geojson...
"""
import csv
import os
import sys


def main():
    results, datasets = sys.argv[1], [os.path.basename(d) for d in sys.argv[2:]]
    rows = {}
    with open(results, newline="") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            rows[(r["dataset"], r["peer"], r["task"])] = r

    def get(ds, peer, task):
        r = rows.get((ds, peer, task))
        if not r or r["status"] != "ok":
            return None
        return float(r["wall_median_s"]), float(r["rss_median_mib"])

    print("| dataset | mapfig SVG | mapshaper SVG | speed-up | RSS ratio | mapfig PNG | mapshaper + resvg PNG | speed-up |")
    print("|---|---|---|---|---|---|---|---|")
    for ds in datasets:
        ms, mf = get(ds, "mapshaper", "svg"), get(ds, "mapfig", "svg")
        mr, mp = get(ds, "mapshaper + resvg", "png"), get(ds, "mapfig", "png")
        cell = lambda v: f"{v[0]:.3f} s · {v[1]:.0f} MiB" if v else "–"
        svg_x = f"{ms[0] / mf[0]:.1f}×" if ms and mf else "–"
        rss_x = f"{mf[1] / ms[1]:.2f}" if ms and mf else "–"
        png_x = f"{mr[0] / mp[0]:.1f}×" if mr and mp else "–"
        print(f"| {ds} | {cell(mf)} | {cell(ms)} | {svg_x} | {rss_x} | {cell(mp)} | {cell(mr)} | {png_x} |")

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


if __name__ == "__main__":
    main()
