//===- logbtq-compile.cpp - Compile a model into a trainer ----------------===//
//
// logbtq-compile model.onnx|model.mlir -o trainer [options]: the thin main
// over the phases in logbtq/Pipelines/Driver.h.
//
//===----------------------------------------------------------------------===//

#include "logbtq/InitAll.h"
#include "logbtq/Pipelines/Driver.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/Timing.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"

namespace cl = llvm::cl;
using namespace mlir;
using namespace mlir::logbtq;

static cl::OptionCategory category("logbtq-compile options");

static cl::opt<std::string> input(cl::Positional, cl::Required,
                                  cl::desc("<model.onnx|model.mlir>"),
                                  cl::cat(category));
static cl::opt<std::string> output("o", cl::desc("Output file"),
                                   cl::value_desc("path"), cl::init("trainer"),
                                   cl::cat(category));
static cl::opt<EmitKind> emit(
    "emit", cl::desc("What to produce"), cl::init(EmitKind::Trainer),
    cl::values(
        clEnumValN(EmitKind::Forward, "forward", "the imported @forward (MLIR)"),
        clEnumValN(EmitKind::Training, "training",
                   "the training program on logbtq ops (MLIR)"),
        clEnumValN(EmitKind::LLVMDialect, "llvm-dialect",
                   "the program in the LLVM dialect (MLIR)"),
        clEnumValN(EmitKind::LLVMIR, "llvm-ir", "optimized LLVM IR"),
        clEnumValN(EmitKind::Object, "obj", "a host object file"),
        clEnumValN(EmitKind::Trainer, "exe", "a trainer executable (default)"),
        clEnumValN(EmitKind::Library, "lib",
                   "a static library with the C training API of "
                   "TrainerAPI.h, and its header (--header)")),
    cl::cat(category));
static cl::opt<std::string>
    header("header",
           cl::desc("With --emit=lib: where to write the C header (default: "
                    "model.h next to the library)"),
           cl::value_desc("path"), cl::cat(category));
static cl::opt<int64_t> batch("batch",
                              cl::desc("Batch size bound to a symbolic "
                                       "leading input dimension"),
                              cl::init(64), cl::cat(category));
static cl::list<std::string> frozen("frozen",
                                    cl::desc("Parameters not to train"),
                                    cl::CommaSeparated, cl::cat(category));
static cl::opt<std::string>
    trainFrom("train-from",
              cl::desc("Fine-tuning: train only the parameters read by this "
                       "ONNX node (by name) or later ones; freeze the rest"),
              cl::cat(category));
static cl::opt<int64_t>
    numClasses("num-classes",
               cl::desc("Fine-tuning: replace the classifier head (the Gemm "
                        "that writes the output) with a new one of N classes"),
               cl::init(0), cl::cat(category));
// The options of the training program: declared once, in Options.def.
#define LOGBTQ_OPTION(PASS, TYPE, FIELD, FLAG, DEFAULT, DESCRIPTION)          \
  static cl::opt<TYPE> FIELD(FLAG, cl::desc(DESCRIPTION), cl::init(DEFAULT),   \
                             cl::cat(category));
#define LOGBTQ_ENUM_OPTION(PASS, TYPE, FIELD, FLAG, DEFAULT, DESCRIPTION,      \
                           VALUES)                                             \
  static cl::opt<TYPE, false, ListingParser<TYPE>> FIELD(                      \
      FLAG, cl::desc(DESCRIPTION), cl::init(DEFAULT), cl::values(VALUES),      \
      cl::cat(category));
#define LOGBTQ_LIST_OPTION(PASS, TYPE, FIELD, FLAG, DESCRIPTION)               \
  static cl::list<TYPE> FIELD(FLAG, cl::desc(DESCRIPTION), cl::CommaSeparated, \
                              cl::cat(category));
#include "logbtq/Pipelines/Options.def"

static cl::opt<std::string>
    runtimeDir("runtime-dir",
               cl::desc("Directory of liblogbtq_runtime{,_main}.a and "
                        "liblogbtq_numerics.a"),
               cl::cat(category));
static cl::opt<std::string> linker("linker",
                                   cl::desc("C++ compiler used to link"),
                                   cl::init("c++"), cl::cat(category));
static cl::opt<unsigned> optLevel("O", cl::desc("LLVM optimization level"),
                                  cl::init(3), cl::Prefix, cl::cat(category));
static cl::opt<std::string> targetCPU(
    "target-cpu",
    cl::desc("The CPU the trainer runs on: native (this one, the default), "
             "generic (x86-64 without AVX), or an LLVM CPU name (x86-64-v3, "
             "znver4, ...); a trainer refuses to start on a CPU that lacks "
             "the features it was compiled for"),
    cl::init("native"), cl::cat(category));

static cl::opt<unsigned>
    jobs("j",
         cl::desc("Threads that compile the step functions side by side "
                  "(default: one per core; the trainer does not depend on it)"),
         cl::init(0), cl::Prefix, cl::cat(category));
static cl::opt<bool>
    verifyEach("verify-each",
               cl::desc("Verify the program after every lowering pass, not "
                        "only at the end (slower; for debugging the "
                        "compiler)"),
               cl::init(false), cl::cat(category));
static cl::opt<bool> timing("timing",
                            cl::desc("Print how long each phase and pass took"),
                            cl::init(false), cl::cat(category));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv,
                              "logbtq-compile: a model -> a trainer\n");

  if (batch <= 0) {
    llvm::errs() << "logbtq-compile: error: --batch must be positive\n";
    return 1;
  }

  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllToLLVMIRTranslations(registry);
  registerAllPasses();
  MLIRContext context(registry);
  // Diagnostics as `file:line:col: error: ...`, like logbtq-translate's.
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);

  CompileOptions options;
  options.input = input;
  options.output = output;
  options.emit = emit;
  options.header = header;
  options.batch = batch;
  options.frozen.assign(frozen.begin(), frozen.end());
  options.trainFrom = trainFrom;
  if (numClasses.getNumOccurrences())
    options.numClasses = numClasses;
  options.runtimeDir = runtimeDir;
  options.linker = linker;
  options.optLevel = optLevel;
  options.targetCPU = targetCPU;
  options.jobs = jobs;
  options.verifyEach = verifyEach;

  TrainingPipelineOptions pipeline;
#define LOGBTQ_OPTION(PASS, TYPE, FIELD, ...) pipeline.FIELD = FIELD;
#define LOGBTQ_ENUM_OPTION(PASS, TYPE, FIELD, ...) pipeline.FIELD = FIELD;
#define LOGBTQ_LIST_OPTION(PASS, TYPE, FIELD, ...)                             \
  pipeline.FIELD = std::vector<TYPE>(FIELD.begin(), FIELD.end());
#include "logbtq/Pipelines/Options.def"
  // --batch is the batch of a step of the whole job; each rank's steps are
  // compiled for its share.
  if (pipeline.ranks > 0) {
    if (batch % int64_t(pipeline.ranks) != 0) {
      llvm::errs() << "logbtq-compile: error: --batch " << batch
                   << " is not a multiple of --ranks " << pipeline.ranks
                   << "\n";
      return 1;
    }
    options.batch = batch / int64_t(pipeline.ranks);
  }
  options.ranks = pipeline.ranks;

  DefaultTimingManager timingManager;
  timingManager.setEnabled(timing);
  TimingScope root = timingManager.getRootScope();
  return failed(compile(context, options, pipeline, root)) ? 1 : 0;
}
