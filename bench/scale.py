#!/usr/bin/env python3
"""Scaling check: mapfig's cost per vertex and peak memory at 1x, 4x and 16x the world
admin-1 vertex count.

  bench/scale.py [--factors 1,4,16] [--keep]

The N x file tiles the admin-1 data on a sqrt(N) x sqrt(N) grid of shrunken copies (so it
still renders as one world map), written to a temporary folder (BENCH_WORK, default /tmp),
never committed. Each size is rendered to SVG with `mapfig draw` under /usr/bin/time -v,
3 runs, median wall time and peak RSS; the table shows time per vertex relative to 1x.
MAPFIG_BIN names a mapfig binary to measure instead of building target/release/mapfig.
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.environ.get("BENCH_DATA", "/tmp/benchdata")


def tiled(src, n, dst):
    side = int(math.isqrt(n))
    assert side * side == n, "factors must be squares"
    with open(src, encoding="utf-8") as f:
        doc = json.load(f)
    vertices = 0

    def move(c, col, row):
        nonlocal vertices
        if isinstance(c[0], (int, float)):
            vertices += 1
            return [round(-180 + (c[0] + 180 + col * 360) / side, 7), round(-90 + (c[1] + 90 + row * 180) / side, 7)]
        return [move(x, col, row) for x in c]

    with open(dst, "w", encoding="utf-8") as out:
        out.write('{"type":"FeatureCollection","features":[\n')
        first = True
        for row in range(side):
            for col in range(side):
                for ft in doc["features"]:
                    g = ft.get("geometry")
                    if not g:
                        continue
                    g2 = {"type": g["type"], "coordinates": move(g["coordinates"], col, row)}
                    item = {"type": "Feature", "properties": {"name": ft["properties"].get("name")}, "geometry": g2}
                    out.write(("" if first else ",\n") + json.dumps(item, separators=(",", ":")))
                    first = False
        out.write("\n]}\n")
    return vertices


def run(cmd):
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stderr}")
    rss = next(int(l.split()[-1]) for l in p.stderr.splitlines() if "Maximum resident" in l)
    return wall, rss / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--factors", default="1,4,16")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    src = os.path.join(DATA, "world-admin1.geojson")
    if not os.path.exists(src):
        sys.exit(f"{src} missing: run ../shared/bench/make-data.sh")
    if not os.environ.get("MAPFIG_BIN"):
        subprocess.run(["cargo", "build", "--release", "--quiet", "--manifest-path", os.path.join(ROOT, "Cargo.toml")], check=True)
    binary = os.environ.get("MAPFIG_BIN") or os.path.join(ROOT, "target", "release", "mapfig")
    work = tempfile.mkdtemp(prefix="mapfig-scale-", dir=os.environ.get("BENCH_WORK", "/tmp"))
    rows = []
    for n in [int(x) for x in a.factors.split(",")]:
        path = os.path.join(work, f"admin1-x{n}.geojson")
        vertices = tiled(src, n, path)
        size_mb = os.path.getsize(path) / 1e6
        out = os.path.join(work, f"x{n}.svg")
        cmd = [binary, "draw", path, "-o", out, "--proj", "+proj=robin +datum=WGS84 +units=m", "--size", "1600x1200"]
        run(cmd)  # warm-up
        results = [run(cmd) for _ in range(a.runs)]
        wall = statistics.median(r[0] for r in results)
        rss = statistics.median(r[1] for r in results)
        rows.append((n, vertices, size_mb, wall, rss))
        if not a.keep:
            os.remove(path)
            os.remove(out)
        print(f"x{n}: {vertices} vertices, {size_mb:.0f} MB, {wall:.3f} s, {rss:.0f} MiB", file=sys.stderr)
    base = rows[0][3] / rows[0][1]
    print("| size | vertices | file | wall (median) | peak RSS | ns per vertex | vs 1x |")
    print("|---|---|---|---|---|---|---|")
    for n, v, mb, wall, rss in rows:
        per = wall / v
        print(f"| {n}x | {v:,} | {mb:.0f} MB | {wall:.3f} s | {rss:.0f} MiB | {per * 1e9:.0f} | {per / base:.2f} |")


if __name__ == "__main__":
    main()
