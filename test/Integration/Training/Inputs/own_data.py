"""Writes small data sets in the trainer's other formats for the tests.

    own_data.py cifar DIR       CIFAR-10 binary batches of a toy task
    own_data.py npy-from-idx IDX_DIR OUT_DIR N
        the first N training and all test images of an MNIST-format set as
        .npy: x_train.u8.npy, x_train.f32.npy (pixel / 255), y_train.npy
        (int64), and the same for test

The toy task: class c lights a 6x6 square at one of ten places in the
colour channel c % 3, over uniform noise; a small network learns it in one
epoch, and a model that mixed up the byte order of records, channels or rows
would not.
"""
import os
import sys

import numpy as np

from logbtq import datasets


def toy_images(n, rng):
    labels = rng.integers(0, 10, size=n).astype(np.uint8)
    images = rng.integers(0, 96, size=(n, 3, 32, 32)).astype(np.uint8)
    for i, c in enumerate(labels):
        row, col = 4 + 12 * (c // 4), 2 + 8 * (c % 4)
        images[i, c % 3, row:row + 6, col:col + 6] = 255
    return images, labels


def write_cifar(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(0)
    names = ["data_batch_%d.bin" % k for k in range(1, 6)] + ["test_batch.bin"]
    for name in names:
        images, labels = toy_images(400, rng)
        records = np.concatenate([labels[:, None], images.reshape(len(labels), -1)], axis=1)
        records.astype(np.uint8).tofile(os.path.join(out, name))


def write_npy_from_idx(idx_dir, out, n):
    os.makedirs(out, exist_ok=True)
    for split, limit in (("train", n), ("test", None)):
        x, y = datasets.load_idx_split(idx_dir, split)
        x, y = x[:limit], y[:limit]
        np.save(os.path.join(out, "x_%s.u8.npy" % split), x)
        np.save(os.path.join(out, "x_%s.f32.npy" % split), x.astype(np.float32) / 255)
        np.save(os.path.join(out, "y_%s.npy" % split), y.astype(np.int64))


def main(argv):
    if argv[1] == "cifar":
        write_cifar(argv[2])
    elif argv[1] == "npy-from-idx":
        write_npy_from_idx(argv[2], argv[3], int(argv[4]))
    else:
        raise SystemExit("unknown command %r" % argv[1])


if __name__ == "__main__":
    main(sys.argv)
