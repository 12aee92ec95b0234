"""Writes an MLIR file whose folded form must equal the numpy reference.

Every MU8 code is decoded (and bitcast to i32, so the check is bit for bit),
and a spread of f32 values, edge cases included, is encoded at three ranges.
The CHECK lines hold what python/logbtq computes for the same inputs.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), *[".."] * 4, "python"))
from logbtq import mu8  # noqa: E402


def f32_literal(v):
    # Hex keeps NaN, infinities, -0.0 and denormals exact in the IR.
    return "0x%08X" % np.float32(v).view(np.uint32)


def dense(values):
    return "dense<[" + ", ".join(str(int(v)) for v in values) + "]>"


def main():
    rng = np.random.default_rng(7)
    edge = [0.0, -0.0, np.nan, np.inf, -np.inf, 1.0, -1.0, 1e-40, 8.750992e-05,
            np.nextafter(np.float32(1), np.float32(2)), 16.0, 0.125]
    x = np.concatenate([
        np.array(edge, dtype=np.float32),
        rng.uniform(-1.5, 1.5, 200).astype(np.float32),
        (np.sign(rng.standard_normal(200)) *
         10.0 ** rng.uniform(-6, 2, 200)).astype(np.float32),
    ])
    n = x.size
    codes = np.arange(-128, 128)
    print("// CHECK-LABEL: func.func @decode_all_codes")
    for e in (0, 4, -3):
        bits = mu8.decode(codes, e).view(np.int32)
        print(f"// CHECK: arith.constant {dense(bits)} : tensor<256xi32>")
    print("func.func @decode_all_codes() -> (tensor<256xi32>, tensor<256xi32>, tensor<256xi32>) {")
    # Code -128 is not a valid constant; it decodes like -127, checked in C++.
    stored = np.where(codes == -128, -127, codes)
    for e in (0, 4, -3):
        t = f"tensor<256x!logbtq.mu8<{e}>>"
        print(f"  %c{e + 3} = logbtq.constant {dense(stored)} : tensor<256xi8> -> {t}")
        print(f"  %d{e + 3} = logbtq.decode %c{e + 3} : {t} -> tensor<256xf32>")
        print(f"  %b{e + 3} = arith.bitcast %d{e + 3} : tensor<256xf32> to tensor<256xi32>")
    print("  return %b3, %b7, %b0 : tensor<256xi32>, tensor<256xi32>, tensor<256xi32>")
    print("}")
    print()
    print("// CHECK-LABEL: func.func @encode_values")
    for e in (0, 4, -3):
        expected, _, _ = mu8.encode(x, e)
        print(f"// CHECK: logbtq.constant {dense(expected)} : tensor<{n}xi8>")
    print(f"func.func @encode_values() -> (tensor<{n}x!logbtq.mu8>, "
          f"tensor<{n}x!logbtq.mu8<4>>, tensor<{n}x!logbtq.mu8<-3>>) {{")
    literal = "dense<[" + ", ".join(f32_literal(v) for v in x) + "]>"
    print(f"  %x = arith.constant {literal} : tensor<{n}xf32>")
    results = []
    for i, e in enumerate((0, 4, -3)):
        t = f"tensor<{n}x!logbtq.mu8<{e}>>"
        print(f"  %e{i} = logbtq.encode %x : tensor<{n}xf32> -> {t}")
        results.append((f"%e{i}", t))
    print("  return " + ", ".join(r for r, _ in results) + " : " +
          ", ".join(t for _, t in results))
    print("}")


if __name__ == "__main__":
    main()
