#!/usr/bin/env python3
"""Scores `scratchnet predict` output on the set tests/photos/generate.cs writes.

    scratchnet predict --model M OUT/mnist/* 2>&1 | python3 tests/photos/score.py

Each image's true label is the last part of its name (CONDITION-INDEX-LABEL.EXT). Prints one row per condition:
images right / images, the mean top probability, and how many images got a warning ("IMAGE: this reading may be wrong: …"), split by whether the reading was right or wrong.
"""
import re
import sys
from collections import defaultdict

PREDICTION = re.compile(r"(\S+/)?(?P<cond>[a-z0-9-]+)-(?P<index>\d{4})-(?P<label>\d+)\.\w+: (?:.*\()?(?P<pred>\d+)\)? \(p=(?P<p>[0-9.]+)\)")
WARNING = re.compile(r"(?P<cond>[a-z0-9-]+)-(?P<index>\d{4})-(?P<label>\d+)\.\w+: this reading may be wrong")

rows = defaultdict(lambda: {"n": 0, "right": 0, "p": 0.0})
right_of = {}
warned = set()
for line in sys.stdin:
    if m := WARNING.search(line):
        warned.add((m["cond"], m["index"]))
    elif m := PREDICTION.search(line):
        row = rows[m["cond"]]
        row["n"] += 1
        ok = m["pred"] == m["label"]
        row["right"] += ok
        row["p"] += float(m["p"])
        right_of[(m["cond"], m["index"])] = ok

print(f"{'condition':<18} {'right':>9} {'mean p':>7} {'warned (right/wrong)':>21}")
for cond, row in rows.items():
    w_right = sum(1 for k in warned if k[0] == cond and right_of.get(k))
    w_wrong = sum(1 for k in warned if k[0] == cond and right_of.get(k) is False)
    wrong = row["n"] - row["right"]
    print(f"{cond:<18} {row['right']:>4}/{row['n']:<4} {row['p'] / row['n']:>7.3f} {w_right:>9}/{row['right']} {w_wrong:>4}/{wrong}")
