# -*- Python -*-
# Runs the GoogleTest binaries under unittests/ as lit tests, one test each.
import os

import lit.formats

config.name = "LOGBTQ-Unit"
config.suffixes = []
config.test_exec_root = os.path.join(config.logbtq_obj_root, "unittests")
config.test_source_root = config.test_exec_root
config.test_format = lit.formats.GoogleTest(".", "Tests")
config.environment["LOGBTQ_GOLDEN_DIR"] = config.logbtq_golden_dir
