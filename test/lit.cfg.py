# -*- Python -*-
import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "LOGBTQ"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.logbtq_obj_root, "test")
# Unit/ is a nested suite of its own (GoogleTest); lit.cfg and CMake files
# are not tests.
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%logbtq_src", config.logbtq_src_root))
config.substitutions.append(("%logbtq_obj", config.logbtq_obj_root))
config.substitutions.append(("%python", config.python_executable))

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

tool_dirs = [config.logbtq_tools_dir, config.llvm_tools_dir]
tools = ["logbtq-opt", "logbtq-translate", "logbtq-compile", "logbtq-run",
         "mlir-runner"]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# The runtime libraries that mlir-runner loads for the execution tests
# (printMemrefF32, vector.print support), next to the LLVM tools.
llvm_lib_dir = os.path.join(os.path.dirname(config.llvm_tools_dir), "lib")
for name in ["mlir_runner_utils", "mlir_c_runner_utils"]:
    config.substitutions.append(
        ("%" + name, os.path.join(llvm_lib_dir, "lib" + name + ".so")))

# The Python tooling (model zoo, reference numerics) and the real data.
config.environment["PYTHONPATH"] = os.path.join(config.logbtq_src_root,
                                                "python")
config.substitutions.append(
    ("%fashion_mnist", "/usr/share/datasets/fashion-mnist"))

# LLVM's OpenMP runtime, which a C program linking a model library
# (logbtq-compile --emit=lib) links too.
config.substitutions.append(("%openmp_lib", config.openmp_library))
config.substitutions.append(("%openmp_dir",
                             os.path.dirname(config.openmp_library)))
# A sanitizer build (scripts/test.sh --sanitize): what cannot run there
# says `UNSUPPORTED: asan` (a plugin built with ASan cannot load into
# Debian's uninstrumented mlir-opt).
if "-fsanitize=address" in config.cxx_flags:
    config.available_features.add("asan")
# A 2 GB bound on what a program may allocate, for the tests of hostile
# sizes: the address space (ulimit -v), or, under AddressSanitizer, which
# reserves terabytes of shadow memory up front, its own cap on a single
# allocation (an allocation over it fails as it would past the ulimit).
if "asan" in config.available_features:
    config.substitutions.append(
        ("%limit_2gb", "export ASAN_OPTIONS=detect_leaks=0:"
         "max_allocation_size_mb=2000:allocator_may_return_null=1;"))
else:
    config.substitutions.append(("%limit_2gb", "ulimit -v 2000000;"))
# What a sanitizer build's programs link besides (empty otherwise).
config.substitutions.append(("%trainer_link_flags", config.trainer_link_flags))

# The plugin of stock mlir-opt, and that mlir-opt itself (Debian's, not a
# tool of ours).
config.substitutions.append(
    ("%logbtq_plugin", os.path.join(config.logbtq_obj_root, "lib",
                                    "LogBTQPlugin.so")))
config.substitutions.append(
    ("%stock_mlir_opt", os.path.join(config.llvm_tools_dir, "mlir-opt")))

# Tests of code for AVX-512 run where the CPU has it (the pipeline's
# x86-avx512 option makes programs that need AVX512F).
try:
    with open("/proc/cpuinfo") as cpuinfo:
        if " avx512f" in cpuinfo.read():
            config.available_features.add("avx512")
except OSError:
    pass

# OpenMPI's launcher, for the data-parallel trainers (logbtq-compile
# --ranks): more ranks than cores are fine in tests, and root (CI's
# containers) must be allowed explicitly.
import shutil
if shutil.which("mpirun") and os.path.exists(
        os.path.join(config.logbtq_obj_root, "lib", "liblogbtq_runtime_mpi.a")):
    config.available_features.add("mpi")
    mpirun = "mpirun --oversubscribe"
    if os.geteuid() == 0:
        mpirun += " --allow-run-as-root"
    config.substitutions.append(("%mpirun", mpirun))
