"""Writes a small mlp (784-16-10, the zoo's layers and naming) as ONNX, so the
flag tests compile in seconds: tiny_mlp.py -o OUT.onnx"""
import argparse

from logbtq import models


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-o", "--output", required=True)
    a = p.parse_args()
    g = models._Graph(seed=0)
    x = g.flatten("/flatten", "input")
    x = g.relu("/relu1", g.linear("/fc1", x, 784, 16))
    g.linear("/fc2", x, 16, models.NUM_CLASSES)
    m = g.model("tiny_mlp", models.DEFAULT_OPSET, "784-16-10 mlp for the flag tests")
    with open(a.output, "wb") as f:
        f.write(m.SerializeToString())


if __name__ == "__main__":
    main()
