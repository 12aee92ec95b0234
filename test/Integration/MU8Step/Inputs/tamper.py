"""Changes one thing in a trainer's step dump (docs/Runtime.md, --dump-steps), so
that the MU8 step check can be shown to catch it:

    tamper.py STATE_DIR code FILE INDEX    one code of FILE (param.* or momentum.*)
                                           one level up (down at 127)
    tamper.py STATE_DIR swap-stats I J     swap entries I and J of stats.npy
    tamper.py STATE_DIR range I            momentum range exponent I plus one
"""
import os
import sys

import numpy as np


def main(argv):
    state, what = argv[1], argv[2]
    if what == "code":
        path = os.path.join(state, argv[3])
        a = np.load(path)
        flat = a.reshape(-1)
        i = int(argv[4])
        flat[i] = flat[i] + 1 if flat[i] < 127 else flat[i] - 1
    elif what == "swap-stats":
        path = os.path.join(state, "stats.npy")
        a = np.load(path)
        i, j = int(argv[3]), int(argv[4])
        a[[i, j]] = a[[j, i]]
    elif what == "range":
        path = os.path.join(state, "ranges.npy")
        a = np.load(path)
        a[int(argv[3])] += 1
    else:
        sys.exit("unknown change %r" % what)
    np.save(path, a)


if __name__ == "__main__":
    main(sys.argv)
