"""python/tools/ablation_table.py on synthetic --metrics files."""
import json
import os
import subprocess
import sys

TOOL = os.path.join(os.path.dirname(__file__), "..", "tools", "ablation_table.py")


def write(path, epochs, final):
    with open(path, "w") as f:
        for e in epochs:
            f.write(json.dumps(e) + "\n")
        f.write(json.dumps(dict(final, final=True)) + "\n")


def run(*args):
    return subprocess.run([sys.executable, TOOL, *args], check=True,
                          capture_output=True, text=True).stdout


def test_table_and_summary(tmp_path):
    mu8 = tmp_path / "mu8.jsonl"
    f32 = tmp_path / "f32.jsonl"
    write(mu8, [{"epoch": 1, "samples_per_s": 100.0}, {"epoch": 2, "samples_per_s": 300.0},
                {"epoch": 3, "samples_per_s": 500.0}],
          {"test_acc": 0.8765, "sat_act": 0.0123, "sat_weight": 0.0, "sat_grad": 0.0,
           "sat_mom": 0.001, "acc_overflow": 7, "zero_act": 0.456, "peak_rss_mib": 64.4})
    write(f32, [{"epoch": 1, "samples_per_s": 1000.0}],
          {"test_acc": 0.88, "sat_act": None, "sat_weight": None, "sat_grad": None,
           "sat_mom": None, "acc_overflow": None, "zero_act": None, "peak_rss_mib": 90.0})
    table = run(f"MU8={mu8}", f"f32={f32}").splitlines()
    # Speed is the mean of the epochs after the first; float32 has no rates.
    assert table[2] == ("| MU8 | 87.65% | 1.23% | 0.00% | 0.00% | 0.10% | 7 | 45.6% | 400 | 64 MiB |")
    assert table[3] == "| f32 | 88.00% | - | - | - | - | - | - | 1000 | 90 MiB |"
    summary = run("--summary", f"MU8={mu8}", f"f32={f32}").splitlines()
    assert summary[0].strip().startswith("MU8: test accuracy 87.65% after 3 epochs  activation saturation 1.23%")
    assert "int32 overflows 7" in summary[0]
    assert summary[1].strip() == "float32: test accuracy 88.00% after 1 epochs  1000 samples/s  peak RSS 90 MiB".replace("float32", "f32")


def test_missing_final_record_is_an_error(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"epoch": 1, "samples_per_s": 1.0}) + "\n")
    r = subprocess.run([sys.executable, TOOL, f"x={bad}"], capture_output=True, text=True)
    assert r.returncode != 0 and "no final record" in r.stderr
