#!/usr/bin/env python3
"""The benchmark of docs/Benchmarks.md ("How to run the benchmark"): logbtq
MU8, logbtq float32 with and without barrier, and PyTorch 1.13, trained for
one epoch on a subset of Fashion-MNIST, at each thread count, run alternately
and repeated; prints the medians and writes JSON and a bar chart.

    scripts/bench.sh        # builds first, then runs this
    /usr/bin/python3 python/tools/bench.py [--models mlp,cnn] [--threads 1,2]
        [--repeats 2] [--train-limit mlp=19200] [--out bench-results]

Every option defaults to an environment variable (MODELS, THREADS, REPEATS,
TRAIN_LIMIT_<MODEL> with the model name upper-cased and '-' as '_', OUT,
LOGBTQ_DATA), so that `MODELS=mlp REPEATS=1 scripts/bench.sh` works.

Programs (same zoo model, initial weights, batch 64, lr 0.05, momentum 0.9,
seed 0; one epoch, no lr decay, evaluation on the 10,000 test images):
  mu8            logbtq-compile model.onnx -o t --batch 64 (the default program)
  f32            the same with --quant=f32 (barrier on)
  f32-nobarrier  --quant=f32 --barrier-lambda=0 (the program PyTorch runs)
  pytorch        python/tools/bench_pytorch.py --threads N
Each training run is pinned to the first N allowed cores (taskset) with
OMP_NUM_THREADS=N and measured by /usr/bin/time -v (peak RSS); samples/s and
test accuracy come from its --metrics file. logbtq-compile runs unpinned,
once per model, program and repeat (its wall-clock time is the compile time).
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from logbtq.metrics import read_metrics  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
COMPILE = os.path.join(ROOT, "build", "bin", "logbtq-compile")
PYTORCH = os.path.join(ROOT, "python", "tools", "bench_pytorch.py")
DATA = "/usr/share/datasets/fashion-mnist"

MODELS = ("mlp", "cnn", "resnet-tiny")
TRAIN_LIMITS = {"mlp": 19200, "cnn": 6400, "resnet-tiny": 1280}
THREADS = (1, 2)
REPEATS = 2
OUT = "bench-results"
BATCH, LR, MOMENTUM, SEED = 64, 0.05, 0.9, 0

# (key, label, logbtq-compile flags; None for PyTorch), in the order they run.
PROGRAMS = (
    ("mu8", "logbtq MU8", []),
    ("f32", "logbtq f32", ["--quant=f32"]),
    ("f32-nobarrier", "logbtq f32 no barrier", ["--quant=f32", "--barrier-lambda=0"]),
    ("pytorch", "PyTorch 1.13", None),
)
LABELS = {key: label for key, label, _ in PROGRAMS}
LOGBTQ_PROGRAMS = tuple(key for key, _, flags in PROGRAMS if flags is not None)

# (name, numerator, denominator) over median samples/s.
RATIOS = (
    ("MU8/f32", "mu8", "f32"),
    ("MU8/PyTorch", "mu8", "pytorch"),
    ("f32/PyTorch", "f32", "pytorch"),
    ("f32 barrier/no barrier", "f32", "f32-nobarrier"),
)

THREADS_IGNORED = ("logbtq ignores the thread count: its trainers have no --threads flag "
                   "yet and run single-threaded; N threads only pins them to N cores "
                   "(taskset) with OMP_NUM_THREADS=N. PyTorch uses torch.set_num_threads(N).")
THREADS_PASSED = ("logbtq trainers get --threads N; every run is pinned to N cores "
                  "(taskset) with OMP_NUM_THREADS=N. PyTorch uses torch.set_num_threads(N).")


# --- settings -----------------------------------------------------------------

def train_limit_variable(model):
    """The environment variable of a model's training subset: TRAIN_LIMIT_RESNET_TINY."""
    return "TRAIN_LIMIT_" + model.upper().replace("-", "_")


def split_list(text):
    """'mlp, cnn' or 'mlp cnn' -> ['mlp', 'cnn']."""
    return [item for item in text.replace(",", " ").split() if item]


def env_defaults(environ):
    """Settings from the environment, falling back to the defaults above."""
    limits = dict(TRAIN_LIMITS)
    for model in MODELS:
        value = environ.get(train_limit_variable(model))
        if value:
            limits[model] = int(value)
    return {
        "models": split_list(environ.get("MODELS") or " ".join(MODELS)),
        "threads": [int(t) for t in split_list(environ.get("THREADS") or "1 2")],
        "repeats": int(environ.get("REPEATS") or REPEATS),
        "train_limits": limits,
        "out": environ.get("OUT") or OUT,
        "data": environ.get("LOGBTQ_DATA") or DATA,
    }


