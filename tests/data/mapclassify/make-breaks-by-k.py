#!/usr/bin/env python3
"""Reference class bounds for every class count, computed by mapclassify.

  python3 make-breaks-by-k.py UNEMPLOYMENT_TSV > unemployment-breaks-by-k.txt

Run with PyPI mapclassify==2.10.0 (and the numpy and scipy it installs). Reads the `rate`
column of vega-datasets' unemployment.tsv and writes, for k = 2..20, mapclassify's
`Quantiles` and `EqualInterval` bins, and for k = 3..7 `FisherJenks` bins, one line each:

  METHOD K BIN BIN ...

numbers as Python's repr of the float64 values (shortest round-trip form), so a reader
parsing them exactly gets the very same doubles.
"""
import csv
import sys
import warnings

import mapclassify as mc
import numpy as np


def main():
    with open(sys.argv[1], newline="", encoding="utf-8") as f:
        y = np.array([float(r["rate"]) for r in csv.DictReader(f, delimiter="\t")])
    out = ["# mapclassify %s, numpy %s; %d rates of %s" % (mc.__version__, np.__version__, len(y), sys.argv[1].split("/")[-1])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for k in range(2, 21):
            for name, cls in (("quantile", mc.Quantiles), ("equal_interval", mc.EqualInterval)):
                out.append("%s %d %s" % (name, k, " ".join(repr(float(b)) for b in cls(y, k=k).bins)))
        for k in range(3, 8):
            out.append("fisher_jenks %d %s" % (k, " ".join(repr(float(b)) for b in mc.FisherJenks(y, k=k).bins)))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
