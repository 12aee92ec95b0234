"""Runs ONNX's backend node tests through logbtq and tables the results.

    /usr/bin/python3 python/tools/onnx_conformance.py --bin build/bin \
        [--data /usr/share/libonnx-testdata/data] [--kinds node,simple] \
        [--markdown docs/ONNX-conformance.md] [--json results.json] \
        [--expect test/Conformance/passing.txt] [--filter REGEX] [-j 2]

Each test directory holds `model.onnx` and `test_data_set_*/` with
`input_*.pb` and the expected `output_*.pb` (ONNX TensorProto files). A test:

- is *unsupported* when logbtq-run's importer refuses the model (exit
  status 3: an op, an attribute, a type or an opset it does not import);
  the first line of the importer's message is the reason;
- *passes* when `logbtq-run` (f32) computes every output of every data set
  within ONNX's backend-test tolerance, |got - want| <= atol + rtol |want|
  with rtol = 1e-3, atol = 1e-7 (the defaults of onnx.backend.test);
- *fails* otherwise: logbtq-run reports an error, or an output differs.

With --expect FILE (one passing test per line, as `kind/test`), the run exits 1 when
the set of passing tests differs from FILE's, naming the differences: a
regression, or a list left behind by a new op.
"""
import argparse
import collections
import concurrent.futures
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

PASSING_HEADER = """\
# The ONNX backend tests logbtq passes, as kind/test: the conformance test
# (test/Conformance/onnx-backend.test) fails when the set differs. Written by
#   python/tools/onnx_conformance.py --bin build/bin \\
#     --kinds node,pytorch-converted,pytorch-operator,simple \\
#     --markdown docs/ONNX-conformance.md --write-passing test/Conformance/passing.txt
"""

RTOL = 1e-3
ATOL = 1e-7
TIMEOUT = 120


def first_error(text, model_dir):
    """The first `error:` line of a tool's output, without the paths."""
    for line in text.splitlines():
        if "error:" in line:
            line = line.split("error:", 1)[1].strip()
            # The importer's list of the ops it supports is the table itself.
            line = line.split("; supported: ")[0]
            return line.replace(model_dir + "/", "").replace(model_dir, "")
    lines = [l for l in text.splitlines() if l.strip()]
    return lines[-1].strip() if lines else "no output"


def test_ops(model):
    """The op types of the model's graph, in order, without repeats."""
    seen = []
    for node in model.graph.node:
        if node.op_type not in seen:
            seen.append(node.op_type)
    return seen or ["(no node)"]


def compare(got, want):
    """None when `got` matches `want` within tolerance, else why not."""
    if got.shape != want.shape:
        return f"shape {list(got.shape)}, expected {list(want.shape)}"
    want = want.astype(np.float64)
    got = got.astype(np.float64)
    bad = ~(np.abs(got - want) <= ATOL + RTOL * np.abs(want))
    # NaN where NaN is expected is a match.
    bad &= ~(np.isnan(got) & np.isnan(want))
    if not bad.any():
        return None
    i = int(np.flatnonzero(bad)[0])
    return (f"{int(bad.sum())} of {bad.size} values differ "
            f"(first at {i}: {got.flat[i]:.6g}, expected {want.flat[i]:.6g})")


def run_test(bin_dir, model_dir):
    name = os.path.basename(model_dir.rstrip("/"))
    result = {"test": name, "ops": ["?"]}
    model = os.path.join(model_dir, "model.onnx")
    # Sequence and optional inputs come as other protos than TensorProto.
    try:
        proto = onnx.load(model, load_external_data=False)
        result["ops"] = test_ops(proto)
        for i in proto.graph.input:
            kind = i.type.WhichOneof("value")
            if kind != "tensor_type":
                result.update(status="unsupported",
                              reason=f"graph input '{i.name}' is a {kind}, not a tensor")
                return result
    except Exception as e:
        result.update(status="unsupported", reason=f"python onnx cannot read the model: {e}")
        return result
    sets = sorted(glob.glob(os.path.join(model_dir, "test_data_set_*")))
    if not sets:
        result.update(status="unsupported", reason="no test data set")
        return result
    for data in sets:
        inputs = sorted(glob.glob(os.path.join(data, "input_*.pb")),
                        key=lambda p: int(re.findall(r"\d+", os.path.basename(p))[0]))
        expected = sorted(glob.glob(os.path.join(data, "output_*.pb")),
                          key=lambda p: int(re.findall(r"\d+", os.path.basename(p))[0]))
        with tempfile.TemporaryDirectory() as out:
            cmd = [os.path.join(bin_dir, "logbtq-run"), model, "--outputs", out]
            if inputs:
                cmd += ["--inputs"] + inputs
            try:
                run = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                result.update(status="fail", reason=f"logbtq-run timed out after {TIMEOUT} s")
                return result
            if run.returncode == 3:
                result.update(status="unsupported", reason=first_error(run.stderr, model_dir))
                return result
            if run.returncode != 0:
                reason = first_error(run.stderr, model_dir)
                if run.returncode < 0:
                    reason = f"logbtq-run died of signal {-run.returncode}: " + reason
                result.update(status="fail", reason=reason)
                return result
            for i, want_path in enumerate(expected):
                got_path = os.path.join(out, f"output_{i}.pb")
                if not os.path.exists(got_path):
                    result.update(status="fail", reason=f"no output {i}")
                    return result
                want = numpy_helper.to_array(onnx.load_tensor(want_path))
                got = numpy_helper.to_array(onnx.load_tensor(got_path))
                why = compare(got, want)
                if why:
                    result.update(status="fail", reason=f"output {i}: {why}")
                    return result
    result.update(status="pass", reason="")
    return result


