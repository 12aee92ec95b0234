#!/usr/bin/env python3
"""Checks MU8 training steps of a compiled zoo model against the numpy reference.

    mu8_stepcheck.py --model mlp|cnn [--batch 8] [--seed S] [--step N] [--steps K]
                     [--lr X] [--compiler build/bin/logbtq-compile] [--workdir DIR]

1. compiles the zoo model with `logbtq-compile model.onnx -o trainer --batch B`
   (the default build: MU8, barrier on);
2. draws x (float32 uniform in [0, 1)) and y (labels) from
   np.random.default_rng(seed), x first;
3. runs the step dump with `--dump-step N --dump-steps K` (docs/Runtime.md):
   K train steps numbered N, N+1, ... on that batch, with the raw state
   (parameter and momentum codes, momentum ranges, gradients, stats) around
   each;
4. checks the state before the first step (the initial codes, zero momentum
   and ranges), then replays every step in logbtq.mu8_step from the state the
   trainer started it from, and compares: every gradient code (grad_step at
   that state), every updated weight code and momentum code and momentum
   range exponent (which checks each stochastic-rounding draw that decided a
   code), the loss, CE and barrier entries and every counter of the stats
   vector.

Codes, exponents, counters and the number correct must be equal. The only
allowed differences are those the reference proves possible: a gradient code
whose float input lies within the bound of a reassociated sum of an encode
threshold may be either code (logbtq.reassociated), and the loss entries may
be any float32 rounding of their float64 bound (almost always one value).
The update replays from the trainer's gradient codes, so such a code cannot
hide a difference downstream. Prints a report and "mu8 stepcheck: PASS" or
"FAIL"; exit status 0 on PASS, 1 on a mismatch, 2 on a usage, compile or run
error. docs/MU8StepTest.md has the results and the mutation experiments.
"""
import argparse
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC_ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(SRC_ROOT, "python"))

import numpy as np  # noqa: E402
import onnx  # noqa: E402

from logbtq import models, mu8, mu8_chain, mu8_compare as cmp, mu8_step  # noqa: E402
from logbtq.mu8_store import STAT_NAMES, Ambiguous  # noqa: E402
from logbtq.harness import HarnessError, run as run_tool  # noqa: E402


def find_tool(spec):
    if os.sep in spec or os.path.exists(spec):
        if not os.path.isfile(spec):
            raise HarnessError("logbtq-compile not found at %s" % spec)
        return os.path.abspath(spec)
    path = shutil.which(spec)
    if not path:
        raise HarnessError("logbtq-compile '%s' is not on PATH" % spec)
    return path


class State:
    """One state.<i> directory of the dump."""

    def __init__(self, directory, chain):
        def load(name):
            path = os.path.join(directory, name)
            if not os.path.isfile(path):
                raise HarnessError("the dump has no %s" % path)
            return np.load(path)

        files = [mu8_step_file(n) for n in chain.param_names]
        self.params = {n: load("param.%s.npy" % f) for n, f in zip(chain.param_names, files)}
        self.momentum = {n: load("momentum.%s.npy" % f)
                         for n, f in zip(chain.param_names, files)}
        ranges = load("ranges.npy")
        self.ranges = {n: int(ranges[i]) for i, n in enumerate(chain.param_names)}
        self.grads = {n: load("grad.%s.npy" % f) for n, f in zip(chain.param_names, files)}
        path = os.path.join(directory, "stats.npy")
        self.stats = np.load(path) if os.path.isfile(path) else None
        for n in chain.param_names:
            for what, a in (("param", self.params[n]), ("momentum", self.momentum[n])):
                if a.dtype.kind != "i":
                    raise HarnessError("%s.%s is %s, not codes: is the model MU8?"
                                       % (what, n, a.dtype))


def mu8_step_file(name):
    """A parameter name as the dump writes it (docs/Runtime.md)."""
    return "".join(c if c.isalnum() and c.isascii() or c in "._-" else "_" for c in name)


class Report:
    def __init__(self, verbose):
        self.failed, self.verbose = 0, verbose
        self.compared, self.exact, self.open, self.open_other = {}, 0, 0, 0

    def line(self, text):
        print(text)

    def result(self, r, extra=""):
        self.failed += not r.ok
        self.compared[r.kind] = self.compared.get(r.kind, 0) + r.size
        self.exact += r.exact
        self.open += r.open
        self.open_other += r.open_other
        parts = ["%d exact" % r.exact]
        if r.open:
            parts.append("%d open (%d took the other code)" % (r.open, r.open_other))
        if r.bad:
            parts.append("%d DIFFER" % r.bad)
        print("  %-8s %-14s %8d  %s%s  %s" % (r.kind, r.name, r.size, ", ".join(parts),
                                             extra, "ok" if r.ok else "FAIL"))
        for n in r.notes:
            print("           " + n)


