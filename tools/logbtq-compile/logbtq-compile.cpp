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
        clEnumValN(EmitKind::Trainer, "exe", "a trainer executable (default)")),
    cl::cat(category));
static cl::opt<std::string>
    quant("quant", cl::desc("Number format: mu8 (8-bit training) or f32"),
          cl::init("mu8"), cl::cat(category));
static cl::opt<int> weightRange("weight-range",
                                cl::desc("MU8 range exponent of weights"),
                                cl::init(0), cl::cat(category));
static cl::opt<int>
    activationRange("activation-range",
                    cl::desc("MU8 range exponent of activations and inputs"),
                    cl::init(0), cl::cat(category));
static cl::opt<int> outputRange("output-range",
                                cl::desc("MU8 range exponent of the logits"),
                                cl::init(4), cl::cat(category));
static cl::opt<bool> dynamicRanges(
    "dynamic-ranges",
    cl::desc("MU8 activations take a per-tensor range each step"),
    cl::init(false), cl::cat(category));
static cl::opt<int64_t> batch("batch",
                              cl::desc("Batch size bound to a symbolic "
                                       "leading input dimension"),
                              cl::init(64), cl::cat(category));
static cl::list<std::string> frozen("frozen",
                                    cl::desc("Parameters not to train"),
                                    cl::CommaSeparated, cl::cat(category));
static cl::opt<double> barrierLambda("barrier-lambda",
                                     cl::desc("Barrier weight (0 disables)"),
                                     cl::init(0.3), cl::cat(category));
static cl::opt<double> barrierBound("barrier-bound",
                                    cl::desc("Barrier bound of |x|"),
                                    cl::init(1.0), cl::cat(category));
static cl::opt<double> barrierOutputBound(
    "barrier-output-bound", cl::desc("Barrier bound of the logits"),
    cl::init(16.0), cl::cat(category));
static cl::list<std::string>
    barrierTargets("barrier-targets",
                   cl::desc("weights,activations,inputs (default: all)"),
                   cl::CommaSeparated, cl::cat(category));
static cl::opt<double> barrierT0("barrier-t0", cl::desc("Initial barrier t"),
                                 cl::init(5.0), cl::cat(category));
static cl::opt<double> barrierGamma("barrier-gamma",
                                    cl::desc("Per-epoch growth of t"),
                                    cl::init(1.1), cl::cat(category));
static cl::opt<double> barrierTMax("barrier-t-max", cl::desc("Largest t"),
                                   cl::init(1000.0), cl::cat(category));
static cl::opt<double> momentum("momentum", cl::desc("SGD momentum"),
                                cl::init(0.9), cl::cat(category));
static cl::opt<double> weightDecay("weight-decay", cl::desc("L2 weight decay"),
                                   cl::init(0.0), cl::cat(category));
static cl::opt<std::string>
    runtimeDir("runtime-dir",
               cl::desc("Directory of liblogbtq_runtime{,_main}.a"),
               cl::cat(category));
static cl::opt<std::string> linker("linker",
                                   cl::desc("C++ compiler used to link"),
                                   cl::init("c++"), cl::cat(category));
static cl::opt<unsigned> optLevel("O", cl::desc("LLVM optimization level"),
                                  cl::init(3), cl::Prefix, cl::cat(category));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv,
                              "logbtq-compile: a model -> a trainer\n");

  if (batch <= 0 || barrierLambda < 0 || barrierBound <= 0 ||
      barrierT0 <= 0 || barrierGamma < 1 || barrierTMax < barrierT0 ||
      momentum < 0 || momentum >= 1 || weightDecay < 0) {
    llvm::errs() << "logbtq-compile: error: invalid option values: need "
                    "--batch > 0, --barrier-lambda >= 0, --barrier-bound > 0, "
                    "--barrier-t0 > 0, --barrier-gamma >= 1, "
                    "--barrier-t-max >= --barrier-t0, 0 <= --momentum < 1, "
                    "--weight-decay >= 0\n";
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
  options.batch = batch;
  options.frozen.assign(frozen.begin(), frozen.end());
  options.runtimeDir = runtimeDir;
  options.linker = linker;
  options.optLevel = optLevel;

  TrainingPipelineOptions pipeline;
  pipeline.barrierLambda = barrierLambda;
  pipeline.barrierBound = barrierBound;
  pipeline.barrierOutputBound = barrierOutputBound;
  pipeline.barrierTargets = std::vector<std::string>(barrierTargets.begin(),
                                                     barrierTargets.end());
  pipeline.barrierT0 = barrierT0;
  pipeline.barrierGamma = barrierGamma;
  pipeline.barrierTMax = barrierTMax;
  pipeline.momentum = momentum;
  pipeline.weightDecay = weightDecay;
  pipeline.quant = quant;
  pipeline.weightRange = weightRange;
  pipeline.activationRange = activationRange;
  pipeline.outputRange = outputRange;
  pipeline.dynamicActivations = dynamicRanges;

  return failed(compile(context, options, pipeline)) ? 1 : 0;
}
