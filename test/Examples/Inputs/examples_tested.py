"""Fails unless every examples/*.mlir and every examples/ directory is named
by a test in test/Examples.

    examples_tested.py SRC_ROOT
"""
import os
import sys

root = sys.argv[1]
top = os.path.join(root, "examples")
examples = sorted(f for f in os.listdir(top)
                  if f.endswith(".mlir") or os.path.isdir(os.path.join(top, f)))
tests_dir = os.path.join(root, "test", "Examples")
texts = []
for f in sorted(os.listdir(tests_dir)):
    if f.endswith((".mlir", ".test")):
        with open(os.path.join(tests_dir, f)) as t:
            texts.append(t.read())
untested = [e for e in examples if not any("examples/" + e in t for t in texts)]
for e in untested:
    print("examples/%s: no test in test/Examples runs it" % e)
print("examples: %d, untested: %d" % (len(examples), len(untested)))
sys.exit(1 if untested or not examples else 0)