def check_initial(report, chain, cfg, s0):
    expected = mu8_step.initial_codes(chain, cfg)
    results = [cmp.compare_codes("init", n, s0.params[n], expected[n]) for n in chain.param_names]
    results += [cmp.compare_codes("init-m", n, s0.momentum[n], np.zeros_like(expected[n]))
                for n in chain.param_names]
    results.append(cmp.compare_codes("init-r", "ranges", list(s0.ranges.values()),
                                     [0] * len(chain.param_names)))
    bad = [r for r in results if not r.ok]
    report.line("state 0: initial codes of %d parameters (%d codes), zero momentum and ranges: %s"
                % (len(chain.param_names), sum(v.size for v in expected.values()),
                   "match" if not bad else "MISMATCH"))
    for r in bad:
        report.result(r)


def check_dump_files(report, chain, dump, states, step):
    """The float32 files of the plain dump agree with the raw states: loss.npy is the
    loss at state 0, grad.*.npy its gradients, param.*.npy state 1 decoded."""
    bad = []
    loss = np.float32(np.load(os.path.join(dump, "loss.npy")))
    if loss not in step.loss:
        bad.append("loss.npy %.9g, reference %s" % (loss, sorted(step.loss)))
    for n in chain.param_names:
        f = mu8_step_file(n)
        if not np.array_equal(np.load(os.path.join(dump, "grad.%s.npy" % f)),
                              states[0].grads[n]):
            bad.append("grad.%s.npy is not state.0's" % f)
        decoded = mu8.decode(states[1].params[n], step.params[n].exponent)
        if not np.array_equal(np.load(os.path.join(dump, "param.%s.npy" % f)), decoded):
            bad.append("param.%s.npy is not state.1's codes decoded" % f)
    report.failed += bool(bad)
    report.line("dump: loss.npy, %d grad.*.npy and %d param.*.npy agree with the states: %s"
                % (len(chain.param_names), len(chain.param_names), "FAIL" if bad else "ok"))
    for b in bad:
        report.line("  " + b)


def check_step(report, chain, cfg, x, y, number, before, after):
    """Replays step `number` from state `before`; returns the reference Step."""
    step = mu8_step.Step(chain, cfg, before.params, x, y)
    grads = step.backward()
    used = {}
    for n in chain.param_names:
        r, codes = cmp.compare_gradient(n, before.grads[n], grads[n])
        report.result(r, "  (range 2^%d)" % grads[n].stored.exponent)
        used[n] = mu8.decode(codes, grads[n].stored.exponent)
    params, momentum, ranges = step.update(used, before.momentum, before.ranges, number)
    streams = 2 * len(chain.param_names)
    for i, n in enumerate(chain.param_names):
        p_new, m_new = step.updated[n]
        for kind, got, want, value, e, stream in (
                ("weight", after.params[n], params[n], p_new, step.params[n].exponent, 2 * i),
                ("momentum", after.momentum[n], momentum[n], m_new, ranges[n], 2 * i + 1)):
            r = cmp.compare_codes(kind, n, got, want)
            if not r.ok and got.shape == want.shape:
                why = cmp.explain_draws(got, value, e, number, stream, streams)
                if why:
                    r.note(why)
            report.result(r, "  (%d decided by a draw, seed %d)"
                          % (cmp.decided_by_draw(value, e), mu8_step.seed_of(number, stream)))
    report.result(cmp.compare_codes("ranges", "momentum", [after.ranges[n] for n in ranges],
                                    list(ranges.values())),
                  "  (%s)" % " ".join("%d" % ranges[n] for n in ranges))
    check_stats(report, step, after.stats)
    return step


def check_stats(report, step, stats):
    expected = {0: step.loss, 1: step.correct, 2: set(step.ce), 3: step.penalty}
    expected.update(step.counters.entries())
    if stats is None or stats.shape != (len(STAT_NAMES),):
        report.failed += 1
        report.line("  stats: missing or of shape %s: FAIL"
                    % (None if stats is None else stats.shape))
        return
    bad = 0
    for i, name in enumerate(STAT_NAMES):
        got = np.float32(stats[i])
        want = expected[i]
        if isinstance(want, set):
            ok = got in want
            shown = ("%.9g" % sorted(want)[0] if len(want) == 1 else
                     "one of %d float32 values in [%.9g, %.9g]" % (len(want), min(want),
                                                                   max(want)))
        else:
            ok = got == np.float32(want)
            shown = "%d" % want
        bad += not ok
        why = None if ok else cmp.explain_stat(i, float(got), {
            k: v for k, v in expected.items() if not isinstance(v, set)})
        if not ok or report.verbose:
            report.line("  stats[%2d] %-17s trainer %-14.9g reference %s  %s%s"
                        % (i, name, got, shown, "ok" if ok else "FAIL",
                           "" if not why else " (" + why + ")"))
    report.failed += bad
    report.compared["stats"] = report.compared.get("stats", 0) + len(STAT_NAMES)
    report.line("  stats: %d of %d entries match (loss %.9g, ce %.9g, barrier %.9g, correct "
                "%d, saturated activations %d, int32 overflows %d of %d, zero activations %d "
                "of %d)" % (len(STAT_NAMES) - bad, len(STAT_NAMES), stats[0], stats[2],
                            stats[3], stats[1], stats[5], stats[8], stats[13], stats[14],
                            stats[10]))


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[1].strip(),
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="\n".join(__doc__.splitlines()[2:]))
    p.add_argument("--model", required=True, choices=["mlp", "cnn"])
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--seed", type=int, default=0, help="seed of x and y (default 0)")
    p.add_argument("--model-seed", type=int, default=0, help="seed of the zoo weights")
    p.add_argument("--step", type=int, default=6, help="number of the first step (default 6)")
    p.add_argument("--steps", type=int, default=2, help="steps to check (default 2)")
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--compiler", default=os.path.join(SRC_ROOT, "build", "bin", "logbtq-compile"))
    p.add_argument("--workdir", default=None)
    p.add_argument("--reuse", action="store_true",
                   help="check the trainer's dump already in --workdir (no compile, no run)")
    p.add_argument("--timeout", type=int, default=900)
    p.add_argument("-v", "--verbose", action="store_true")
    return p.parse_args(argv)


