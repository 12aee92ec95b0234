//===- Pipelines.h - Named logbtq pass pipelines ----------------*- C++ -*-===//
//
// The two halves of compiling a model into a trainer, as named pipelines of
// logbtq-opt and as functions the logbtq-compile driver calls:
//   --logbtq-training-pipeline: @forward -> flat-ABI training steps (logbtq)
//   --logbtq-lower-to-llvm:     logbtq/tensors -> the LLVM dialect
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_PIPELINES_PIPELINES_H
#define LOGBTQ_PIPELINES_PIPELINES_H

#include "logbtq/Dialect/LogBTQ/Transforms/OptionEnums.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir {
class OpPassManager;

namespace logbtq {

/// Every option of the training program, from Options.def: the options of
/// --logbtq-training-pipeline, and what logbtq-compile's flags fill in.
struct TrainingPipelineOptions
    : public PassPipelineOptions<TrainingPipelineOptions> {
#define LOGBTQ_OPTION(PASS, TYPE, FIELD, FLAG, DEFAULT, DESCRIPTION)          \
  Option<TYPE> FIELD{*this, FLAG, llvm::cl::desc(DESCRIPTION),                 \
                     llvm::cl::init(DEFAULT)};
#define LOGBTQ_ENUM_OPTION(PASS, TYPE, FIELD, FLAG, DEFAULT, DESCRIPTION,      \
                           VALUES)                                             \
  Option<TYPE> FIELD{*this, FLAG, llvm::cl::desc(DESCRIPTION),                 \
                     llvm::cl::init(DEFAULT), llvm::cl::values(VALUES)};
#define LOGBTQ_LIST_OPTION(PASS, TYPE, FIELD, FLAG, DESCRIPTION)               \
  ListOption<TYPE> FIELD{*this, FLAG, llvm::cl::desc(DESCRIPTION)};
#include "logbtq/Pipelines/Options.def"
};

/// Checks the values that no parser can: ranges of numbers, the barrier
/// schedule. Reports through `emitError`.
LogicalResult verifyTrainingOptions(const TrainingPipelineOptions &options,
                                    function_ref<InFlightDiagnostic()> emitError);

/// From `@forward` to the flat-ABI step functions, still logbtq ops on
/// tensors: barriers, loss and autodiff, optimizer, ABI wrappers, inlining.
void buildTrainingPipeline(OpPassManager &pm,
                           const TrainingPipelineOptions &options);

/// From logbtq ops on tensors to the LLVM dialect, ready for translation.
/// With `parallel`, the scf.forall loops become OpenMP work-sharing loops
/// (the program then calls LLVM's libomp); without, sequential loops. With
/// `x86AVX512`, small constant tables are read with AVX-512 permutes
/// (-logbtq-lookups-to-permutes), so the program needs AVX512F.
void buildLowerToLLVMPipeline(OpPassManager &pm, bool parallel = false,
                              bool x86AVX512 = false);

/// The options of the registered `logbtq-lower-to-llvm` pipeline.
struct LowerToLLVMPipelineOptions
    : public PassPipelineOptions<LowerToLLVMPipelineOptions> {
  Option<bool> parallel{
      *this, "parallel",
      llvm::cl::desc("Run scf.forall loops on all cores through OpenMP (the "
                     "program then needs LLVM's libomp)"),
      llvm::cl::init(false)};
  Option<bool> x86AVX512{
      *this, "x86-avx512",
      llvm::cl::desc("Read small constant tables with AVX-512 permutes (the "
                     "program then needs AVX512F)"),
      llvm::cl::init(false)};
};

/// Registers both pipelines with the pass registry.
void registerLogBTQPipelines();

} // namespace logbtq
} // namespace mlir

#endif // LOGBTQ_PIPELINES_PIPELINES_H