def parse_train_limit(spec):
    """'cnn=3200' -> ('cnn', 3200)."""
    model, sep, value = spec.partition("=")
    if not sep or model not in MODELS:
        raise argparse.ArgumentTypeError(f"expected MODEL=N with MODEL in {', '.join(MODELS)}")
    return model, int(value)


def parse_args(argv, environ):
    """Command-line settings over the environment's."""
    d = env_defaults(environ)
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--models", type=split_list, default=d["models"])
    p.add_argument("--threads", type=lambda s: [int(t) for t in split_list(s)],
                   default=d["threads"])
    p.add_argument("--repeats", type=int, default=d["repeats"])
    p.add_argument("--train-limit", type=parse_train_limit, action="append", default=[],
                   metavar="MODEL=N")
    p.add_argument("--out", default=d["out"], help="results directory (default %(default)s)")
    p.add_argument("--data", default=d["data"])
    a = p.parse_args(argv)
    unknown = [m for m in a.models if m not in MODELS]
    if unknown:
        p.error(f"unknown model(s) {', '.join(unknown)} (known: {', '.join(MODELS)})")
    if a.repeats < 1 or not a.threads or min(a.threads) < 1:
        p.error("--repeats and every thread count must be at least 1")
    a.train_limits = dict(d["train_limits"], **dict(a.train_limit))
    return a


# --- measurements ---------------------------------------------------------------

def run_figures(path):
    """samples/s of the last epoch and the final test accuracy of a --metrics file."""
    epochs, final = read_metrics(path)
    return {"samples_per_s": epochs[-1]["samples_per_s"], "test_acc": final.get("test_acc")}


def parse_max_rss_mib(time_output):
    """Peak RSS in MiB from the report of /usr/bin/time -v."""
    for line in time_output.splitlines():
        key, _, value = line.strip().partition(":")
        if key == "Maximum resident set size (kbytes)":
            return int(value) / 1024
    raise ValueError("no 'Maximum resident set size' in the /usr/bin/time -v report")


def median(values):
    """The median of the values that are not None, or None."""
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def ratio(numerator, denominator):
    """numerator / denominator, or None when either is missing or the denominator is 0."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator


# --- running ----------------------------------------------------------------------

def pinned_cores(threads, allowed):
    """The first `threads` of the allowed cores, as taskset's list ('0,1')."""
    allowed = sorted(allowed)
    if threads > len(allowed):
        raise SystemExit(f"bench: {threads} threads asked, {len(allowed)} cores available")
    return ",".join(str(c) for c in allowed[:threads])


def thread_env(threads, environ):
    return dict(environ, OMP_NUM_THREADS=str(threads))


def supports_threads(help_text):
    """Whether a trainer's --help lists a --threads flag."""
    return "--threads" in help_text


def trainer_command(exe, data, train_limit, metrics, threads=None):
    cmd = [exe, "--data", data, "--epochs", "1", "--lr", str(LR), "--seed", str(SEED),
           "--train-limit", str(train_limit), "--metrics", metrics, "--quiet"]
    return cmd + (["--threads", str(threads)] if threads is not None else [])


def pytorch_command(model, data, train_limit, metrics, threads):
    return [sys.executable, PYTORCH, "--model", model, "--epochs", "1", "--batch", str(BATCH),
            "--lr", str(LR), "--momentum", str(MOMENTUM), "--seed", str(SEED),
            "--threads", str(threads), "--train-limit", str(train_limit), "--data", data,
            "--metrics", metrics]


def measured_command(cmd, cores, time_report):
    """cmd pinned to `cores`, under /usr/bin/time -v writing to time_report."""
    return ["/usr/bin/time", "-v", "-o", time_report, "taskset", "-c", cores] + cmd


def run_logged(cmd, log, env=None):
    """Runs cmd with stdout and stderr to the file `log`; fails naming the log."""
    with open(log, "w") as f:
        status = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, env=env).returncode
    if status != 0:
        raise SystemExit(f"bench: exit status {status} of {' '.join(cmd)} (see {log})")


