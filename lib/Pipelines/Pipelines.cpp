//===- Pipelines.cpp - Named logbtq pass pipelines ------------------------===//

#include "logbtq/Pipelines/Pipelines.h"
#include "logbtq/Conversion/Passes.h"
#include "logbtq/Dialect/LogBTQ/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/ErrorHandling.h"

using namespace mlir;
using namespace mlir::logbtq;

/// Appends a textual pipeline of upstream passes; the strings are fixed, so
/// a failure is a bug in this file (and caught by the pipeline tests).
static void addPipeline(OpPassManager &pm, StringRef pipeline) {
  if (failed(parsePassPipeline(pipeline, pm)))
    llvm::report_fatal_error("logbtq: invalid built-in pass pipeline: " +
                             pipeline);
}

void mlir::logbtq::buildTrainingPipeline(
    OpPassManager &pm, const TrainingPipelineOptions &options) {
  // Loss terms that keep 8-bit ranges from overflowing.
  LogBTQInsertBarriersOptions barriers;
  barriers.lambda = options.barrierLambda;
  barriers.bound = options.barrierBound;
  barriers.outputBound = options.barrierOutputBound;
  barriers.targets.assign(options.barrierTargets.begin(),
                          options.barrierTargets.end());
  pm.addPass(createLogBTQInsertBarriers(barriers));
  // @train_step, @grad_step, @eval_step: loss, autodiff, SGD.
  LogBTQBuildTrainingOptions training;
  training.momentum = options.momentum;
  training.weightDecay = options.weightDecay;
  pm.addPass(createLogBTQBuildTraining(training));
  // Gradients nobody needs (frozen parameters, the input) disappear here.
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // MU8 storage for every tensor between kernels (a no-op for f32).
  LogBTQQuantizeOptions quantize;
  quantize.format = options.quant;
  quantize.weightRange = options.weightRange;
  quantize.activationRange = options.activationRange;
  quantize.outputRange = options.outputRange;
  quantize.dynamicActivations = options.dynamicActivations;
  pm.addPass(createLogBTQQuantize(quantize));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // The runtime's flat ABI, the model description and the initial values.
  LogBTQFlattenABIOptions abi;
  abi.t0 = options.barrierT0;
  abi.gamma = options.barrierGamma;
  abi.tMax = options.barrierTMax;
  pm.addPass(createLogBTQFlattenABI(abi));
  pm.addPass(createInlinerPass());
  pm.addPass(createSymbolDCEPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void mlir::logbtq::buildLowerToLLVMPipeline(OpPassManager &pm) {
  // logbtq -> Linalg, tensor, arith, math on tensors.
  pm.addPass(createConvertLogBTQToLinalg());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // Tensors -> buffers; step results are new buffers the runtime owns, so
  // arguments are read-only and results are never aliases of them.
  addPipeline(pm, "one-shot-bufferize{bufferize-function-boundaries "
                  "function-boundary-type-conversion=identity-layout-map}");
  bufferization::BufferDeallocationPipelineOptions dealloc;
  bufferization::buildBufferDeallocationPipeline(pm, dealloc);
  // A returned constant is cloned so the runtime may free it: lower clones.
  addPipeline(pm, "convert-bufferization-to-memref");
  // Reductions with a vectorizable inner loop.
  pm.addPass(createLogBTQOrderLoops());
  // Loops, then the LLVM dialect.
  addPipeline(pm, "func.func(convert-linalg-to-loops)");
  addPipeline(pm, "lower-affine");
  addPipeline(pm, "convert-scf-to-cf");
  pm.addPass(createCanonicalizerPass());
  addPipeline(pm, "expand-strided-metadata");
  addPipeline(pm, "lower-affine");
  addPipeline(pm, "finalize-memref-to-llvm");
  addPipeline(pm, "convert-math-to-llvm");
  addPipeline(pm, "convert-math-to-libm");
  addPipeline(pm, "convert-arith-to-llvm");
  addPipeline(pm, "convert-index-to-llvm");
  addPipeline(pm, "convert-cf-to-llvm");
  addPipeline(pm, "convert-func-to-llvm");
  addPipeline(pm, "convert-arith-to-llvm");
  addPipeline(pm, "reconcile-unrealized-casts");
}

void mlir::logbtq::registerLogBTQPipelines() {
  PassPipelineRegistration<TrainingPipelineOptions>(
      "logbtq-training-pipeline",
      "Build the flat-ABI training steps of @forward (barriers, loss, "
      "autodiff, SGD)",
      buildTrainingPipeline);
  PassPipelineRegistration<>(
      "logbtq-lower-to-llvm",
      "Lower logbtq ops on tensors to the LLVM dialect",
      [](OpPassManager &pm) { buildLowerToLLVMPipeline(pm); });
}