def check(a, log):
    def log_line(text):
        log.append(text.rstrip("\n"))

    workdir = os.path.abspath(a.workdir) if a.workdir else None
    if workdir is None:
        import tempfile
        workdir = tempfile.mkdtemp(prefix="mu8_stepcheck.")
    os.makedirs(workdir, exist_ok=True)
    model = models.build(a.model, seed=a.model_seed)
    model_path = os.path.join(workdir, a.model + ".onnx")
    onnx.save(model, model_path)
    chain = mu8_chain.Chain(model)
    cfg = mu8_step.Config(lr=a.lr)

    trainer = os.path.join(workdir, "trainer")
    dump = os.path.join(workdir, "dump")
    x_path, y_path = os.path.join(workdir, "x.npy"), os.path.join(workdir, "y.npy")
    rng = np.random.default_rng(a.seed)
    x = rng.random((a.batch, 1, 28, 28), dtype=np.float32)
    y = rng.integers(0, models.NUM_CLASSES, size=a.batch, dtype=np.int64)
    if a.reuse:
        if not (np.array_equal(np.load(x_path), x) and np.array_equal(np.load(y_path), y)):
            raise HarnessError("--reuse: %s holds another batch (other --seed or --batch?)"
                               % workdir)
    else:
        run_tool([find_tool(a.compiler), model_path, "-o", trainer, "--batch",
                  str(a.batch)], "logbtq-compile", a.timeout, log_line)
        info = run_tool([trainer, "--model-info"], "trainer --model-info", 60,
                        log_line).stdout.decode(errors="replace")
        expected = "barrier: lambda %g, bound %g, t0 %g," % (cfg.lam, cfg.bound, cfg.t)
        if expected not in info:
            raise HarnessError("the trainer's defaults are not the reference's (%s):\n%s"
                               % (expected, info))
        np.save(x_path, x)
        np.save(y_path, y)
        shutil.rmtree(dump, ignore_errors=True)
        run_tool([trainer, "--step-inputs", x_path, y_path, "--dump", dump, "--lr",
                  repr(a.lr), "--dump-step", str(a.step), "--dump-steps", str(a.steps)],
                 "the trainer's step dump", a.timeout, log_line)
    states = [State(os.path.join(dump, "state.%d" % i), chain) for i in range(a.steps + 1)]

    report = Report(a.verbose)
    report.line("mu8 stepcheck %s: batch %d, seed %d, steps %d to %d, lr %g (default build: "
                "mu8, barrier on)" % (a.model, a.batch, a.seed, a.step, a.step + a.steps - 1,
                                      a.lr))
    check_initial(report, chain, cfg, states[0])
    for i in range(a.steps):
        report.line("step %d:" % (a.step + i))
        step = check_step(report, chain, cfg, x, y, a.step + i, states[i], states[i + 1])
        if i == 0:
            check_dump_files(report, chain, dump, states, step)
    counts = ", ".join("%d %s" % (n, k) for k, n in report.compared.items())
    summary = "%s; %d open codes, %d of them the other code" % (
        counts, report.open, report.open_other)
    if report.failed:
        report.line("mu8 stepcheck: FAIL: %d comparisons differ (%s)" % (report.failed, summary))
        return 1
    report.line("mu8 stepcheck: PASS: %s" % summary)
    return 0


def main(argv=None):
    a = parse_args(argv)
    log = []
    try:
        status = check(a, log)
    except (HarnessError, mu8_chain.UnsupportedModel) as e:
        print("mu8 stepcheck: error: %s" % e, file=sys.stderr)
        status = 2
    except Ambiguous as e:
        print("mu8 stepcheck: FAIL: the reference cannot decide: %s" % e)
        status = 1
    if a.workdir:
        with open(os.path.join(a.workdir, "mu8_stepcheck.log"), "w") as f:
            f.write("\n".join(log) + "\n")
    if a.verbose:
        sys.stderr.write("\n".join(log) + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
