#!/usr/bin/env python3
"""Checks one compiled training step against the PyTorch reference.

    gradcheck.py --model mlp|cnn|resnet-tiny|FILE.onnx [--batch B] [--seed S]
                 [--barrier-lambda L --barrier-bound b --barrier-output-bound o
                  --barrier-targets weights,activations,inputs --barrier-t0 T]
                 [--optimizer sgd|adam|adamw --momentum m --beta1 b1 --beta2 b2 --eps e
                  --weight-decay w --clip-grad-norm C --lr X --frozen a,b]
                 [--compiler build/bin/logbtq-compile] [--workdir DIR]

1. compiles the model with logbtq-compile into a trainer;
2. draws x (float32 uniform in [0, 1), the model's input shape) and y (int64
   labels in [0, classes)) from np.random.default_rng(seed), x first;
3. runs the trainer's step dump (docs/Runtime.md): DIR/loss.npy, grad.<name>.npy
   for every trainable parameter and param.<name>.npy after one SGD step (with
   --clip-grad-norm, the reference clips the gradients with PyTorch's
   torch.nn.utils.clip_grad_norm_ before its step; with --optimizer adam or
   adamw the step is torch.optim.Adam's or AdamW's first);
4. computes the same with logbtq.torch_reference (float64 autograd) and compares
   the loss, every gradient, every updated parameter and every parameter's update
   (param after - param before): relative error max|a - b| / max(max|b|, 1e-12)
   must be <= --rtol (1e-4) per tensor (for the update, after allowing half an
   ulp of the stored float32 result per element);
5. unless --no-term-check, imports the model with logbtq-translate, runs
   -logbtq-insert-barriers with logbtq-opt (both next to the compiler) and checks
   that the barrier terms (shape and bound, in order) are those of the reference.

Prints a table and "gradcheck: PASS" or "gradcheck: FAIL"; the exit status is 0
only on PASS (1 on a mismatch, 2 on a usage, compile or run error).
"""
import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections import OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
SRC_ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(SRC_ROOT, "python"))

import numpy as np  # noqa: E402
import onnx  # noqa: E402

from logbtq import models, torch_reference as tr  # noqa: E402
from logbtq.harness import HarnessError, run as run_tool  # noqa: E402

FLOOR = 1e-12


