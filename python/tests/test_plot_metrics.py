import json
import os
import subprocess
import sys

import pytest

pytest.importorskip("matplotlib")

TOOL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools",
                    "plot_metrics.py")


def write_run(path, accs, rates=True):
    with open(path, "w") as f:
        for epoch, acc in enumerate(accs, 1):
            record = {"epoch": epoch, "train_loss": 1.0 / epoch, "test_loss": 1.2 / epoch,
                      "train_acc": acc - 0.01, "test_acc": acc}
            if rates:
                record.update(sat_act=0.01, sat_weight=0.0, sat_grad=0.0, sat_mom=0.0)
            f.write(json.dumps(record) + "\n")
        f.write(json.dumps({"final": True, "test_acc": accs[-1]}) + "\n")


def run(*args):
    return subprocess.run([sys.executable, TOOL] + list(args), capture_output=True, text=True)


def test_draws_several_runs(tmp_path):
    write_run(tmp_path / "a.jsonl", [0.7, 0.8, 0.85])
    write_run(tmp_path / "b.jsonl", [0.72, 0.81, 0.86], rates=False)
    out = tmp_path / "curves.png"
    r = run("MU8=%s" % (tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl"), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(out)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10000


def test_errors_name_the_file_and_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"epoch": 1, "train_loss": 1}\nnot json\n')
    r = run(str(bad), "-o", str(tmp_path / "x.png"))
    assert r.returncode == 2
    assert "bad.jsonl:2: not a JSON record" in r.stderr
    empty = tmp_path / "empty.jsonl"
    empty.write_text(json.dumps({"final": True}) + "\n")
    r = run(str(empty), "-o", str(tmp_path / "x.png"))
    assert r.returncode == 2 and "empty.jsonl: no epoch record" in r.stderr
    r = run(str(tmp_path / "missing.jsonl"), "-o", str(tmp_path / "x.png"))
    assert r.returncode == 2 and "missing.jsonl: No such file" in r.stderr
