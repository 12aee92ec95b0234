"""Prints whether two trainer outputs end within D points of test accuracy.

same_accuracy.py ONE.out OTHER.out D: reads the "final: test acc X%" line of
each and prints "A% and B%: within D points" or "... apart by E points"
(exit status 1).
"""
import re
import sys


def final_accuracy(path):
    with open(path) as f:
        for line in f:
            m = re.match(r"final: test acc ([0-9.]+)%", line)
            if m:
                return float(m.group(1))
    sys.exit(f"{path}: no 'final: test acc' line")


one, other, limit = final_accuracy(sys.argv[1]), final_accuracy(
    sys.argv[2]), float(sys.argv[3])
gap = abs(one - other)
if gap <= limit:
    print(f"{one:.2f}% and {other:.2f}%: within {limit:g} points")
else:
    print(f"{one:.2f}% and {other:.2f}%: apart by {gap:.2f} points")
    sys.exit(1)
