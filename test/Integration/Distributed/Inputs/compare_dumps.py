"""Compares two step dumps: compare_dumps.py A B TOL [KIND...].

For the loss and every grad.*.npy and param.*.npy of dump A (or only the
KINDs named: loss, grad, param), prints the largest relative difference
to dump B's, |a - b| / max(|a|), per array, and whether it is at most TOL
(exit status 1 if not).
"""
import glob
import os
import sys

import numpy as np

a_dir, b_dir, tol = sys.argv[1], sys.argv[2], float(sys.argv[3])
kinds = sys.argv[4:] or ["loss", "grad", "param"]
ok = True


def relative(a, b):
    scale = float(np.max(np.abs(a))) or 1.0
    return float(np.max(np.abs(a.astype(np.float64) - b))) / scale


for kind in kinds:
    if kind == "loss":
        d = relative(np.load(os.path.join(a_dir, "loss.npy")),
                     np.load(os.path.join(b_dir, "loss.npy")))
        print(f"loss: relative difference {d:.3g} "
              f"{'<=' if d <= tol else '>'} {tol:g}")
        ok &= d <= tol
        continue
    files = sorted(glob.glob(os.path.join(a_dir, kind + ".*.npy")))
    worst = 0.0
    for f in files:
        other = os.path.join(b_dir, os.path.basename(f))
        worst = max(worst, relative(np.load(f), np.load(other)))
    print(f"{kind}: {len(files)} arrays, largest relative difference "
          f"{worst:.3g} {'<=' if worst <= tol else '>'} {tol:g}")
    ok &= worst <= tol and len(files) > 0
sys.exit(0 if ok else 1)
