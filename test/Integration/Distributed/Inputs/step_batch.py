"""Writes a step's batch for the step dump: step_batch.py N X.npy Y.npy.

N Fashion-MNIST-sized samples (float32 [N, 1, 28, 28] in [0, 1]) and int64
labels in [0, 10), from a fixed seed.
"""
import sys

import numpy as np

n = int(sys.argv[1])
rng = np.random.default_rng(0)
np.save(sys.argv[2], rng.random((n, 1, 28, 28), dtype=np.float32))
np.save(sys.argv[3], rng.integers(0, 10, size=n, dtype=np.int64))
