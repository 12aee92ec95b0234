"""The trainer's data formats in numpy (docs/Runtime.md, "Data").

    read_idx(path)                  an MNIST-format IDX file (plain or .gz)
    load_idx_split(dir, "train")    (images [N, rows, cols] uint8, labels [N])
    load_cifar10_split(dir, "test") (images [N, 3, 32, 32] uint8, labels [N])
    load_split(source, split)       either, by what the directory holds
"""
import gzip
import os

import numpy as np

CIFAR_RECORD = 1 + 3 * 32 * 32


def read_idx(path):
    """The array in an IDX file of unsigned bytes."""
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
        data = f.read()
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * rank).reshape(dims)


def _find(directory, name):
    for candidate in (name, name + ".gz"):
        path = os.path.join(directory, candidate)
        if os.path.exists(path):
            return path
    raise FileNotFoundError("missing %s(.gz) in %s" % (name, directory))


def load_idx_split(directory, split):
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(_find(directory, prefix + "-images-idx3-ubyte"))
    labels = read_idx(_find(directory, prefix + "-labels-idx1-ubyte"))
    return images, labels


def cifar10_files(directory, split):
    if split != "train":
        return [os.path.join(directory, "test_batch.bin")]
    files, k = [], 1
    while os.path.exists(os.path.join(directory, "data_batch_%d.bin" % k)):
        files.append(os.path.join(directory, "data_batch_%d.bin" % k))
        k += 1
    return files


def load_cifar10_split(directory, split):
    records = np.concatenate([np.fromfile(f, np.uint8).reshape(-1, CIFAR_RECORD)
                              for f in cifar10_files(directory, split)])
    return records[:, 1:].reshape(-1, 3, 32, 32), records[:, 0].copy()


def load_split(directory, split):
    """A split of the data set in `directory`, as the trainer's --data reads it."""
    if os.path.exists(os.path.join(directory, "data_batch_1.bin")):
        return load_cifar10_split(directory, split)
    return load_idx_split(directory, split)
