"""python/tools/scaling_model.py: the time-per-step model of docs/Distributed.md."""
import importlib.util
import os
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
TOOL = os.path.join(ROOT, "python", "tools", "scaling_model.py")

spec = importlib.util.spec_from_file_location("scaling_model", TOOL)
model = importlib.util.module_from_spec(spec)
spec.loader.exec_module(model)


def test_one_machine_exchanges_nothing():
    for exchange in (model.gather_mu8, model.allreduce_f32):
        assert exchange(235146, 1, 1e9, 1e-5) == 0.0


def test_gather_moves_fewer_bytes_than_the_allreduce_below_eight_ranks():
    # Bandwidth only (no latency, no summing): bytes per rank.
    p, bandwidth = 10**6, 1.0
    saved = model.T_CODE
    model.T_CODE = 0.0
    try:
        for n in (2, 4, 7):
            assert model.gather_mu8(p, n, bandwidth, 0) < model.allreduce_f32(
                p, n, bandwidth, 0)
        assert model.gather_mu8(p, 8, bandwidth, 0) == model.allreduce_f32(
            p, 8, bandwidth, 0)
        assert model.gather_mu8(p, 16, bandwidth, 0) > model.allreduce_f32(
            p, 16, bandwidth, 0)
    finally:
        model.T_CODE = saved


def test_compute_splits_the_step_batch():
    assert model.compute(6400.0, 1) == 64 / 6400.0
    assert model.compute(6400.0, 4) == 16 / 6400.0


def test_docs_hold_the_tables_it_prints():
    out = subprocess.run([sys.executable, TOOL], check=True, capture_output=True,
                         text=True).stdout
    with open(os.path.join(ROOT, "docs", "Distributed.md")) as f:
        doc = f.read()
    rows = [line for line in out.splitlines() if line.startswith("| mlp") or
            line.startswith("| cnn") or line.startswith("| resnet8")]
    assert len(rows) == 6
    for row in rows:
        assert row in doc, row


def test_scatter_moves_five_eighths_of_the_allreduce_at_any_n():
    saved = model.T_CODE
    model.T_CODE = 0.0
    try:
        for n in (2, 8, 64):
            ratio = model.scatter_mu8(8 * 10**6, n, 1.0, 0) / \
                model.allreduce_f32(8 * 10**6, n, 1.0, 0)
            assert abs(ratio - 5 / 8) < 1e-12, n
    finally:
        model.T_CODE = saved
