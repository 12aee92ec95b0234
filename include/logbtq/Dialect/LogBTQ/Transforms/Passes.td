//===- Passes.td - logbtq dialect passes -------------------*- tablegen -*-===//

#ifndef LOGBTQ_DIALECT_LOGBTQ_TRANSFORMS_PASSES_TD
#define LOGBTQ_DIALECT_LOGBTQ_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def LogBTQLiftConstants : Pass<"logbtq-lift-constants", "ModuleOp"> {
  let summary = "Turn the weights a @forward holds as constants into parameters";
  let description = [{
    torch-mlir's linalg-on-tensors output keeps a model's weights as
    `arith.constant`s inside `@forward`, and marks neither them nor the data
    argument. After `-logbtq-raise-linalg`, this pass makes `@forward` what
    the training pipeline reads:

    - every f32 constant of rank >= 1 that is a weight becomes a new argument
      `{logbtq.param = NAME, logbtq.init = VALUE}`: a constant that is not a
      splat, and a splat read as a matmul or convolution operand or as the
      bias added to a matmul's or convolution's result (a zero bias). Other
      splats (fill values, ones, scalars broadcast) stay constants. NAME is
      the dense_resource's key, or the constant's name location, or
      `const<i>` (`i` counting lifted constants);
    - a parameter named in `frozen` gets `logbtq.frozen` (an unknown name is
      an error);
    - when no argument has `logbtq.input`, the one argument that is not a
      parameter gets `logbtq.input = "input"` (with several, it is an error:
      mark the data argument yourself).

    Before:
    ```mlir
    func.func @forward(%x: tensor<64x784xf32>) -> tensor<64x10xf32> {
      %w = arith.constant dense<...> : tensor<10x784xf32>
      %y = logbtq.matmul %x, %w {transpose_rhs} : ...
    ```
    After:
    ```mlir
    func.func @forward(%x: tensor<64x784xf32> {logbtq.input = "input"},
                       %w: tensor<10x784xf32> {logbtq.init = dense<...> : tensor<10x784xf32>,
                                               logbtq.param = "const0"}) -> tensor<64x10xf32> {
      %y = logbtq.matmul %x, %w {transpose_rhs} : ...
    ```
  }];
  let options = [
    ListOption<"frozen", "frozen", "std::string",
               "Lifted parameters that do not train, by name">,
  ];
}

