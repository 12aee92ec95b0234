//===- logbtq-run.cpp - Run an ONNX model's forward pass once -------------===//
//
// logbtq-run model.onnx --inputs in0.pb [in1.pb ...] --outputs DIR
// [--checkpoint CK] [--quant=f32|mu8]: imports the model, compiles its
// forward pass for this CPU in-process (with every tensor stored as MU8 for
// --quant=mu8) and runs it on inputs given as ONNX TensorProto files
// (with a trainer's checkpoint's parameters), writing DIR/output_0.pb... in
// the layout of ONNX's backend test data. Exit status: 0; 3 when the importer
// refuses the model or an input's element type is not read; 1 on any other
// error.
//
//===----------------------------------------------------------------------===//

#include "CheckpointParameters.h"

#include "logbtq/Dialect/LogBTQ/Transforms/Passes.h"
#include "logbtq/InitAll.h"
#include "logbtq/Pipelines/Inference.h"
#include "logbtq/Target/ONNX/ImportONNX.h"
#include "logbtq/Target/ONNX/TensorFiles.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/InterleavedRange.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

namespace cl = llvm::cl;
using namespace mlir;
using namespace mlir::logbtq;

static cl::OptionCategory category("logbtq-run options");

// The model, then any input files given after --inputs' first one.
static cl::list<std::string> positional(cl::Positional, cl::OneOrMore,
                                        cl::desc("<model.onnx> [input.pb...]"),
                                        cl::cat(category));
static cl::list<std::string>
    inputFiles("inputs",
               cl::desc("The model's inputs, in graph order: ONNX "
                        "TensorProto files (comma-separated or following)"),
               cl::CommaSeparated, cl::value_desc("input.pb"),
               cl::cat(category));
static cl::opt<std::string>
    outputDir("outputs", cl::Required,
              cl::desc("Directory for output_0.pb, output_1.pb, ..."),
              cl::value_desc("dir"), cl::cat(category));
static cl::opt<std::string>
    checkpoint("checkpoint",
               cl::desc("Run with the parameters of a trainer's checkpoint "
                        "(--save) of this model instead of its initial ones"),
               cl::value_desc("file"), cl::cat(category));
static cl::opt<std::string>
    quant("quant",
          cl::desc("How tensors are stored: f32, or mu8 (every parameter, "
                   "input and computed tensor 8-bit, at the ranges an MU8 "
                   "trainer of this model stores them at)"),
          cl::init("f32"), cl::value_desc("f32|mu8"), cl::cat(category));
static cl::opt<bool> print("print",
                           cl::desc("Also print each output's name, shape "
                                    "and first values"),
                           cl::init(false), cl::cat(category));

/// The input files in the order given on the command line: the values of
/// --inputs and the positionals after the model, merged by position.
static std::vector<std::string> orderedInputs() {
  std::vector<std::pair<unsigned, std::string>> files;
  for (unsigned i = 0; i < inputFiles.size(); ++i)
    files.push_back({inputFiles.getPosition(i), inputFiles[i]});
  for (unsigned i = 1; i < positional.size(); ++i)
    files.push_back({positional.getPosition(i), positional[i]});
  // Comma-separated values share their option's position: keep their order.
  llvm::stable_sort(
      files, [](const auto &a, const auto &b) { return a.first < b.first; });
  std::vector<std::string> names;
  for (auto &[position, name] : files)
    names.push_back(name);
  return names;
}

static void printTensor(const HostTensor &t) {
  llvm::outs() << t.name << ": [" << llvm::interleaved(t.shape) << "]";
  for (size_t i = 0; i < std::min<size_t>(t.data.size(), 8); ++i)
    llvm::outs() << " " << t.data[i];
  if (t.data.size() > 8)
    llvm::outs() << " ...";
  llvm::outs() << "\n";
}

/// Set when the importer refused the model, or an input has an element type
/// logbtq does not read: the exit status is then 3, so that scripts tell an
/// unsupported model from a failed run.
static bool unsupported = false;