def write_model(model, path):
    run_logged([sys.executable, "-m", "logbtq.models", model, "-o", path], path + ".log",
               env=dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python")))


def compile_program(onnx, exe, flags):
    """Builds one trainer; returns the wall-clock seconds of logbtq-compile."""
    start = time.perf_counter()
    run_logged([COMPILE, onnx, "-o", exe, "--batch", str(BATCH)] + flags, exe + ".log")
    return time.perf_counter() - start


def train_once(cmd, stem, cores, threads):
    """One measured training run; returns samples/s, test accuracy and peak RSS."""
    run_logged(measured_command(cmd, cores, stem + ".time"), stem + ".log",
               env=thread_env(threads, os.environ))
    with open(stem + ".time") as f:
        rss = parse_max_rss_mib(f.read())
    return dict(run_figures(stem + ".jsonl"), peak_rss_mib=rss)


# --- summary ------------------------------------------------------------------------

def summarize(runs, compiles, models, threads):
    """One row per (model, threads): medians of every measure, and the ratios."""
    rows = []
    for m in models:
        for t in threads:
            row = {"model": m, "threads": t, "samples_per_s": {}, "test_acc": {},
                   "peak_rss_mib": {}, "compile_seconds": {}, "ratios": {}}
            for key, _, _ in PROGRAMS:
                mine = [r for r in runs if (r["model"], r["threads"], r["program"]) == (m, t, key)]
                for measure in ("samples_per_s", "test_acc", "peak_rss_mib"):
                    row[measure][key] = median([r[measure] for r in mine])
                if key in LOGBTQ_PROGRAMS:
                    row["compile_seconds"][key] = median(
                        [c["seconds"] for c in compiles if (c["model"], c["program"]) == (m, key)])
            for name, num, den in RATIOS:
                row["ratios"][name] = ratio(row["samples_per_s"][num], row["samples_per_s"][den])
            rows.append(row)
    return rows


def fmt(value, spec, suffix=""):
    return "-" if value is None else format(value, spec) + suffix


def markdown_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def speed_table(summary):
    header = ["model", "threads"] + [LABELS[k] for k, _, _ in PROGRAMS] + [n for n, _, _ in RATIOS]
    rows = [[s["model"], str(s["threads"])]
            + [fmt(s["samples_per_s"][k], ",.0f") for k, _, _ in PROGRAMS]
            + [fmt(s["ratios"][n], ".2f", "x") for n, _, _ in RATIOS] for s in summary]
    return markdown_table(header, rows)


def measure_table(summary, measure, spec, suffix="", scale=1.0):
    header = ["model", "threads"] + [LABELS[k] for k, _, _ in PROGRAMS]
    rows = [[s["model"], str(s["threads"])]
            + [fmt(None if s[measure][k] is None else scale * s[measure][k], spec, suffix)
               for k, _, _ in PROGRAMS] for s in summary]
    return markdown_table(header, rows)


def compile_table(summary):
    header = ["model"] + [LABELS[k] for k in LOGBTQ_PROGRAMS]
    seen, rows = set(), []
    for s in summary:
        if s["model"] not in seen:
            seen.add(s["model"])
            rows.append([s["model"]] + [fmt(s["compile_seconds"][k], ".1f", " s")
                                        for k in LOGBTQ_PROGRAMS])
    return markdown_table(header, rows)


def report(summary, settings, note):
    """The printed result: a heading per table, medians over the repeats."""
    limits = ", ".join(f"{m} {settings['train_limits'][m]:,}" for m in settings["models"])
    return "\n\n".join([
        f"Medians of {settings['repeats']} repeat(s); one epoch on the first images of "
        f"Fashion-MNIST ({limits}), batch {BATCH}, lr {LR}, momentum {MOMENTUM}, seed {SEED}.\n"
        f"Threads: {note}",
        "Training samples/s (ratios of the medians)\n\n" + speed_table(summary),
        "Test accuracy (10,000 images)\n\n" + measure_table(summary, "test_acc", ".2f", "%", 100.0),
        "Peak RSS, MiB (/usr/bin/time -v)\n\n" + measure_table(summary, "peak_rss_mib", ".0f"),
        "logbtq-compile wall-clock time\n\n" + compile_table(summary),
    ])


def plot(summary, path):
    """Grouped bars of median samples/s per (model, threads), log scale."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    groups = [f"{s['model']}\n{s['threads']} thread(s)" for s in summary]
    width = 0.8 / len(PROGRAMS)
    fig, ax = plt.subplots(figsize=(max(6, 1.8 * len(groups) + 2), 4.5))
    for i, (key, label, _) in enumerate(PROGRAMS):
        xs = [g + (i - (len(PROGRAMS) - 1) / 2) * width for g in range(len(groups))]
        ys = [s["samples_per_s"][key] or 0 for s in summary]
        bars = ax.bar(xs, ys, width, label=label)
        ax.bar_label(bars, labels=[f"{y:,.0f}" if y else "" for y in ys], fontsize=7, rotation=90,
                     padding=2)
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels(groups)
    ax.set_yscale("log")
    ax.set_ylabel("training samples/s (median, log scale)")
    ax.set_title("logbtq against PyTorch 1.13, one epoch, batch 64")
    ax.margins(y=0.25)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def git_commit():
    """HEAD, with '+dirty' when the work tree differs from it."""
    def git(*args):
        return subprocess.run(["git", "-C", ROOT, *args], capture_output=True,
                              text=True).stdout.strip()
    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + ("+dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


# --- main -------------------------------------------------------------------------------

def build_trainers(model, repeat, work):
    """Compiles the model's logbtq programs; returns one record per compile."""
    records = []
    for key in LOGBTQ_PROGRAMS:
        flags = next(f for k, _, f in PROGRAMS if k == key)
        seconds = compile_program(os.path.join(work, model + ".onnx"),
                                  os.path.join(work, f"{model}-{key}"), flags)
        records.append({"repeat": repeat, "model": model, "program": key, "seconds": seconds})
        print(f"[repeat {repeat + 1}] compiled {model} {key} in {seconds:.1f} s", flush=True)
    return records


def run_program(a, model, threads, key, repeat, work, runs_dir, cores, threads_flag):
    """One measured training run of one program; returns its record."""
    stem = os.path.join(runs_dir, f"r{repeat + 1}-{model}-t{threads}-{key}")
    if os.path.exists(stem + ".jsonl"):
        os.remove(stem + ".jsonl")
    limit = a.train_limits[model]
    if key == "pytorch":
        cmd = pytorch_command(model, a.data, limit, stem + ".jsonl", threads)
    else:
        cmd = trainer_command(os.path.join(work, f"{model}-{key}"), a.data, limit,
                              stem + ".jsonl", threads if threads_flag else None)
    result = train_once(cmd, stem, cores, threads)
    acc = result["test_acc"]
    print(f"[repeat {repeat + 1}] {model} {threads} thread(s) {key:>13}: "
          f"{result['samples_per_s']:,.0f} samples/s  "
          f"test acc {fmt(None if acc is None else 100 * acc, '.2f', '%')}  "
          f"peak RSS {result['peak_rss_mib']:.0f} MiB", flush=True)
    return dict(result, repeat=repeat, model=model, threads=threads, program=key)


def trainer_has_threads_flag(exe):
    return supports_threads(subprocess.run([exe, "--help"], stdout=subprocess.PIPE,
                                           stderr=subprocess.STDOUT, text=True).stdout)


def write_results(out, doc):
    with open(os.path.join(out, "bench.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    plot(doc["summary"], os.path.join(out, "bench.png"))


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv, os.environ)
    out, work = os.path.abspath(a.out), os.path.join(ROOT, "build", "bench")
    runs_dir = os.path.join(out, "runs")
    os.makedirs(runs_dir, exist_ok=True)
    os.makedirs(work, exist_ok=True)
    allowed = os.sched_getaffinity(0)
    cores = {t: pinned_cores(t, allowed) for t in a.threads}
    settings = {"models": a.models, "threads": a.threads, "repeats": a.repeats,
                "train_limits": {m: a.train_limits[m] for m in a.models}, "data": a.data,
                "batch": BATCH, "lr": LR, "momentum": MOMENTUM, "seed": SEED, "epochs": 1}
    for m in a.models:
        write_model(m, os.path.join(work, m + ".onnx"))

    # Repeat by repeat, model by model: build its trainers, then every thread
    # count and every program in turn, so that a change of machine load falls
    # on all programs alike.
    compiles, runs, threads_flag = [], [], None
    for r in range(a.repeats):
        for m in a.models:
            compiles += build_trainers(m, r, work)
            if threads_flag is None:
                threads_flag = trainer_has_threads_flag(os.path.join(work, f"{m}-mu8"))
            for t in a.threads:
                for key, _, _ in PROGRAMS:
                    runs.append(run_program(a, m, t, key, r, work, runs_dir, cores[t],
                                            threads_flag))

    note = THREADS_PASSED if threads_flag else THREADS_IGNORED
    summary = summarize(runs, compiles, a.models, a.threads)
    write_results(out, {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "commit": git_commit(),
        "machine": {"cpus": os.cpu_count(), "allowed_cpus": len(allowed),
                    "platform": platform.platform()},
        "settings": settings, "threads_note": note, "summary": summary, "runs": runs,
        "compiles": compiles})
    print()
    print(report(summary, settings, note))
    print(f"\nwrote {os.path.join(out, 'bench.json')} and bench.png; "
          f"logs and --metrics files in {runs_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
