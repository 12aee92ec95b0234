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

#include "mlir/Pass/PassOptions.h"

namespace mlir {
class OpPassManager;

namespace logbtq {

struct TrainingPipelineOptions
    : public PassPipelineOptions<TrainingPipelineOptions> {
  Option<double> barrierLambda{*this, "barrier-lambda",
                               llvm::cl::desc("Barrier weight (0 disables)"),
                               llvm::cl::init(0.3)};
  Option<double> barrierBound{*this, "barrier-bound",
                              llvm::cl::desc("Barrier bound of |x|"),
                              llvm::cl::init(1.0)};
  Option<double> barrierOutputBound{
      *this, "barrier-output-bound",
      llvm::cl::desc("Barrier bound of the model outputs (logits)"),
      llvm::cl::init(16.0)};
  ListOption<std::string> barrierTargets{
      *this, "barrier-targets",
      llvm::cl::desc("weights, activations, inputs (default: all)")};
  Option<double> barrierT0{*this, "barrier-t0",
                           llvm::cl::desc("Initial barrier t"),
                           llvm::cl::init(5.0)};
  Option<double> barrierGamma{*this, "barrier-gamma",
                              llvm::cl::desc("Per-epoch growth of t"),
                              llvm::cl::init(1.1)};
  Option<double> barrierTMax{*this, "barrier-t-max",
                             llvm::cl::desc("Largest t"),
                             llvm::cl::init(1000.0)};
  Option<double> momentum{*this, "momentum",
                          llvm::cl::desc("SGD momentum"), llvm::cl::init(0.9)};
  Option<double> weightDecay{*this, "weight-decay",
                             llvm::cl::desc("L2 weight decay"),
                             llvm::cl::init(0.0)};
  Option<std::string> quant{*this, "quant",
                            llvm::cl::desc("Number format: mu8 or f32"),
                            llvm::cl::init("mu8")};
  Option<int> weightRange{*this, "weight-range",
                          llvm::cl::desc("MU8 range exponent of weights"),
                          llvm::cl::init(0)};
  Option<int> activationRange{
      *this, "activation-range",
      llvm::cl::desc("MU8 range exponent of activations"), llvm::cl::init(0)};
  Option<int> outputRange{*this, "output-range",
                          llvm::cl::desc("MU8 range exponent of the logits"),
                          llvm::cl::init(4)};
  Option<bool> dynamicActivations{
      *this, "dynamic-activations",
      llvm::cl::desc("Per-tensor ranges for activations too"),
      llvm::cl::init(false)};
};

/// From `@forward` to the flat-ABI step functions, still logbtq ops on
/// tensors: barriers, loss and autodiff, optimizer, ABI wrappers, inlining.
void buildTrainingPipeline(OpPassManager &pm,
                           const TrainingPipelineOptions &options);

/// From logbtq ops on tensors to the LLVM dialect, ready for translation.
void buildLowerToLLVMPipeline(OpPassManager &pm);

/// Registers both pipelines with the pass registry.
void registerLogBTQPipelines();

} // namespace logbtq
} // namespace mlir

#endif // LOGBTQ_PIPELINES_PIPELINES_H
