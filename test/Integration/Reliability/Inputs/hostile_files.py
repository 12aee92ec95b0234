"""Writes small files that declare absurd sizes (hostile-sizes.test).

    hostile_files.py OUT_DIR [CHECKPOINT]

huge-init.onnx      an initializer of 10^6 x 10^6 floats with 16 bytes of data
huge.npy            a .npy header promising 2^62 x 4 floats
idx/                IDX files promising 2^31 images of 28x28 and 2^31 labels
huge.ck             CHECKPOINT (if given) with its parameter count set to 2^39
"""
import os
import struct
import sys

from onnx import TensorProto, helper


def main(argv):
    out = argv[1]
    os.makedirs(os.path.join(out, "idx"), exist_ok=True)
    t = TensorProto()
    t.name, t.data_type = "w", TensorProto.FLOAT
    t.dims.extend([1000000, 1000000])
    t.raw_data = b"\0" * 16
    g = helper.make_graph(
        [helper.make_node("Add", ["x", "w"], ["y"], name="add")], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])], initializer=[t])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 14)])
    open(os.path.join(out, "huge-init.onnx"), "wb").write(m.SerializeToString())

    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }"
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    open(os.path.join(out, "huge.npy"), "wb").write(
        b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + b"\0" * 16)

    idx = os.path.join(out, "idx")
    open(os.path.join(idx, "train-images-idx3-ubyte"), "wb").write(
        struct.pack(">IIII", 0x803, 2**31, 28, 28) + b"\0" * 100)
    open(os.path.join(idx, "train-labels-idx1-ubyte"), "wb").write(
        struct.pack(">II", 0x801, 2**31) + b"\0" * 100)
    open(os.path.join(idx, "t10k-images-idx3-ubyte"), "wb").write(
        struct.pack(">IIII", 0x803, 1, 28, 28) + b"\0" * 784)
    open(os.path.join(idx, "t10k-labels-idx1-ubyte"), "wb").write(struct.pack(">II", 0x801, 1) + b"\0")

    if len(argv) > 2:
        data = bytearray(open(argv[2], "rb").read())
        data[32:40] = struct.pack("<q", 2**39)
        open(os.path.join(out, "huge.ck"), "wb").write(data)


if __name__ == "__main__":
    main(sys.argv)