def primary_op(result, by_name):
    """The op a test is about: a single-node test's op; an `_expanded` test
    (the op's function body as nodes) counts for the op it expands."""
    name = result["test"]
    if name.endswith("_expanded") and name[: -len("_expanded")] in by_name:
        return by_name[name[: -len("_expanded")]]["ops"][0]
    return result["ops"][0] if len(result["ops"]) == 1 else "(several ops)"


def cell(text, limit):
    text = text.replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def summary(results):
    c = collections.Counter(r["status"] for r in results)
    return (f"**{c['pass']} of {len(results)} pass**, {c['fail']} fail, "
            f"{c['unsupported']} are unsupported")


def node_table(results):
    """Per op: tests passed, failed, unsupported, and the first reason."""
    by_name = {r["test"]: r for r in results}
    per_op = collections.defaultdict(list)
    for r in results:
        per_op[primary_op(r, by_name)].append(r)
    lines = ["| op | pass | fail | unsupported | why not (first reason) |",
             "|---|---|---|---|---|"]
    for op in sorted(per_op, key=str.lower):
        rs = per_op[op]
        c = collections.Counter(r["status"] for r in rs)
        why = next((r["reason"] for r in rs if r["status"] == "fail"),
                   next((r["reason"] for r in rs if r["status"] == "unsupported"), ""))
        lines.append(f"| {op} | {c['pass']} | {c['fail']} | {c['unsupported']} | {cell(why, 160)} |")
    return lines


def test_table(results):
    lines = ["| test | status | reason |", "|---|---|---|"]
    for r in sorted(results, key=lambda r: r["test"]):
        lines.append(f"| {r['test']} | {r['status']} | {cell(r['reason'], 200)} |")
    return lines


def markdown(by_kind):
    lines = [
        "# ONNX conformance",
        "",
        "<!-- Generated by python/tools/onnx_conformance.py --markdown; the",
        "     test test/Conformance/onnx-backend.test fails when it is not",
        "     current. -->",
        "",
        "logbtq against ONNX's backend test data (Debian's `libonnx-testdata`,",
        "ONNX 1.12): each test is a small model with inputs and expected",
        "outputs. `logbtq-run` imports the model (models older than opset 11",
        "through ONNX's version converter), compiles its forward pass in",
        "float32 and runs it; an output matches when",
        f"|got - want| <= {ATOL:g} + {RTOL:g} |want|, the tolerance of ONNX's",
        "own backend tests.",
        "",
        "- **pass**: every output of every data set matches;",
        "- **fail**: imported, but an output differs or the run fails;",
        "- **unsupported**: the importer refuses the model; the reason is the",
        "  first line of its message.",
        "",
    ]
    for kind, results in by_kind.items():
        lines.append(f"- `{kind}`: {summary(results)}.")
    for kind, results in by_kind.items():
        lines += ["", f"## `{kind}`", ""]
        if kind == "node":
            lines += ["One test per op and attribute case. Tests named `_expanded` run the",
                      "op's ONNX function body (several simpler ops) and count for the op",
                      "they expand.", ""]
            lines += node_table(results)
            lines += ["", "### Every node test", ""]
        lines += test_table(results)
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", required=True, help="directory of logbtq-run")
    ap.add_argument("--data", default="/usr/share/libonnx-testdata/data")
    ap.add_argument("--kinds", default="node",
                    help="comma-separated: node, pytorch-converted, pytorch-operator, simple")
    ap.add_argument("--filter", default="", help="only tests whose name matches this regex")
    ap.add_argument("--markdown", help="write the conformance table here")
    ap.add_argument("--json", help="write every result here")
    ap.add_argument("--expect", help="file of the tests expected to pass")
    ap.add_argument("--write-passing", help="write the passing tests here (an --expect file)")
    ap.add_argument("-j", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()

    by_kind = {}
    with concurrent.futures.ThreadPoolExecutor(args.j) as pool:
        for kind in args.kinds.split(","):
            root = os.path.join(args.data, kind)
            dirs = sorted(d for d in glob.glob(os.path.join(root, "*"))
                          if os.path.exists(os.path.join(d, "model.onnx"))
                          and re.search(args.filter, os.path.basename(d)))
            if not dirs:
                print(f"onnx_conformance: no tests under {root}", file=sys.stderr)
                return 2
            by_kind[kind] = list(pool.map(lambda d: run_test(args.bin, d), dirs))

    for kind, results in by_kind.items():
        counts = collections.Counter(r["status"] for r in results)
        print(f"{kind}: {counts['pass']} pass, {counts['fail']} fail, "
              f"{counts['unsupported']} unsupported, of {len(results)}")
        for r in results:
            if r["status"] == "fail":
                print(f"  FAIL {kind}/{r['test']}: {r['reason']}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(by_kind, f, indent=1)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(markdown(by_kind))
    passing = [f"{kind}/{r['test']}" for kind, results in by_kind.items()
               for r in results if r["status"] == "pass"]
    if args.write_passing:
        with open(args.write_passing, "w") as f:
            f.write(PASSING_HEADER + "".join(t + "\n" for t in passing))
    if args.expect:
        with open(args.expect) as f:
            want = {l.strip() for l in f if l.strip() and not l.startswith("#")}
        got = set(passing)
        lost, new = sorted(want - got), sorted(got - want)
        for t in lost:
            print(f"onnx_conformance: {t} is expected to pass and does not", file=sys.stderr)
        for t in new:
            print(f"onnx_conformance: {t} passes and is not in {args.expect}", file=sys.stderr)
        if lost or new:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
