"""docs/Benchmarks.md holds the zoo table that python/tools/zoo_table.py computes."""
import os
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
TOOL = os.path.join(ROOT, "python", "tools", "zoo_table.py")


def test_benchmarks_doc_holds_the_current_zoo_table():
    doc = os.path.join(ROOT, "docs", "Benchmarks.md")
    result = subprocess.run([sys.executable, TOOL, "--check", doc],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_counts_follow_the_layer_shapes():
    table = subprocess.run([sys.executable, TOOL], check=True, capture_output=True,
                           text=True).stdout
    # mlp 784-256-128-10: weights and biases of three Gemms.
    mlp = 784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10
    # cnn: conv 1->16 5x5, conv 16->32 5x5, Gemm 1568->128, Gemm 128->10.
    cnn = 16 * 25 + 16 + 32 * 16 * 25 + 32 + 1568 * 128 + 128 + 128 * 10 + 10
    assert f"| mlp | 3 Gemm | {mlp:,} | 6 |" in table
    assert f"| cnn | 2 Conv, 2 Gemm | {cnn:,} | 8 |" in table