def LogBTQInsertBarriers : Pass<"logbtq-insert-barriers", "ModuleOp"> {
  let summary = "Add log-barrier penalty terms for weights, activations, inputs";
  let description = [{
    Gives `@forward` a run-time `t : f32` argument (`logbtq.barrier_t`) and an
    extra `f32` result (`logbtq.barrier_penalty`):
    `lambda * sum_k barrier(x_k, t, bound_k)` over the selected tensors, each
    term a mean over its elements (docs/MU8.md). Targets: `weights` (trainable
    parameters), `activations` (every graph-op result in `@forward` except
    a matmul or conv2d whose only user adds a bias parameter (the layer's
    output is after the bias), the input of normalizations that undo its
    scale (a batch norm that trains, a layer norm) when nothing else reads
    it, and the ops that only repeat their input's values: reshape,
    transpose, dropout, strided_slice, gather, broadcast) and `inputs`. The model outputs (logits) get `barrier-output-bound` instead of
    `barrier-bound`,
    since they keep a wider fixed range. `lambda = 0` inserts nothing.

    Before:
    ```mlir
    func.func @forward(%w: tensor<10x784xf32> {logbtq.param = "w"},
                       %x: tensor<64x784xf32> {logbtq.input = "x"}) -> tensor<64x10xf32> {
      %y = logbtq.matmul %x, %w {transpose_rhs} : ...
      return %y : tensor<64x10xf32>
    }
    ```
    After:
    ```mlir
    func.func @forward(%w: ..., %x: ..., %t: f32 {logbtq.barrier_t})
        -> (tensor<64x10xf32>, f32 {logbtq.barrier_penalty}) {
      %y = logbtq.matmul %x, %w {transpose_rhs} : ...
      %0 = logbtq.barrier %w, %t : tensor<10x784xf32>
      %1 = logbtq.barrier %x, %t : tensor<64x784xf32>
      %2 = logbtq.barrier %y, %t {bound = 1.6e+01 : f32} : tensor<64x10xf32>
      ...
      %p = arith.mulf %lambda, %sum : f32
      return %y, %p : tensor<64x10xf32>, f32
    }
    ```
  }];
  let options = [
    // Declared for the pipeline and logbtq-compile in Pipelines/Options.def;
    // the same names and defaults here (OptionsTest).
    Option<"barrierLambda", "barrier-lambda", "double", "0.3",
           "Weight of the barrier terms in the loss (0 disables)">,
    Option<"barrierBound", "barrier-bound", "double", "1.0",
           "Bound b of |x| for weights, activations and inputs">,
    Option<"barrierOutputBound", "barrier-output-bound", "double", "16.0",
           "Bound of the model outputs (the logits' range)">,
    ListOption<"barrierTargets", "barrier-targets", "std::string",
               "Which tensors get a barrier: weights, activations, inputs "
               "(default: all three)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def LogBTQBuildTraining : Pass<"logbtq-build-training", "ModuleOp"> {
  let summary = "Build @train_step, @grad_step and @eval_step from @forward";
  let description = [{
    Adds the loss (mean softmax cross-entropy against `i32` labels, or with
    `loss` a `logbtq.target_loss` against one-hot labels, plus the barrier
    penalty when `@forward` has one), reverse-mode autodiff through
    each op's `DifferentiableOpInterface`, and SGD with momentum and weight
    decay (PyTorch's convention):

    - `@train_step(params..., state..., x, labels, lr, t[, step])
         -> (params'..., state'..., stats)`, where `state` is one slot per
      parameter for SGD (the momenta) and two for Adam and AdamW (first
      moments, then the square roots of the second moments: all of slot 0,
      then all of slot 1, each argument marked `logbtq.momentum` with its
      parameter's name); Adam and AdamW also take the run's step number
      (`logbtq.step`, an `i64`) for the bias correction
    - `@grad_step(params..., x, labels, t) -> (grads..., stats)`
    - `@eval_step(params..., x, labels) -> stats`

    `stats` is `tensor<4xf32>`: total loss, correct predictions, cross-entropy,
    barrier penalty. Frozen parameters (`logbtq.frozen`) keep their values and
    get zero gradients. `@forward` stays, for inference.

    Weight decay applies to the weights (parameters of rank 2 or more), not
    to biases and normalization parameters, unless `weight-decay-all`.

    With `clip-grad-norm` C > 0, the update scales every gradient by
    `min(1, C / (norm + 1e-6))`, `norm` being the `logbtq.global_norm` of
    the trainable parameters' gradients (PyTorch's `clip_grad_norm_`); in
    MU8 the norm is that of the decoded gradient codes the update reads.

    A `logbtq.batch_norm` whose scale and bias train, and whose mean and
    variance are frozen parameters that nothing else reads, trains in
    PyTorch's `train()` mode: the train and grad steps normalize with the batch's
    statistics (`logbtq.batch_norm_train`) and the train step returns the
    running statistics updated with the op's momentum
    (`logbtq.running_stats_update`) as the new values of those (frozen)
    parameters. The eval step normalizes with the running statistics.
    `freeze-batch-norm-stats` keeps every batch norm in that stored form.

    With `ranks` N > 0, for data-parallel training over N processes (each
    computes the gradients of its share of a batch, the shares' gradients
    are combined, and every process applies the same update):

    - `@local_step(params..., x, labels, t) -> (grads..., stats)`, built
      like `@grad_step` (`-logbtq-quantize` returns its gradients as MU8
      codes and their range exponents);
    - `@apply_step(params..., state..., grads..., lr[, step])
         -> (params'..., state'..., stats)`: the train step's update from
      given gradients (`logbtq.gradient` with the parameter's name);
      clipping sees the combined gradients.

    A batch norm that trains on the batch's statistics is refused then.
  }];
  let options = [
    Option<"loss", "loss", "::mlir::logbtq::LossKind",
           "::mlir::logbtq::LossKind::SoftmaxCrossEntropy", "The loss",
           [{::llvm::cl::values(LOGBTQ_LOSS_VALUES)}]>,
    Option<"optimizer", "optimizer", "::mlir::logbtq::OptimizerKind",
           "::mlir::logbtq::OptimizerKind::SGD", "The optimizer",
           [{::llvm::cl::values(LOGBTQ_OPTIMIZER_VALUES)}]>,
    Option<"momentum", "momentum", "double", "0.9", "SGD momentum factor">,
    Option<"weightDecay", "weight-decay", "double", "0.0",
           "Weight decay: added to the gradients (sgd, adam) or "
           "decoupled (adamw)">,
    Option<"weightDecayAll", "weight-decay-all", "bool", "false",
           "Apply weight decay to every parameter (by default only to "
           "weights, the parameters of rank 2 or more: not to biases and "
           "normalization parameters)">,
    Option<"beta1", "beta1", "double", "0.9",
           "Adam/AdamW decay of the first moment">,
    Option<"beta2", "beta2", "double", "0.999",
           "Adam/AdamW decay of the second moment">,
    Option<"eps", "eps", "double", "1e-8",
           "Adam/AdamW term added to the denominator">,
    Option<"clipGradNorm", "clip-grad-norm", "double", "0.0",
           "Scale the gradients so that their global L2 norm is at most "
           "this (0: no clipping)">,
    Option<"ranks", "ranks", "unsigned", "0",
           "Also build @local_step and @apply_step for data-parallel "
           "training on this many processes (0: none)">,
    Option<"freezeBatchNormStats", "freeze-batch-norm-stats", "bool", "false",
           "Normalize with the stored statistics while training too, and "
           "never update them (by default a batch norm whose scale and bias "
           "train uses the batch's statistics and updates the running ones)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def LogBTQFlattenABI : Pass<"logbtq-flatten-abi", "ModuleOp"> {
  let summary = "Wrap the step functions in the runtime's fixed, flat ABI";
  let description = [{
    Adds `@logbtq_train_step`, `@logbtq_grad_step` and `@logbtq_eval_step`
    (with `llvm.emit_c_interface`) whose parameters, momenta, gradients and
    inputs are flat 1-D tensors, so that one runtime serves every model and a
    checkpoint is a copy of two buffers (include/logbtq/Runtime/TrainerABI.h).
    Each wrapper slices and reshapes the flat buffers and calls the step
    built by `-logbtq-build-training`, which becomes private (inline it).
    Also records the model description (`logbtq.model_info`, the text the
    runtime parses) and the initial parameters (`logbtq.initial_params`,
    from `@forward`'s `logbtq.init` attributes, as codes for MU8) on the
    module; `-convert-logbtq-model-to-llvm` turns them into LLVM globals.

    ```mlir
    func.func @logbtq_train_step(%params: tensor<235146xi8>,
        %momentum: tensor<235146xi8>, %ranges: tensor<6xi32>,
        %x: tensor<50176xf32>, %labels: tensor<64xi32>, %lr: f32, %t: f32,
        %step: i64)
        -> (tensor<235146xi8>, tensor<235146xi8>, tensor<6xi32>,
            tensor<16xf32>)
        attributes {llvm.emit_c_interface}
    ```
  }];
  let options = [
    Option<"barrierT0", "barrier-t0", "double", "5.0",
           "Initial barrier sharpness t (recorded for the runtime)">,
    Option<"barrierGamma", "barrier-gamma", "double", "1.1",
           "Per-epoch growth of t (recorded for the runtime)">,
    Option<"barrierTMax", "barrier-t-max", "double", "1000.0",
           "Largest t (recorded for the runtime)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def LogBTQQuantize : Pass<"logbtq-quantize", "ModuleOp"> {
  let summary = "Make every stored tensor of the training steps MU8";
  let description = [{
    Rewrites `@train_step`, `@grad_step` and `@eval_step` of
    `-logbtq-build-training` so that every tensor that lives between kernels
    is MU8 (docs/Quantization.md):
    - parameters become MU8 arguments at a fixed range (`weight-range`, or
      wider when a parameter's initial values need it: frozen statistics),
      recorded as `logbtq.range`; momenta become MU8 of a dynamic range
      whose exponents travel in a `tensor<Pxi32>` argument and result
      (`logbtq.ranges`); the data input is quantized on entry;
    - every computed tensor is followed by `logbtq.quantize` and read back
      through `logbtq.decode`: activations at `activation-range` (logits at
      `output-range`), gradients at the per-tensor range of
      `logbtq.range_exponent`. A one-operand op that only moves or selects
      its input's values (trait `SelectsInputValues`: reshape, transpose,
      relu, max pooling, slice) is re-encoded at its input's range, which is
      exact: its results are codes of that range already. Barrier penalties read the
      unrounded values; barrier gradients are summed before rounding;
    - updated weights and momenta are rounded stochastically, keyed by an
      `i64` step argument (`logbtq.step`), so no float32 master copy exists;
    - matmuls and convolutions (and their gradients) of decoded operands
      become `logbtq.integer_kernel`s;
    - the stats vector grows to 16 entries with the saturation, encode,
      overflow and zero counters of TrainerABI.h.
    `quant=f32` leaves the module unchanged.
  }];
  let options = [
    Option<"quant", "quant", "::mlir::logbtq::NumberFormat",
           "::mlir::logbtq::NumberFormat::MU8",
           "How tensors are stored (f32 leaves the module unchanged)",
           [{::llvm::cl::values(LOGBTQ_NUMBER_FORMAT_VALUES)}]>,
    Option<"weightRange", "weight-range", "int", "0",
           "Range exponent of weights (range 2^e)">,
    Option<"activationRange", "activation-range", "int", "0",
           "Range exponent of activations and inputs">,
    Option<"outputRange", "output-range", "int", "4",
           "Range exponent of the logits">,
    Option<"dynamicRanges", "dynamic-ranges", "bool", "false",
           "Give MU8 activations and logits a per-tensor range each step "
           "instead of a fixed one">,
    Option<"integerKernels", "integer-kernels", "bool", "true",
           "Form logbtq.integer_kernel for matmuls and convolutions">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
}

def LogBTQQuantizeForward : Pass<"logbtq-quantize-forward", "ModuleOp"> {
  let summary = "Store every tensor of @forward as MU8 (an inference run)";
  let description = [{
    What `-logbtq-quantize` does to the eval step, on the imported
    `@forward` itself, for `logbtq-run --quant=mu8`: each parameter
    argument stays f32 and is stored as MU8 on entry, at the range the
    trainer stores it at (`weight-range`, or wider when its `logbtq.init`
    needs it); each input at `activation-range`; every computed tensor is
    followed by `logbtq.quantize` and read back through `logbtq.decode`
    (the results of `@forward` at `output-range`); products of decoded
    operands become `logbtq.integer_kernel`s. The function's signature does
    not change, and no counters are returned.
  }];
  let options = [
    Option<"weightRange", "weight-range", "int", "0",
           "Range exponent of weights (range 2^e)">,
    Option<"activationRange", "activation-range", "int", "0",
           "Range exponent of activations and inputs">,
    Option<"outputRange", "output-range", "int", "4",
           "Range exponent of @forward's results">,
    Option<"dynamicRanges", "dynamic-ranges", "bool", "false",
           "Give activations and results a per-tensor range instead of a "
           "fixed one">,
    Option<"integerKernels", "integer-kernels", "bool", "true",
           "Form logbtq.integer_kernel for matmuls and convolutions">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
}

#endif // LOGBTQ_DIALECT_LOGBTQ_TRANSFORMS_PASSES_TD