def rel_err(a, b):
    """max|a - b| / max(max|b|, 1e-12); inf on shape mismatch, NaN or inf in a."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return float("inf"), float("nan")
    if a.size == 0:
        return 0.0, 0.0
    if not np.all(np.isfinite(a)):
        return float("inf"), float(np.max(np.abs(b)))
    scale = float(np.max(np.abs(b)))
    return float(np.max(np.abs(a - b))) / max(scale, FLOOR), scale


def update_err(before, after, ref_after):
    """Relative error of the update after - before against ref_after - before, each
    element first allowed half an ulp of the float32 it was stored in."""
    before = np.asarray(before, dtype=np.float64)
    after32 = np.asarray(after, dtype=np.float32)
    after = after32.astype(np.float64)
    ref_after = np.asarray(ref_after, dtype=np.float64)
    if after.shape != ref_after.shape:
        return float("inf"), float("nan")
    if after.size == 0:
        return 0.0, 0.0
    if not np.all(np.isfinite(after)):
        return float("inf"), float(np.max(np.abs(ref_after - before)))
    delta = after - before
    ref_delta = ref_after - before
    half_ulp = np.spacing(np.abs(after32)).astype(np.float64) / 2
    excess = np.maximum(np.abs(delta - ref_delta) - half_ulp, 0.0)
    scale = float(np.max(np.abs(ref_delta)))
    return float(np.max(excess)) / max(scale, FLOOR), scale


def find_tool(spec, name):
    """A tool given as a path or a name on PATH."""
    if os.sep in spec or os.path.exists(spec):
        path = os.path.abspath(spec)
        if not os.path.isfile(path):
            raise HarnessError("%s not found at %s" % (name, path))
        return path
    path = shutil.which(spec)
    if not path:
        raise HarnessError("%s '%s' is not on PATH" % (name, spec))
    return os.path.abspath(path)


# ----------------------------------------------------------------------------
# The barrier terms the compiler inserts
# ----------------------------------------------------------------------------

BARRIER_RE = re.compile(
    r"logbtq\.barrier\s+%[\w#]+\s*,\s*%[\w#]+\s*(\{[^}]*\})?\s*:\s*tensor<([^>]*)>")
BOUND_RE = re.compile(r"bound\s*=\s*([-+0-9.eE]+)")


def compiler_terms(tools_dir, model_path, a, log):
    """[(shape, bound)] of the logbtq.barrier ops -logbtq-insert-barriers adds."""
    translate = os.path.join(tools_dir, "logbtq-translate")
    opt = os.path.join(tools_dir, "logbtq-opt")
    if not (os.path.isfile(translate) and os.path.isfile(opt)):
        return None
    imp = [translate, "--import-onnx", model_path, "--batch", str(a.batch)]
    if a.frozen:
        imp.append("--frozen=" + ",".join(a.frozen))
    try:
        mlir = run_tool(imp, "logbtq-translate --import-onnx", 300, log.write).stdout
    except HarnessError as e:
        # logbtq-compile imported the model: this logbtq-translate is stale.
        return "logbtq-translate failed (%s)" % str(e).splitlines()[-1].strip()
    opts = ["barrier-lambda=%r" % a.barrier_lambda,
            "barrier-bound=%r" % a.barrier_bound,
            "barrier-output-bound=%r" % a.barrier_output_bound]
    if a.barrier_targets:
        opts.append("barrier-targets=" + ",".join(a.barrier_targets))
    cmd = [opt, "-logbtq-insert-barriers=" + " ".join(opts)]
    log.write("$ " + " ".join(shlex.quote(c) for c in cmd) + " < (imported)\n")
    try:
        proc = subprocess.run(cmd, input=mlir, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=300)
    except OSError as e:
        return "logbtq-opt could not run (%s)" % e
    if proc.returncode != 0:
        raise HarnessError("logbtq-opt -logbtq-insert-barriers failed:\n  "
                           + proc.stderr.decode(errors="replace").strip())
    terms = []
    for line in proc.stdout.decode(errors="replace").splitlines():
        m = BARRIER_RE.search(line)
        if not m:
            continue
        attrs, ty = m.group(1), m.group(2)
        dims = ty.split("x")[:-1]
        bound = 1.0
        if attrs:
            b = BOUND_RE.search(attrs)
            if b:
                bound = float(b.group(1))
        terms.append((tuple(int(d) for d in dims), float(np.float32(bound))))
    return terms


# ----------------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------------

def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[1].strip(),
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="\n".join(__doc__.splitlines()[2:]))
    p.add_argument("--model", required=True,
                   help="a zoo model (%s) or an .onnx file" % ", ".join(models.MODELS))
    p.add_argument("--batch", type=int, default=4,
                   help="binds a symbolic batch dimension (default 4)")
    p.add_argument("--seed", type=int, default=0, help="seed of x and y (default 0)")
    p.add_argument("--model-seed", type=int, default=0, help="seed of a zoo model's weights")
    p.add_argument("--opset", type=int, default=models.DEFAULT_OPSET, help="zoo model opset")
    p.add_argument("--barrier-lambda", type=float, default=0.3)
    p.add_argument("--barrier-bound", type=float, default=1.0)
    p.add_argument("--barrier-output-bound", type=float, default=16.0)
    p.add_argument("--barrier-targets", default="",
                   help="comma-separated subset of weights,activations,inputs (default all)")
    p.add_argument("--barrier-t0", type=float, default=5.0, help="t of the step (default 5)")
    p.add_argument("--optimizer", choices=["sgd", "adam", "adamw"], default="sgd")
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--beta1", type=float, default=0.9)
    p.add_argument("--beta2", type=float, default=0.999)
    p.add_argument("--eps", type=float, default=1e-8)
    p.add_argument("--weight-decay", type=float, default=0.0)
    p.add_argument("--weight-decay-all", action="store_true",
                   help="decay every parameter, not only the weights (rank >= 2)")
    p.add_argument("--clip-grad-norm", type=float, default=0.0,
                   help="compile with gradient clipping at this global norm")
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--frozen", default="", help="comma-separated parameters not to train")
    p.add_argument("--freeze-batch-norm-stats", action="store_true",
                   help="batch norms normalize with their stored statistics while training")
    p.add_argument("--rtol", type=float, default=1e-4)
    p.add_argument("--compiler", default=os.path.join(SRC_ROOT, "build", "bin", "logbtq-compile"))
    p.add_argument("--compiler-arg", action="append", default=[],
                   help="an extra argument for logbtq-compile (repeatable)")
    p.add_argument("--workdir", default=None,
                   help="where the model, trainer, inputs and dump go (default: a temp dir)")
    p.add_argument("--no-term-check", action="store_true",
                   help="skip comparing the barrier terms with logbtq-opt's")
    p.add_argument("--timeout", type=int, default=900, help="seconds per compile or run")
    p.add_argument("-v", "--verbose", action="store_true", help="print the commands' log")
    a = p.parse_args(argv)
    a.barrier_targets = [t for t in a.barrier_targets.split(",") if t]
    a.frozen = [f for f in a.frozen.split(",") if f]
    return a


def check(a, log):
    workdir = os.path.abspath(a.workdir) if a.workdir else None
    if workdir is None:
        import tempfile
        workdir = tempfile.mkdtemp(prefix="gradcheck.")
    os.makedirs(workdir, exist_ok=True)

    # The model.
    if a.model in models.MODELS:
        model = models.build(a.model, opset=a.opset, seed=a.model_seed)
        model_path = os.path.join(workdir, a.model + ".onnx")
        onnx.save(model, model_path)
        label = a.model
    else:
        if not os.path.isfile(a.model):
            raise HarnessError("--model %s is neither a zoo model (%s) nor a file"
                               % (a.model, ", ".join(models.MODELS)))
        model_path = os.path.abspath(a.model)
        if not model_path.endswith(".onnx"):
            raise HarnessError("the model file must end in .onnx")
        model = onnx.load(model_path)
        label = os.path.basename(model_path)

    ref = tr.Reference(model, batch=a.batch, frozen=a.frozen,
                       freeze_batch_norm_stats=a.freeze_batch_norm_stats)
    rng = np.random.default_rng(a.seed)
    x = rng.random(ref.input_shape, dtype=np.float32)
    # The number of classes: the reference's logits on x.
    probe = tr.loss_and_grads(ref, x, np.zeros(ref.batch, np.int64), 0.0, 1.0, 16.0, 1.0)
    classes = probe["logits"].shape[1]
    y = rng.integers(0, classes, size=ref.batch, dtype=np.int64)
    x_path, y_path = os.path.join(workdir, "x.npy"), os.path.join(workdir, "y.npy")
    np.save(x_path, x)
    np.save(y_path, y)

    # The compiled step.
    compiler = find_tool(a.compiler, "logbtq-compile")
    trainer = os.path.join(workdir, "trainer")
    # The float32 program: the reference is float32 autograd.
    cmd = [compiler, model_path, "-o", trainer, "--quant", "f32", "--batch", str(a.batch),
           "--barrier-lambda", repr(a.barrier_lambda), "--barrier-bound", repr(a.barrier_bound),
           "--barrier-output-bound", repr(a.barrier_output_bound),
           "--barrier-t0", repr(a.barrier_t0),
           "--weight-decay", repr(a.weight_decay), "--optimizer", a.optimizer]
    if a.optimizer == "sgd":
        cmd += ["--momentum", repr(a.momentum)]
    else:
        cmd += ["--beta1", repr(a.beta1), "--beta2", repr(a.beta2), "--eps", repr(a.eps)]
    if a.barrier_targets:
        cmd.append("--barrier-targets=" + ",".join(a.barrier_targets))
    if a.frozen:
        cmd.append("--frozen=" + ",".join(a.frozen))
    if a.clip_grad_norm:
        cmd += ["--clip-grad-norm", repr(a.clip_grad_norm)]
    if a.weight_decay_all:
        cmd.append("--weight-decay-all")
    if a.freeze_batch_norm_stats:
        cmd.append("--freeze-batch-norm-stats")
    cmd += a.compiler_arg
    run_tool(cmd, "logbtq-compile", a.timeout, log.write)
    dump = os.path.join(workdir, "dump")
    if os.path.isdir(dump):
        shutil.rmtree(dump)
    run_tool([trainer, "--step-inputs", x_path, y_path, "--dump", dump, "--lr",
              repr(a.lr), "--barrier-t0", repr(a.barrier_t0)],
             "the trainer's step dump", a.timeout, log.write)

    # The reference.
    r = tr.loss_and_grads(ref, x, y, a.barrier_lambda, a.barrier_bound,
                          a.barrier_output_bound, a.barrier_t0, a.barrier_targets)
    step_grads, clip_note = r["grads"], ""
    if a.optimizer != "sgd":
        # Adam divides by |g|: where |g| is near eps, float32's rounding of the
        # gradient moves the step by a whole lr. The update is checked from the
        # gradients the trainer dumped (themselves checked against the
        # reference above), so that it tests the optimizer alone.
        step_grads = OrderedDict(step_grads)
        for name in step_grads:
            path = os.path.join(dump, "grad.%s.npy" % tr.sanitize(name))
            if os.path.isfile(path):
                step_grads[name] = np.load(path).astype(np.float64)
    if a.clip_grad_norm:
        step_grads, total, coefficient = tr.clip_grad_norm(step_grads, a.clip_grad_norm,
                                                           frozen=ref.frozen)
        clip_note = "clip: total norm %.6g, max norm %g, coefficient %.6g\n" % (
            total, a.clip_grad_norm, coefficient)
    if a.optimizer == "sgd":
        new_params, _ = tr.sgd_step(ref.initial, step_grads, a.lr, a.momentum,
                                    a.weight_decay, frozen=ref.frozen,
                                    decay_all=a.weight_decay_all)
    else:
        new_params = tr.adam_step(ref.initial, step_grads, a.lr, a.beta1, a.beta2, a.eps,
                                  a.weight_decay, decoupled=a.optimizer == "adamw",
                                  frozen=ref.frozen, decay_all=a.weight_decay_all)

    # The batch norms' running statistics move with the step.
    new_params.update(r["statistics"])

    rows = []  # (kind, name, shape, scale, err, ok, note)

    def add(kind, name, shape, err, scale, note=""):
        rows.append((kind, name, shape, scale, err, err <= a.rtol, note))

    def load(path):
        if not os.path.isfile(path):
            return None
        return np.load(path)

    def compare(a, b):
        """(err, scale, note): a shape mismatch fails, its note says whether the
        values would match once reshaped."""
        b = np.asarray(b)
        if a.shape == b.shape:
            return rel_err(a, b) + ("",)
        note = "trainer shape %s, expected %s" % (list(a.shape), list(b.shape))
        if a.size == b.size:
            err, scale = rel_err(a.reshape(b.shape), b)
            note += "; values reshaped: rel err %.3e" % err
            return float("inf"), scale, note
        return float("inf"), float(np.max(np.abs(b))) if b.size else 0.0, note

    loss = load(os.path.join(dump, "loss.npy"))
    if loss is None:
        add("loss", "loss", (), float("inf"), abs(r["loss"]), "loss.npy missing")
    else:
        add("loss", "loss", (), *compare(loss, np.float64(r["loss"])))
    names = {tr.sanitize(n): n for n in ref.param_names}
    if len(names) != len(ref.param_names):
        raise HarnessError("parameter names collide once sanitized")
    for name in ref.param_names:
        s = tr.sanitize(name)
        shape = tuple(ref.initial[name].shape)
        if name in ref.frozen:
            continue
        g = load(os.path.join(dump, "grad.%s.npy" % s))
        if g is None:
            add("grad", name, shape, float("inf"), float("nan"), "grad.%s.npy missing" % s)
            continue
        add("grad", name, shape, *compare(g, r["grads"][name]))
    for name in ref.param_names:
        s = tr.sanitize(name)
        shape = tuple(ref.initial[name].shape)
        p = load(os.path.join(dump, "param.%s.npy" % s))
        note = "statistic" if name in r["statistics"] else \
            "frozen" if name in ref.frozen else ""
        if p is None:
            add("param", name, shape, float("inf"), float("nan"), "param.%s.npy missing" % s)
            continue
        err, scale, shape_note = compare(p, new_params[name])
        add("param", name, shape, err, scale, ", ".join(filter(None, [note, shape_note])))
        err, scale = update_err(ref.initial[name], np.reshape(p, shape) if p.size == np.prod(
            shape, dtype=int) else p, new_params[name])
        add("update", name, shape, err, scale, note)
    expected = {"loss.npy"} | {"grad.%s.npy" % tr.sanitize(n) for n in ref.trainable} \
        | {"param.%s.npy" % tr.sanitize(n) for n in ref.param_names}
    extra = sorted(set(os.listdir(dump)) - expected) if os.path.isdir(dump) else []
    for f in extra:
        add("file", f, (), float("inf"), float("nan"), "unexpected file in the dump")

    # The barrier terms.
    term_note = None
    if not a.no_term_check:
        ours = [(tuple(t[3]), float(np.float32(t[4]))) for t in r["terms"]]
        theirs = compiler_terms(os.path.dirname(compiler), model_path, a, log)
        if theirs is None:
            term_note = "terms: not checked (no logbtq-translate/logbtq-opt next to the compiler)"
        elif isinstance(theirs, str):
            term_note = "terms: not checked: " + theirs
        elif theirs == ours:
            term_note = "terms: the %d barrier terms (shape, bound) match -logbtq-insert-barriers" \
                % len(ours)
        else:
            term_note = "terms: MISMATCH: reference %d terms, -logbtq-insert-barriers %d" \
                % (len(ours), len(theirs))
            for i in range(max(len(ours), len(theirs))):
                o = ours[i] if i < len(ours) else None
                t = theirs[i] if i < len(theirs) else None
                if o != t:
                    desc = r["terms"][i][:3] if i < len(r["terms"]) else ""
                    term_note += "\n  #%d reference %s %s, compiler %s" % (i, desc, o, t)
            add("terms", "barrier terms", (), float("inf"), float("nan"), "see below")

    # The report.
    print("gradcheck %s: batch %d, seed %d, lambda %g, bound %g, output bound %g, targets %s, "
          "t %g, lr %g, %s, weight decay %g%s"
          % (label, ref.batch, a.seed, a.barrier_lambda, a.barrier_bound,
             a.barrier_output_bound, ",".join(a.barrier_targets) or "all", a.barrier_t0, a.lr,
             ("momentum %g" % a.momentum) if a.optimizer == "sgd" else
             "%s beta1 %g beta2 %g eps %g" % (a.optimizer, a.beta1, a.beta2, a.eps),
             a.weight_decay, (" (every parameter)" if a.weight_decay_all else "") +
             ((", frozen " + ",".join(sorted(ref.frozen))) if ref.frozen else "")))
    print("reference: loss %.9g = ce %.9g + penalty %.9g (%d barrier terms)"
          % (r["loss"], r["ce"], r["penalty"], len(r["terms"])))
    print(clip_note, end="")
    width = max([len(row[1]) for row in rows] + [6])
    print("%-6s  %-*s  %-16s  %-10s  %-10s  %s" % ("kind", width, "tensor", "shape", "max|ref|",
                                                  "rel err", "status"))
    failed = 0
    for kind, name, shape, scale, err, ok, note in rows:
        failed += not ok
        print("%-6s  %-*s  %-16s  %-10.3e  %-10.3e  %s%s"
              % (kind, width, name, "x".join(map(str, shape)) or "scalar", scale, err,
                 "ok" if ok else "FAIL", ("  (" + note + ")") if note else ""))
    if term_note:
        print(term_note)
    worst = max(rows, key=lambda row: row[4])
    if failed:
        print("gradcheck: FAIL: %d of %d tensors above %g (worst: %s %s, %.3e)"
              % (failed, len(rows), a.rtol, worst[0], worst[1], worst[4]))
        return 1
    print("gradcheck: PASS: %d tensors within %g (worst: %s %s, %.3e)"
          % (len(rows), a.rtol, worst[0], worst[1], worst[4]))
    return 0


def main(argv=None):
    a = parse_args(argv)

    class Log:
        def __init__(self):
            self.parts = []

        def write(self, s):
            self.parts.append(s)
            if a.verbose:
                sys.stderr.write(s)

    log = Log()
    try:
        status = check(a, log)
    except (HarnessError, tr.UnsupportedError, ValueError) as e:
        print("gradcheck: error: %s" % e, file=sys.stderr)
        status = 2
    except Exception as e:  # the reference failed on the model: a harness error too
        import traceback
        traceback.print_exc()
        print("gradcheck: error: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        status = 2
    if a.workdir:
        os.makedirs(a.workdir, exist_ok=True)
        with open(os.path.join(a.workdir, "gradcheck.log"), "w") as f:
            f.write("".join(log.parts))
    return status


if __name__ == "__main__":
    sys.exit(main())