static LogicalResult run(MLIRContext &context) {
  StringRef modelPath = positional.front();
  Location modelLoc = FileLineColLoc::get(&context, modelPath, 0, 0);
  if (quant != "f32" && quant != "mu8")
    return emitError(UnknownLoc::get(&context))
           << "--quant must be f32 or mu8, got '" << quant << "'";
  auto modelFile =
      llvm::MemoryBuffer::getFile(modelPath, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!modelFile)
    return emitError(modelLoc)
           << "cannot read: " << modelFile.getError().message();

  std::vector<HostTensor> inputs;
  for (const std::string &path : orderedInputs()) {
    Location loc = FileLineColLoc::get(&context, path, 0, 0);
    auto file = llvm::MemoryBuffer::getFile(path, false, false);
    if (!file)
      return emitError(loc) << "cannot read: " << file.getError().message();
    FailureOr<HostTensor> tensor =
        parseTensorFile((*file)->getBuffer(), loc, &unsupported);
    if (failed(tensor))
      return failure();
    inputs.push_back(std::move(*tensor));
  }

  ONNXImportOptions importOptions;
  // A symbolic leading dimension takes the first input's.
  if (!inputs.empty() && !inputs.front().shape.empty())
    importOptions.batch = inputs.front().shape.front();
  // Integer inputs (shapes, axes, indices) are compiled in as constants:
  // logbtq compiles static shapes. The float ones are the run's inputs.
  std::vector<HostTensor> data;
  for (HostTensor &tensor : inputs) {
    importOptions.boundInputs.push_back(
        tensor.integer ? std::optional<std::string>(tensor.serialized)
                       : std::nullopt);
    if (!tensor.integer)
      data.push_back(std::move(tensor));
  }
  OwningOpRef<ModuleOp> module =
      importONNX((*modelFile)->getBuffer(), modelPath, &context, importOptions);
  if (!module) {
    unsupported = true;
    return failure();
  }
  if (quant == "mu8") {
    LogBTQQuantizeForwardOptions options;
    if (!checkpoint.empty()) {
      FailureOr<std::optional<int>> range = readCheckpointWeightRange(
          checkpoint, FileLineColLoc::get(&context, checkpoint, 0, 0));
      if (failed(range))
        return failure();
      if (*range)
        options.weightRange = **range;
    }
    PassManager pm(&context);
    pm.addPass(createLogBTQQuantizeForward(options));
    if (failed(pm.run(*module)))
      return failure();
  }
  FailureOr<std::unique_ptr<ForwardProgram>> program =
      ForwardProgram::compile(*module);
  if (failed(program))
    return failure();
  if (!checkpoint.empty() &&
      failed(loadCheckpointParameters(
          **program, checkpoint,
          FileLineColLoc::get(&context, checkpoint, 0, 0))))
    return failure();
  std::string error;
  FailureOr<std::vector<HostTensor>> outputs = (*program)->run(data, error);
  if (failed(outputs))
    return emitError(modelLoc) << error;

  if (std::error_code ec = llvm::sys::fs::create_directories(outputDir))
    return emitError(FileLineColLoc::get(&context, outputDir, 0, 0))
           << "cannot create the output directory: " << ec.message();
  for (auto [i, tensor] : llvm::enumerate(*outputs)) {
    SmallString<128> path(outputDir);
    llvm::sys::path::append(path, "output_" + std::to_string(i) + ".pb");
    std::string bytes = serializeTensor(tensor);
    // Written to a temporary file and renamed: never half a file.
    if (llvm::Error e = llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
          os << bytes;
          return llvm::Error::success();
        }))
      return emitError(FileLineColLoc::get(&context, path, 0, 0))
             << "cannot write: " << llvm::toString(std::move(e));
    if (print)
      printTensor(tensor);
  }
  return success();
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv, "logbtq-run: run an ONNX model's forward pass once\n");
  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllPasses();
  MLIRContext context(registry);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  if (succeeded(run(context)))
    return 0;
  return unsupported ? 3 : 1;
}
