//===- Driver.h - logbtq-compile as a library of phases ---------*- C++ -*-===//
//
// The phases of turning a model file into a trainer executable. The
// logbtq-compile tool is a thin main over these; each phase reports through
// the context's diagnostics (with the model file's location) and returns
// failure, so a caller can stop after any of them. Nothing here prints or
// exits: the tool's main chooses how diagnostics look and the exit code.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_PIPELINES_DRIVER_H
#define LOGBTQ_PIPELINES_DRIVER_H

#include "logbtq/Pipelines/Pipelines.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/Timing.h"

#include <optional>
#include <string>
#include <vector>

namespace llvm {
class LLVMContext;
class Module;
} // namespace llvm

namespace mlir::logbtq {

/// What to stop at and write, in the order of the phases.
enum class EmitKind {
  Forward,
  Training,
  LLVMDialect,
  LLVMIR,
  Object,
  Trainer,
  /// A static library of the model and the runtime with the C API of
  /// Runtime/TrainerAPI.h, and a header with the model's sizes.
  Library
};

struct CompileOptions {
  std::string input;
  std::string output;
  EmitKind emit = EmitKind::Trainer;
  /// EmitKind::Library: the header's path (default: model.h in the
  /// output's directory).
  std::string header;
  std::optional<int64_t> batch;
  std::vector<std::string> frozen;
  /// Fine-tuning: ONNXImportOptions::trainFrom.
  std::string trainFrom;
  /// Fine-tuning: ONNXImportOptions::numClasses.
  std::optional<int64_t> numClasses;
  /// Where liblogbtq_runtime{,_main}.a are (default: the build's lib dir).
  std::string runtimeDir;
  /// The C++ compiler driver used to link the trainer.
  std::string linker = "c++";
  unsigned optLevel = 3;
  /// The CPU the trainer runs on: "native" (this one), "generic" (x86-64
  /// without AVX), or an LLVM CPU name.
  std::string targetCPU = "native";
  /// Threads that compile the step functions of a trainer side by side
  /// (0: one per core). The executable does not depend on it.
  unsigned jobs = 0;
  /// The training pipeline's `ranks`: a trainer of more than zero links
  /// MPI (liblogbtq_runtime_mpi.a and OpenMPI).
  unsigned ranks = 0;
  /// Verify the program after every pass of the lowering to the LLVM
  /// dialect (for debugging the compiler); otherwise once, at its end.
  bool verifyEach = false;
};

/// Reads an ONNX model (.onnx) or MLIR (.mlir: a `@forward` of logbtq ops,
/// or Linalg on tensors, raised with -logbtq-raise-linalg).
OwningOpRef<ModuleOp> loadModel(MLIRContext &context,
                                const CompileOptions &options);

/// Each phase below times itself under `timing` (a default-constructed
/// TimingScope times nothing).

/// @forward -> flat-ABI training steps.
LogicalResult buildTraining(ModuleOp module,
                            const TrainingPipelineOptions &pipeline,
                            TimingScope &timing);

/// logbtq on tensors -> the LLVM dialect, for `targetCPU` (see
/// CompileOptions::targetCPU: AVX-512 permutes where it has them); the
/// program is verified after every pass with `verifyEach`, else at the end.
LogicalResult lowerToLLVMDialect(ModuleOp module, StringRef targetCPU,
                                 bool verifyEach, TimingScope &timing);

/// The LLVM dialect -> an LLVM module optimized for `targetCPU` (see
/// CompileOptions::targetCPU). With `recordFeatures`, it records the CPU
/// features it needs in the string constant `logbtq_cpu_features` (exactly
/// one object of a trainer must).
std::unique_ptr<llvm::Module>
translateToLLVMIR(ModuleOp module, llvm::LLVMContext &context,
                  unsigned optLevel, StringRef targetCPU, bool recordFeatures,
                  TimingScope &timing);

/// Writes `module` as an object file for `targetCPU`.
LogicalResult emitObjectFile(MLIRContext &context, llvm::Module &module,
                             StringRef path, StringRef targetCPU,
                             TimingScope &timing);

/// The training program `module` (after buildTraining) as object files, one
/// per step function, compiled on `options.jobs` threads; their paths, in
/// the step functions' order, are appended to `objects` (the caller removes
/// them). Each part is lowered, optimized and emitted in a context of its
/// own, so the parts' code is what the whole module's would be.
LogicalResult compileObjects(ModuleOp module, const CompileOptions &options,
                             SmallVectorImpl<std::string> &objects,
                             TimingScope &timing);

/// Where the runtime's archives are: options.runtimeDir, else `../lib`
/// from this executable (the build tree's and an installed prefix's
/// layout), else the build tree's lib directory.
std::string runtimeDirectory(const CompileOptions &options);

/// Links `objects` with the runtime into the executable `outputPath`.
LogicalResult linkTrainer(MLIRContext &context, ArrayRef<std::string> objects,
                          StringRef outputPath, const CompileOptions &options,
                          TimingScope &timing);

/// Writes `objects` and the runtime's archives (the C API, the runtime, the
/// numerics) as one static library at `outputPath`, and the C header of the
/// model described by `modelInfo` at `headerPath`.
LogicalResult writeLibrary(MLIRContext &context, ArrayRef<std::string> objects,
                           StringRef modelInfo, StringRef outputPath,
                           StringRef headerPath, const CompileOptions &options,
                           TimingScope &timing);

/// All phases, as requested by `options.emit`.
LogicalResult compile(MLIRContext &context, const CompileOptions &options,
                      const TrainingPipelineOptions &pipeline,
                      TimingScope &timing);

} // namespace mlir::logbtq

#endif // LOGBTQ_PIPELINES_DRIVER_H
