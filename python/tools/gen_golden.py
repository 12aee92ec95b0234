#!/usr/bin/env python3
"""Write golden data for the C++ GoogleTests: little-endian raw arrays, no headers.

Usage: /usr/bin/python3 python/tools/gen_golden.py OUTDIR
Deterministic (fixed seeds), so regenerating gives byte-identical files.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from logbtq import barrier, mu8  # noqa: E402

SEED = 20261129
ENCODE_EXPONENTS = (0, 4, -3)
STOCHASTIC_EXPONENTS = (0, 4)
STOCHASTIC_SEED = 12345
FIXED_FRAC_BITS = (12, 13, 14)
BARRIER_T = (0.5, 1.0, 5.0, 20.0, 100.0)
BARRIER_B = (0.5, 1.0, 16.0)
TENSOR_CASES = ((1.0, 5.0), (1.0, 20.0), (0.5, 1.1))

_files = []


def write(outdir, name, array, dtype, what):
    """Force the little-endian dtype so the bytes do not depend on the host."""
    np.ascontiguousarray(array, dtype=np.dtype(dtype).newbyteorder("<")).tofile(os.path.join(outdir, name))
    _files.append((name, what))


def write_text(outdir, name, text, what):
    with open(os.path.join(outdir, name), "w") as f:
        f.write(text + "\n")
    _files.append((name, what))


def make_inputs(rng):
    """Bulk random values plus every level, every near-midpoint value and the IEEE edge cases."""
    f32 = np.float32
    uniform = rng.uniform(-1.5, 1.5, 600_000)
    signs = np.where(rng.random(400_000) < 0.5, -1.0, 1.0)
    loguni = signs * 10.0 ** rng.uniform(-7.0, 3.0, 400_000)
    L = mu8.unit_levels()
    levels = np.concatenate([L, L * f32(16), L * f32(0.125)])
    M = mu8.midpoints()
    mids = np.concatenate([M, M * 16.0, M / 8.0]).astype(f32)  # nearest float32 (scaling exact)
    near = np.concatenate([mids, np.nextafter(mids, f32(-np.inf)), np.nextafter(mids, f32(np.inf))])
    special = np.array([0.0, -0.0, np.nan, np.inf, -np.inf, np.finfo(f32).max, np.finfo(f32).smallest_subnormal,
                        1.0, np.nextafter(f32(1), f32(2)), -1.0, 16.0, np.nextafter(f32(16), f32(32)), 0.125], dtype=f32)
    parts = [uniform.astype(f32), loguni.astype(f32), levels, -levels, near, -near, special]
    return np.concatenate(parts).astype(f32)


def barrier_cases(rng):
    """(x, b, t) rows: random spread plus hand-picked points around the switch z = -1/t^2."""
    rows = []
    for t in BARRIER_T:
        s = barrier.switch_point(t)
        for b in BARRIER_B:
            xs = list(rng.uniform(-3 * b, 3 * b, 100)) + list(b * rng.uniform(0.0, 1.0, 60))
            xs += [v for v in b + s * rng.uniform(0.5, 1.5, 30) if v >= 0.0]  # around the switch
            xs += [0.0, b, -b, b * 0.5, -b * 0.999, b + 1.0, 1e6, -1e6, 1e30, -1e100]
            x0 = b + s  # |x| - b == s where representable
            if x0 >= 0.0:
                steps = [x0]
                for _ in range(4):
                    steps.append(np.nextafter(steps[-1], np.inf))
                down = [x0]
                for _ in range(4):
                    down.append(np.nextafter(down[-1], -np.inf))
                near = steps + down[1:] + [x0 * (1 + r) for r in (1e-12, -1e-12, 1e-9, -1e-9, 1e-6, -1e-6, 1e-3, -1e-3)]
                near = [v for v in near if v >= 0.0]
                xs += near + [-v for v in near]
            for x in xs:
                rows.append((float(x), b, t))
    return np.array(rows, dtype=np.float64)


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    outdir = argv[1]
    os.makedirs(outdir, exist_ok=True)
    rng = np.random.default_rng(SEED)

    write(outdir, "levels.f32", mu8.unit_levels(), np.float32, "128 float32 unit levels L[0..127]")
    codes = np.arange(-128, 128)
    for e in ENCODE_EXPONENTS:
        write(outdir, f"decode_e{e}.f32", mu8.decode(codes, e), np.float32, f"256 float32 decode of codes -128..127 at e={e}")

    x = make_inputs(rng)
    write(outdir, "inputs.f32", x, np.float32, f"{x.size} float32 encode inputs")
    write_text(outdir, "inputs.count", str(x.size), "element count of inputs.f32 (decimal)")
    for e in ENCODE_EXPONENTS:
        c, sat, inv = mu8.encode(x, e)
        write(outdir, f"encode_e{e}.i8", c, np.int8, f"int8 nearest codes of inputs at e={e}")
        write_text(outdir, f"encode_stats_e{e}.txt", f"{sat} {inv}", f"SATURATED INVALID of encode_e{e}")
    for e in STOCHASTIC_EXPONENTS:
        c, sat, inv = mu8.encode_stochastic(x, e, STOCHASTIC_SEED)
        name = f"stochastic_s{STOCHASTIC_SEED}_e{e}"
        write(outdir, name + ".i8", c, np.int8, f"int8 stochastic codes of inputs, seed {STOCHASTIC_SEED}, index = position, e={e}")
        write_text(outdir, f"stochastic_stats_s{STOCHASTIC_SEED}_e{e}.txt", f"{sat} {inv}", f"SATURATED INVALID of {name}")

    idx = np.arange(1000)
    for tag, seed in (("s12345", 12345), ("s0", 0), ("sbig", 0xFFFFFFFFFFFFFFFF)):
        write(outdir, f"uniform_{tag}.f64", mu8.uniform24(seed, idx), np.float64, f"1000 float64 uniform24(seed={seed:#x}, 0..999)")
    for f in FIXED_FRAC_BITS:
        write(outdir, f"fixed_f{f}.i16", mu8.fixed_table(f), np.int16, f"256 int16 fixed table, codes -128..127, {f} fraction bits")

    cases = barrier_cases(rng)
    K = len(cases)
    psi_v = np.empty(K)
    dpsi_v = np.empty(K)
    for (b, t) in {(r[1], r[2]) for r in cases}:
        m = (cases[:, 1] == b) & (cases[:, 2] == t)
        z = np.abs(cases[m, 0]) - b
        psi_v[m] = barrier.psi(z, t)
        dpsi_v[m] = np.sign(cases[m, 0]) * barrier.dpsi(z, t)
    write(outdir, "barrier_cases.f64", cases.ravel(), np.float64, f"{K} rows (x, b, t), 3*{K} float64")
    write(outdir, "barrier_psi.f64", psi_v, np.float64, f"{K} float64 psi_t(|x| - b)")
    write(outdir, "barrier_dpsi.f64", dpsi_v, np.float64, f"{K} float64 sign(x) * psi_t'(|x| - b)")

    tensor = (rng.standard_normal(4096) * 0.8).astype(np.float32)
    write(outdir, "barrier_tensor.f32", tensor, np.float32, "4096 float32 tensor (normal * 0.8)")
    pens = [barrier.penalty(tensor, b, t) for b, t in TENSOR_CASES]
    write(outdir, "barrier_tensor_penalty.f64", pens, np.float64, "3 float64 penalties for (b,t) = (1,5), (1,20), (0.5,1.1)")
    write(outdir, "barrier_tensor_grad_b1_t5.f64", barrier.gradient(tensor, 1.0, 5.0), np.float64, "4096 float64 gradient for b=1, t=5")

    lines = [f"{name}: {what}" for name, what in _files]
    lines.append("README.txt: this list (generated by python/tools/gen_golden.py; all binaries little-endian, no headers)")
    with open(os.path.join(outdir, "README.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {len(_files) + 1} files to {outdir} ({x.size} inputs, {K} barrier cases)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
