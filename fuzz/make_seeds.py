"""Writes the seed corpora of the fuzz targets into fuzz/corpus/<target>/.

    /usr/bin/python3 fuzz/make_seeds.py BUILD_DIR

Seeds are small valid (and a few almost valid) inputs of each format, from
the tests' own generators: the importer's ONNX cases (onnx_gen.py), logbtq
IR from the dialect's tests, checkpoints of the tests' fake model. They are
named seed-*; inputs that found bugs are added as regress-* by hand (see
docs/Reliability.md) and are never regenerated.
"""
import gzip
import os
import re
import struct
import subprocess
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")


def out(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def npy_bytes(array, version=1):
    import io
    buf = io.BytesIO()
    np.lib.format.write_array(buf, array, version=(version, 0))
    return buf.getvalue()


def idx_bytes(array):
    header = struct.pack(">I", 0x800 | array.ndim) + b"".join(
        struct.pack(">I", d) for d in array.shape)
    return header + array.astype(np.uint8).tobytes()


def main(build):
    rng = np.random.default_rng(0)
    out("npy", "f32-2d", npy_bytes(rng.standard_normal((3, 4)).astype(np.float32)))
    out("npy", "u8-3d", npy_bytes(rng.integers(0, 256, (2, 3, 3)).astype(np.uint8)))
    out("npy", "i64-labels", npy_bytes(np.arange(5, dtype=np.int64)))
    out("npy", "i32-v2", npy_bytes(np.arange(4, dtype=np.int32), version=2))
    out("npy", "scalar", npy_bytes(np.float32(1.5)))
    out("npy", "fortran", npy_bytes(np.asfortranarray(np.ones((2, 3), np.float32))))

    images = rng.integers(0, 256, (3, 4, 4))
    out("idx", "images", idx_bytes(images))
    out("idx", "labels", idx_bytes(np.array([1, 2, 3])))
    out("idx", "images-gz", gzip.compress(idx_bytes(images)))
    out("idx", "labels-gz", gzip.compress(idx_bytes(np.array([9, 0]))))

    record = lambda label: bytes([label]) + rng.integers(0, 256, 3072).astype(np.uint8).tobytes()
    out("cifar", "one", record(3))
    out("cifar", "two", record(0) + record(9))
    out("cifar", "cut", record(1)[:2000])

    flags = [["--data", "d", "--epochs", "3", "--lr", "0.1"],
             ["--train", "x.npy", "y.npy", "--test", "a.npy", "b.npy", "--normalize", "0.5,0.25"],
             ["--data=d", "--lr-schedule", "cosine", "--lr-min", "0.001", "--warmup-steps", "10"],
             ["--data", "d", "--lr-decay-epochs", "2,4", "--lr-decay-factor", "0.5", "--lr-decay-last"],
             ["--step-inputs", "x.npy", "y.npy", "--dump", "out", "--dump-steps", "3"],
             ["--data", "d", "--on-nonfinite", "skip-step", "--max-saturation", "5", "--export-onnx", "m.onnx"],
             ["--resume", "c.ck", "--epochs", "0", "--export-onnx", "m.onnx", "--normalize", "1,2,3,4,5,6"]]
    for i, f in enumerate(flags):
        out("trainer-flags", "%d" % i, b"\0".join(a.encode() for a in f))

    fake = os.path.join(build, "unittests", "Runtime", "logbtq-fake-trainer")
    x = os.path.join(CORPUS, "..", "x.tmp.npy")
    y = os.path.join(CORPUS, "..", "y.tmp.npy")
    np.save(x, rng.integers(0, 256, (16, 28, 28)).astype(np.uint8))
    np.save(y, (np.arange(16) % 10).astype(np.int64))
    ck = os.path.join(CORPUS, "..", "c.tmp.ck")
    subprocess.run([fake, "--train", x, y, "--epochs", "1", "--quiet", "--save", ck],
                   check=True, stdout=subprocess.DEVNULL)
    out("checkpoint", "f32", open(ck, "rb").read())
    for p in (x, y, ck):
        os.remove(p)

    gen = os.path.join(ROOT, "test", "Target", "ONNX", "Inputs", "onnx_gen.py")
    cases = subprocess.run([sys.executable, gen, "--list"], check=True,
                           capture_output=True, text=True).stdout.split()
    for case in cases:
        path = os.path.join(CORPUS, "..", "case.tmp.onnx")
        if subprocess.run([sys.executable, gen, case, "-o", path],
                          capture_output=True).returncode == 0 and os.path.exists(path):
            data = open(path, "rb").read()
            os.remove(path)
            if len(data) <= 64 * 1024:
                out("onnx", case, data)

    # logbtq IR with a @forward: the dialect tests' inputs, split as
    # -split-input-file splits them.
    dialect = os.path.join(ROOT, "test", "Dialect", "LogBTQ")
    for name in sorted(os.listdir(dialect)):
        if not name.endswith(".mlir") or "invalid" in name:
            continue
        text = open(os.path.join(dialect, name)).read()
        for i, part in enumerate(re.split(r"^// -----$", text, flags=re.M)):
            if "@forward" in part and len(part) < 16 * 1024:
                out("training-pipeline", "%s-%d" % (name[:-5], i), part.encode())


if __name__ == "__main__":
    main(sys.argv[1])
