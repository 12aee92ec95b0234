//===- Pipelines.cpp - Named logbtq pass pipelines ------------------------===//

#include "logbtq/Pipelines/Pipelines.h"
#include "logbtq/Conversion/Passes.h"
#include "logbtq/Dialect/Linalg/Transforms/Passes.h"
#include "logbtq/Dialect/LogBTQ/Transforms/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/BufferizationToMemRef/BufferizationToMemRef.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/OpenMPToLLVM/ConvertOpenMPToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/SCFToOpenMP/SCFToOpenMP.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Dialect/Vector/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

#include <type_traits>

using namespace mlir;
using namespace mlir::logbtq;

/// The options of one pass, copied from the pipeline's: Options.def says
/// which pass each option belongs to, and a field the pass lacks does not
/// compile.
template <typename PassOptions>
static PassOptions passOptions(const TrainingPipelineOptions &options) {
  PassOptions pass;
#define LOGBTQ_OPTION(PASS, TYPE, FIELD, ...)                                  \
  if constexpr (std::is_same_v<PassOptions, LogBTQ##PASS##Options>)            \
    pass.FIELD = options.FIELD;
#define LOGBTQ_ENUM_OPTION(PASS, TYPE, FIELD, ...)                             \
  LOGBTQ_OPTION(PASS, TYPE, FIELD)
#define LOGBTQ_LIST_OPTION(PASS, TYPE, FIELD, ...)                             \
  if constexpr (std::is_same_v<PassOptions, LogBTQ##PASS##Options>)            \
    pass.FIELD.assign(options.FIELD.begin(), options.FIELD.end());
#include "logbtq/Pipelines/Options.def"
  return pass;
}

LogicalResult mlir::logbtq::verifyTrainingOptions(
    const TrainingPipelineOptions &options,
    function_ref<InFlightDiagnostic()> emitError) {
  if (options.barrierLambda < 0 || !(options.barrierBound > 0) ||
      !(options.barrierOutputBound > 0))
    return emitError() << "need --barrier-lambda >= 0, --barrier-bound > 0 "
                          "and --barrier-output-bound > 0";
  if (!(options.barrierT0 > 0) || options.barrierGamma < 1 ||
      options.barrierTMax < options.barrierT0)
    return emitError() << "need --barrier-t0 > 0, --barrier-gamma >= 1 and "
                          "--barrier-t-max >= --barrier-t0";
  if (options.momentum < 0 || options.momentum >= 1 ||
      options.weightDecay < 0 || !(options.clipGradNorm >= 0))
    return emitError() << "need 0 <= --momentum < 1, --weight-decay >= 0 and "
                          "--clip-grad-norm >= 0";
  if (options.beta1 < 0 || options.beta1 >= 1 || options.beta2 < 0 ||
      options.beta2 >= 1 || !(options.eps > 0))
    return emitError() << "need 0 <= --beta1 < 1, 0 <= --beta2 < 1 and "
                          "--eps > 0";
  return success();
}

void mlir::logbtq::buildTrainingPipeline(
    OpPassManager &pm, const TrainingPipelineOptions &options) {
  // Loss terms that keep 8-bit ranges from overflowing.
  pm.addPass(createLogBTQInsertBarriers(
      passOptions<LogBTQInsertBarriersOptions>(options)));
  // @train_step, @grad_step, @eval_step: loss, autodiff, SGD.
  pm.addPass(createLogBTQBuildTraining(
      passOptions<LogBTQBuildTrainingOptions>(options)));
  // Gradients nobody needs (frozen parameters, the input) disappear here.
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // MU8 storage for every tensor between kernels (a no-op for f32).
  pm.addPass(
      createLogBTQQuantize(passOptions<LogBTQQuantizeOptions>(options)));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // The runtime's flat ABI and the model description.
  pm.addPass(
      createLogBTQFlattenABI(passOptions<LogBTQFlattenABIOptions>(options)));
  pm.addPass(createInlinerPass());
  pm.addPass(createSymbolDCEPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void mlir::logbtq::buildLowerToLLVMPipeline(OpPassManager &pm,
                                            bool parallel, bool x86AVX512) {
  // logbtq -> Linalg, tensor, arith, math on tensors.
  pm.addPass(createConvertLogBTQToLinalg());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // Chains of elementwise generics become one (decode, arithmetic and
  // encode in one pass over memory, no tensor in between); the arithmetic
  // is unchanged, so are the results.
  pm.addPass(createLinalgElementwiseOpFusionPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // Elementwise bodies, counters and maxima as vector code (still on
  // tensors: the vectorizer turns table lookups into gathers there).
  pm.addPass(createLogBTQVectorize());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // Tensors -> buffers; step results are new buffers the runtime owns, so
  // arguments are read-only and results are never aliases of them.
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  // Its constant globals named and placed by the program, not by the order
  // it happened to visit the functions in.
  pm.addPass(createLogBTQNameConstants());
  bufferization::BufferDeallocationPipelineOptions dealloc;
  bufferization::buildBufferDeallocationPipeline(pm, dealloc);
  // A returned constant is cloned so the runtime may free it: lower clones.
  pm.addPass(createConvertBufferizationToMemRefPass());
  // Gathers from small constant tables (decode, grid, encode thresholds) as
  // register permutes, where the CPU has them. After bufferization, which
  // does not know the intrinsics' memory effects (they have none).
  if (x86AVX512)
    pm.addPass(createLogBTQLookupsToPermutes());
  // The independent tiles of big ops (scf.forall): OpenMP work-sharing
  // loops on all cores, or plain loops.
  if (parallel) {
    pm.addPass(createForallToParallelLoopPass());
    pm.addPass(createConvertSCFToOpenMPPass());
    // The conversion scopes each iteration's stack allocations; there are
    // none yet, and the canonicalizer inlines the empty scopes (a scope
    // must stay one block, which the loops inside would break).
    pm.addPass(createCanonicalizerPass());
    // Each parallel loop in a function of its own, so that the translation
    // to LLVM IR outlines it in time linear in the program's size.
    pm.addPass(createLogBTQOutlineParallel());
  } else {
    pm.addPass(createForallToForLoopPass());
  }
  // Copies into and out of strided views as vectorizable loops, not the
  // runtime's element-by-element memrefCopy.
  pm.addPass(createLogBTQStridedCopiesToLinalg());
  // Reductions with a vectorizable inner loop.
  pm.addPass(createLogBTQOrderLoops());
  // Each serial loop nest in a function of its own, so that the rest of
  // the lowering and LLVM take time linear in the program's size; one copy
  // of the functions that are the same.
  pm.addPass(createLogBTQOutlineLoops());
  pm.addPass(createLogBTQMergeFunctions());
  // Loops, then the LLVM dialect.
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addNestedPass<func::FuncOp>(vector::createLowerVectorMultiReductionPass());
  pm.addPass(createConvertVectorToSCFPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createCanonicalizerPass());
  // Subviews become reinterpret casts; the offsets it computes are
  // affine.apply ops, lowered once more.
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  // The dense products' transposed panels are 16 x 16 transposes of 32-bit
  // words (PackedProduct.cpp): shuffles of whole vectors, not 256 element
  // moves.
  ConvertVectorToLLVMPassOptions vectorToLLVM;
  vectorToLLVM.vectorTransposeLowering =
      vector::VectorTransposeLowering::Shuffle16x16;
  pm.addPass(createConvertVectorToLLVMPass(vectorToLLVM));
  if (parallel)
    pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  // The model description and initial parameters the runtime links against.
  pm.addPass(createConvertLogBTQModelToLLVM());
}

void mlir::logbtq::registerLogBTQPipelines() {
  PassPipelineRegistration<TrainingPipelineOptions>(
      "logbtq-training-pipeline",
      "Build the flat-ABI training steps of @forward (barriers, loss, "
      "autodiff, SGD, MU8 quantization)",
      buildTrainingPipeline);
  PassPipelineRegistration<LowerToLLVMPipelineOptions>(
      "logbtq-lower-to-llvm",
      "Lower logbtq ops on tensors to the LLVM dialect",
      [](OpPassManager &pm, const LowerToLLVMPipelineOptions &options) {
        buildLowerToLLVMPipeline(pm, options.parallel, options.x86AVX512);
      });
}
