"""The torch reference's list of ops without a barrier term is the dialect's.

-logbtq-insert-barriers skips the ops that carry the RepeatsInputValues trait
(LogBTQTraits.td); the reference (torch_reference.NO_TERM_OPS) must skip the
same ops, or the gradient checks compare different losses. The trait lists
are read from the ODS files, so a new op gets its trait in one place and this
test says where else to look.
"""
import os
import re

from logbtq.torch_reference import NO_TERM_OPS

IR = os.path.join(os.path.dirname(__file__), "..", "..", "include", "logbtq",
                  "Dialect", "LogBTQ", "IR")
DEF = re.compile(r'^def \w+\s*:\s*\w+<"(\w+)"(.*?)>\s*\{', re.M | re.S)


def ops_with_trait(trait):
    ops = set()
    for name in os.listdir(IR):
        if name.endswith(".td"):
            with open(os.path.join(IR, name)) as f:
                for mnemonic, rest in DEF.findall(f.read()):
                    if trait in rest:
                        ops.add(mnemonic)
    return ops


def test_no_term_ops_are_the_repeating_ops():
    assert set(NO_TERM_OPS) == ops_with_trait("LogBTQ_RepeatsInputValues")


def test_the_parser_sees_the_traits():
    # Guards the regular expression: an op known to select its input.
    assert "relu" in ops_with_trait("LogBTQ_SelectsInputValues")
    assert "relu" not in ops_with_trait("LogBTQ_RepeatsInputValues")
