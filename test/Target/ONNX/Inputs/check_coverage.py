"""Checks that the importer's tests cover what they must.

    logbtq-translate --import-onnx unsupported_op.onnx 2>&1 \
        | %python check_coverage.py TEST_DIR

reads the importer's list of supported ops from its "unsupported op type"
message on stdin and fails unless
  - every supported op has an error test: a check line of errors.test with
    "(OpType):" in it, and an import test: a case of onnx_gen.py with a node
    of that op type whose output some other .test file checks;
  - every case of onnx_gen.py is used by some .test file.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx_gen  # noqa: E402


def main(argv):
    test_dir = argv[1]
    message = sys.stdin.read()
    m = re.search(r"supported: (.*)$", message, re.M)
    if not m:
        sys.stderr.write("no list of supported ops in:\n" + message)
        return 1
    ops = [op.strip() for op in m.group(1).split(",")]
    tests = {}
    for name in sorted(os.listdir(test_dir)):
        if name.endswith(".test"):
            with open(os.path.join(test_dir, name)) as f:
                tests[name] = f.read()
    used = {}
    for name, text in tests.items():
        for case in re.findall(r"onnx_gen\.py (\S+) -o", text):
            used.setdefault(case, set()).add(name)
    problems = []
    for case in onnx_gen.CASES:
        if case not in used:
            problems.append("case %s is used by no test" % case)
    errors = tests.get("errors.test", "")
    for op in ops:
        if not re.search(r"^// [A-Z0-9-]+: .*\(%s\): " % re.escape(op), errors, re.M):
            problems.append("op %s has no error test in errors.test" % op)
        imported = False
        for case, files in used.items():
            if case not in onnx_gen.CASES or onnx_gen.CASES[case][1]:
                continue
            if files == {"errors.test"}:
                continue
            if case.startswith("torch_") or case.startswith("zoo_"):
                continue  # exported graphs: checked by hand, slow to build
            model = onnx_gen.CASES[case][0]()
            if any(n.op_type == op for n in model.graph.node):
                imported = True
                break
        if not imported:
            problems.append("op %s has no import test" % op)
    for p in problems:
        sys.stderr.write("check_coverage.py: %s\n" % p)
    print("%d ops, %d cases, %d test files" % (len(ops), len(onnx_gen.CASES), len(tests)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
