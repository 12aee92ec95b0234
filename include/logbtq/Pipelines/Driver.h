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

#include <optional>
#include <string>
#include <vector>

namespace llvm {
class LLVMContext;
class Module;
} // namespace llvm

namespace mlir::logbtq {

/// What to stop at and write.
enum class EmitKind { Forward, Training, LLVMDialect, LLVMIR, Object, Trainer };

struct CompileOptions {
  std::string input;
  std::string output;
  EmitKind emit = EmitKind::Trainer;
  std::optional<int64_t> batch;
  std::vector<std::string> frozen;
  /// Where liblogbtq_runtime{,_main}.a are (default: the build's lib dir).
  std::string runtimeDir;
  /// The C++ compiler driver used to link the trainer.
  std::string linker = "c++";
  unsigned optLevel = 3;
  /// The CPU the trainer runs on: "native" (this one), "generic" (x86-64
  /// without AVX), or an LLVM CPU name.
  std::string targetCPU = "native";
};

/// Reads an ONNX model (.onnx) or MLIR (.mlir: a `@forward` of logbtq ops,
/// or Linalg on tensors, raised with -logbtq-raise-linalg).
OwningOpRef<ModuleOp> loadModel(MLIRContext &context,
                                const CompileOptions &options);

/// @forward -> flat-ABI training steps.
LogicalResult buildTraining(ModuleOp module,
                            const TrainingPipelineOptions &pipeline);

/// logbtq on tensors -> the LLVM dialect.
LogicalResult lowerToLLVMDialect(ModuleOp module);

/// The LLVM dialect -> an LLVM module optimized for `targetCPU` (see
/// CompileOptions::targetCPU), which records the CPU features it needs in
/// the string constant `logbtq_cpu_features`.
std::unique_ptr<llvm::Module> translateToLLVMIR(ModuleOp module,
                                                llvm::LLVMContext &context,
                                                unsigned optLevel,
                                                StringRef targetCPU = "native");

/// Writes `module` as an object file for `targetCPU`.
LogicalResult emitObjectFile(MLIRContext &context, llvm::Module &module,
                             StringRef path, StringRef targetCPU = "native");

/// Links `objectPath` with the runtime into the executable `outputPath`.
LogicalResult linkTrainer(MLIRContext &context, StringRef objectPath,
                          StringRef outputPath, const CompileOptions &options);

/// All phases, as requested by `options.emit`.
LogicalResult compile(MLIRContext &context, const CompileOptions &options,
                      const TrainingPipelineOptions &pipeline);

} // namespace mlir::logbtq

#endif // LOGBTQ_PIPELINES_DRIVER_H
