"""The pure parts of python/tools/bench.py: settings, metrics and time -v
parsing, medians and ratios, the summary and its tables. No benchmark runs."""
import importlib.util
import json
import os

import pytest

TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools")


def load(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(TOOLS, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = load("bench")

TIME_V = """\tCommand being timed: "taskset -c 0 build/bench/mlp-mu8 --data x"
\tUser time (seconds): 2.51
\tElapsed (wall clock) time (h:mm:ss or m:ss): 0:02.63
\tMaximum resident set size (kbytes): 69632
\tExit status: 0
"""


def test_train_limit_variable():
    assert bench.train_limit_variable("mlp") == "TRAIN_LIMIT_MLP"
    assert bench.train_limit_variable("resnet-tiny") == "TRAIN_LIMIT_RESNET_TINY"


def test_env_defaults():
    d = bench.env_defaults({})
    assert d["models"] == ["mlp", "cnn", "resnet-tiny"]
    assert d["threads"] == [1, 2]
    assert d["repeats"] == 2
    assert d["train_limits"] == {"mlp": 19200, "cnn": 6400, "resnet-tiny": 1280}
    assert d["out"] == "bench-results"
    d = bench.env_defaults({"MODELS": "mlp,cnn", "THREADS": "1", "REPEATS": "3",
                            "TRAIN_LIMIT_RESNET_TINY": "640", "OUT": "/tmp/b", "MODELS_X": "?"})
    assert d["models"] == ["mlp", "cnn"]
    assert d["threads"] == [1]
    assert d["repeats"] == 3
    assert d["train_limits"] == {"mlp": 19200, "cnn": 6400, "resnet-tiny": 640}
    assert d["out"] == "/tmp/b"
    # Empty variables are unset ones.
    assert bench.env_defaults({"MODELS": "", "REPEATS": ""})["repeats"] == 2


def test_parse_args_over_environment():
    a = bench.parse_args(["--threads", "2", "--train-limit", "mlp=640"],
                         {"MODELS": "mlp cnn", "THREADS": "1", "TRAIN_LIMIT_CNN": "320"})
    assert a.models == ["mlp", "cnn"]
    assert a.threads == [2]
    assert a.train_limits == {"mlp": 640, "cnn": 320, "resnet-tiny": 1280}
    with pytest.raises(SystemExit):
        bench.parse_args(["--models", "vgg"], {})
    with pytest.raises(SystemExit):
        bench.parse_args(["--repeats", "0"], {})


def test_run_figures(tmp_path):
    path = tmp_path / "run.jsonl"
    records = [{"epoch": 1, "samples_per_s": 100.0, "test_acc": 0.5},
               {"epoch": 2, "samples_per_s": 300.0, "test_acc": 0.6},
               {"final": True, "test_acc": 0.6125, "peak_rss_mib": 64.0}]
    path.write_text("".join(json.dumps(r) + "\n" for r in records) + "\n")
    assert bench.run_figures(path) == {"samples_per_s": 300.0, "test_acc": 0.6125}
    # Without evaluation the final record has no test_acc.
    path.write_text(json.dumps(records[0]) + "\n" + json.dumps({"final": True}) + "\n")
    assert bench.run_figures(path) == {"samples_per_s": 100.0, "test_acc": None}
    path.write_text(json.dumps(records[0]) + "\n")
    with pytest.raises(ValueError, match="no final record"):
        bench.run_figures(path)


def test_parse_max_rss_mib():
    assert bench.parse_max_rss_mib(TIME_V) == 68.0
    with pytest.raises(ValueError):
        bench.parse_max_rss_mib("\tExit status: 0\n")


def test_median_and_ratio():
    assert bench.median([3.0, 1.0, 2.0]) == 2.0
    assert bench.median([4.0, 1.0]) == 2.5
    assert bench.median([None, 5.0]) == 5.0
    assert bench.median([]) is None
    assert bench.ratio(300.0, 100.0) == 3.0
    assert bench.ratio(None, 100.0) is None
    assert bench.ratio(300.0, 0.0) is None


def test_commands():
    assert bench.pinned_cores(1, {3, 1, 2}) == "1"
    assert bench.pinned_cores(2, {3, 1, 2}) == "1,2"
    with pytest.raises(SystemExit):
        bench.pinned_cores(3, {0, 1})
    cmd = bench.trainer_command("t", "/d", 640, "m.jsonl")
    assert cmd == ["t", "--data", "/d", "--epochs", "1", "--lr", "0.05", "--seed", "0",
                   "--train-limit", "640", "--metrics", "m.jsonl", "--quiet"]
    assert bench.trainer_command("t", "/d", 640, "m.jsonl", threads=2)[-2:] == ["--threads", "2"]
    cmd = bench.pytorch_command("cnn", "/d", 320, "p.jsonl", 2)
    assert cmd[cmd.index("--threads") + 1] == "2"
    assert cmd[cmd.index("--momentum") + 1] == "0.9"
    assert bench.measured_command(["t"], "0", "r.time") == [
        "/usr/bin/time", "-v", "-o", "r.time", "taskset", "-c", "0", "t"]
    assert bench.supports_threads("  --threads N   worker threads\n")
    assert not bench.supports_threads("  --train-limit N\n")


def synthetic_runs():
    """Two repeats of mlp at 1 thread; PyTorch has no accuracy in one of them."""
    speeds = {"mu8": (3000.0, 3400.0), "f32": (24000.0, 22000.0),
              "f32-nobarrier": (25000.0, 23000.0), "pytorch": (4000.0, 4000.0)}
    runs = []
    for key, values in speeds.items():
        for r, v in enumerate(values):
            runs.append({"repeat": r, "model": "mlp", "threads": 1, "program": key,
                         "samples_per_s": v, "test_acc": 0.8 if r else None,
                         "peak_rss_mib": 60.0 + r})
    compiles = [{"repeat": r, "model": "mlp", "program": k, "seconds": s + r}
                for r in range(2) for k, s in (("mu8", 4.0), ("f32", 2.0), ("f32-nobarrier", 1.0))]
    return runs, compiles


def test_summarize():
    runs, compiles = synthetic_runs()
    [row] = bench.summarize(runs, compiles, ["mlp"], [1])
    assert row["samples_per_s"] == {"mu8": 3200.0, "f32": 23000.0, "f32-nobarrier": 24000.0,
                                    "pytorch": 4000.0}
    assert row["test_acc"]["mu8"] == 0.8
    assert row["peak_rss_mib"]["pytorch"] == 60.5
    assert row["compile_seconds"] == {"mu8": 4.5, "f32": 2.5, "f32-nobarrier": 1.5}
    assert row["ratios"]["MU8/f32"] == pytest.approx(3200 / 23000)
    assert row["ratios"]["MU8/PyTorch"] == pytest.approx(0.8)
    assert row["ratios"]["f32/PyTorch"] == pytest.approx(5.75)
    assert row["ratios"]["f32 barrier/no barrier"] == pytest.approx(23000 / 24000)
    # A (model, threads) without runs has no medians and no ratios.
    [empty] = bench.summarize([], [], ["cnn"], [2])
    assert empty["samples_per_s"]["mu8"] is None and empty["ratios"]["MU8/f32"] is None


def test_tables():
    runs, compiles = synthetic_runs()
    summary = bench.summarize(runs, compiles, ["mlp"], [1])
    assert bench.speed_table(summary).splitlines() == [
        "| model | threads | logbtq MU8 | logbtq f32 | logbtq f32 no barrier | PyTorch 1.13 |"
        " MU8/f32 | MU8/PyTorch | f32/PyTorch | f32 barrier/no barrier |",
        "|---|---|---|---|---|---|---|---|---|---|",
        "| mlp | 1 | 3,200 | 23,000 | 24,000 | 4,000 | 0.14x | 0.80x | 5.75x | 0.96x |"]
    acc = bench.measure_table(summary, "test_acc", ".2f", "%", 100.0).splitlines()
    assert acc[2] == "| mlp | 1 | 80.00% | 80.00% | 80.00% | 80.00% |"
    rss = bench.measure_table(summary, "peak_rss_mib", ".0f").splitlines()
    assert rss[2] == "| mlp | 1 | 60 | 60 | 60 | 60 |"
    assert bench.compile_table(summary + summary).splitlines() == [
        "| model | logbtq MU8 | logbtq f32 | logbtq f32 no barrier |",
        "|---|---|---|---|",
        "| mlp | 4.5 s | 2.5 s | 1.5 s |"]
    [empty] = bench.summarize([], [], ["cnn"], [2])
    assert bench.speed_table([empty]).splitlines()[2] == "| cnn | 2 |" + " - |" * 8


def test_report_says_how_threads_were_used():
    runs, compiles = synthetic_runs()
    summary = bench.summarize(runs, compiles, ["mlp"], [1])
    settings = {"repeats": 2, "models": ["mlp"], "train_limits": {"mlp": 19200}}
    text = bench.report(summary, settings, bench.THREADS_IGNORED)
    assert text.startswith("Medians of 2 repeat(s); one epoch on the first images of "
                           "Fashion-MNIST (mlp 19,200)")
    assert "logbtq ignores the thread count" in text
    assert "Training samples/s" in text and "Peak RSS" in text and "logbtq-compile" in text


def test_plot_writes_png(tmp_path):
    pytest.importorskip("matplotlib")
    runs, compiles = synthetic_runs()
    path = tmp_path / "bench.png"
    bench.plot(bench.summarize(runs, compiles, ["mlp"], [1]), str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
