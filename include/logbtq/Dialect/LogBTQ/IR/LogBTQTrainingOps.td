//===- LogBTQTrainingOps.td - loss, gradient, optimizer ops -*- tablegen -*-===//
//
// The ops that `-logbtq-build-training` adds around a forward graph: the loss,
// the vector-Jacobian products that have no graph-op form, and the optimizer.
// Like the graph ops they work on f32 tensors now and on MU8 tensors after
// quantization.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQTRAININGOPS_TD
#define LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQTRAININGOPS_TD

def LogBTQ_Labels : RankedTensorOf<[I32]>;

//===----------------------------------------------------------------------===//
// Loss and metrics
//===----------------------------------------------------------------------===//

def LogBTQ_SoftmaxCrossEntropyOp : LogBTQ_Op<"softmax_cross_entropy",
    [Pure, DeclareOpInterfaceMethods<LogBTQ_DifferentiableOpInterface>]> {
  let summary = "Mean softmax cross-entropy of logits against class labels";
  let description = [{
    `mean_n (logsumexp(logits[n, :]) - logits[n, labels[n]])`, computed
    stably (max subtracted first).

    ```mlir
    %loss = logbtq.softmax_cross_entropy %logits, %labels : tensor<64x10xf32>, tensor<64xi32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$logits, LogBTQ_Labels:$labels);
  let results = (outs F32:$loss);
  let assemblyFormat = [{
    $logits `,` $labels attr-dict `:` type($logits) `,` type($labels)
  }];
  let hasVerifier = 1;
}

def LogBTQ_TargetLossOp : LogBTQ_Op<"target_loss",
    [Pure, DeclareOpInterfaceMethods<LogBTQ_DifferentiableOpInterface>]> {
  let summary = "A regression-style loss of logits against one-hot labels";
  let description = [{
    With `t = onehot(labels)` and the mean over all N x C elements, as
    PyTorch's losses with `reduction="mean"`:

    - `kind = "mse"`: `mean((x - t)^2)` (`nn.MSELoss`);
    - `kind = "l1"`: `mean(|x - t|)` (`nn.L1Loss`);
    - `kind = "bce_with_logits"`: `mean(max(x, 0) - x t + log(1 + exp(-|x|)))`
      (`nn.BCEWithLogitsLoss`, each class an independent yes/no).

    ```mlir
    %loss = logbtq.target_loss %logits, %labels {kind = "mse"} : tensor<64x10xf32>, tensor<64xi32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$logits, LogBTQ_Labels:$labels,
                       StrAttr:$kind);
  let results = (outs F32:$loss);
  let assemblyFormat = [{
    $logits `,` $labels attr-dict `:` type($logits) `,` type($labels)
  }];
  let hasVerifier = 1;
}

def LogBTQ_CountCorrectOp : LogBTQ_Op<"count_correct", [Pure]> {
  let summary = "How many rows have their largest logit at the label";
  let description = [{
    Ties go to the lowest class index, as `argmax` does. The count is an f32
    so that it travels with the other statistics.

    ```mlir
    %n = logbtq.count_correct %logits, %labels : tensor<64x10xf32>, tensor<64xi32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$logits, LogBTQ_Labels:$labels);
  let results = (outs F32:$count);
  let assemblyFormat = [{
    $logits `,` $labels attr-dict `:` type($logits) `,` type($labels)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Gradients
//===----------------------------------------------------------------------===//

class LogBTQ_GradOp<string mnemonic, list<Trait> traits = []>
    : LogBTQ_Op<mnemonic, !listconcat([Pure, LogBTQ_SameElementKind,
                                       LogBTQ_ComputesGradient], traits)> {
  let hasVerifier = 1;
}

def LogBTQ_SoftmaxCrossEntropyGradOp
    : LogBTQ_GradOp<"softmax_cross_entropy_grad"> {
  let summary = "Gradient of the mean cross-entropy with respect to logits";
  let description = [{
    `(softmax(logits) - onehot(labels)) / N * scale`, `scale` being the
    gradient of the loss.

    ```mlir
    %g = logbtq.softmax_cross_entropy_grad %logits, %labels, %s : tensor<64x10xf32>, tensor<64xi32> -> tensor<64x10xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$logits, LogBTQ_Labels:$labels,
                       F32:$scale);
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = [{
    $logits `,` $labels `,` $scale attr-dict `:` type($logits) `,` type($labels) `->` type($result)
  }];
}

def LogBTQ_TargetLossGradOp : LogBTQ_GradOp<"target_loss_grad"> {
  let summary = "Gradient of a target_loss with respect to the logits";
  let description = [{
    `scale / (N C)` times `2 (x - t)` (mse), `sign(x - t)` (l1, 0 at 0) or
    `sigmoid(x) - t` (bce_with_logits), `t = onehot(labels)`.

    ```mlir
    %g = logbtq.target_loss_grad %logits, %labels, %s {kind = "mse"} : tensor<64x10xf32>, tensor<64xi32> -> tensor<64x10xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$logits, LogBTQ_Labels:$labels,
                       F32:$scale, StrAttr:$kind);
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = [{
    $logits `,` $labels `,` $scale attr-dict `:` type($logits) `,` type($labels) `->` type($result)
  }];
}

class LogBTQ_PointwiseGradOp<string mnemonic>
    : LogBTQ_GradOp<mnemonic, [SameOperandsAndResultShape]> {
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = [{
    $grad `,` $value attr-dict `:` type($grad) `,` type($value) `->` type($result)
  }];
}

def LogBTQ_ReluGradOp : LogBTQ_PointwiseGradOp<"relu_grad"> {
  let hasVerifier = 0;
  let summary = "grad where input > 0, else 0";
  let description = [{
    `value` is the relu's input.

    ```mlir
    %dx = logbtq.relu_grad %dy, %x : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$grad, LogBTQ_Tensor:$value);
}

def LogBTQ_SigmoidGradOp : LogBTQ_PointwiseGradOp<"sigmoid_grad"> {
  let hasVerifier = 0;
  let summary = "grad * y * (1 - y), y being the sigmoid's output";
  let description = [{
    ```mlir
    %dx = logbtq.sigmoid_grad %dy, %y : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$grad, LogBTQ_Tensor:$value);
}

def LogBTQ_TanhGradOp : LogBTQ_PointwiseGradOp<"tanh_grad"> {
  let hasVerifier = 0;
  let summary = "grad * (1 - y^2), y being the tanh's output";
  let description = [{
    ```mlir
    %dx = logbtq.tanh_grad %dy, %y : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$grad, LogBTQ_Tensor:$value);
}

def LogBTQ_ClipGradOp : LogBTQ_PointwiseGradOp<"clip_grad"> {
  let summary = "grad where min <= input <= max, else 0";
  let description = [{
    Bounds inclusive, as PyTorch's `clamp` backward.

    ```mlir
    %dx = logbtq.clip_grad %dy, %x {min = 0.0 : f32, max = 6.0 : f32} : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$grad, LogBTQ_Tensor:$value,
                       F32Attr:$min, F32Attr:$max);
}

def LogBTQ_SoftmaxGradOp : LogBTQ_PointwiseGradOp<"softmax_grad"> {
  let summary = "y * (grad - sum(grad * y, axis)), y being the softmax";
  let description = [{
    ```mlir
    %dx = logbtq.softmax_grad %dy, %y {axis = 1 : i64} : tensor<4x10xf32>, tensor<4x10xf32> -> tensor<4x10xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$grad, LogBTQ_Tensor:$value,
                       I64Attr:$axis);
}

def LogBTQ_LogSoftmaxGradOp : LogBTQ_PointwiseGradOp<"log_softmax_grad"> {
  let summary = "grad - exp(y) * sum(grad, axis), y being the log-softmax";
  let description = [{
    ```mlir
    %dx = logbtq.log_softmax_grad %dy, %y {axis = 1 : i64} : tensor<4x10xf32>, tensor<4x10xf32> -> tensor<4x10xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$grad, LogBTQ_Tensor:$value,
                       I64Attr:$axis);
}

def LogBTQ_MaxPool2DGradOp : LogBTQ_GradOp<"max_pool2d_grad"> {
  let summary = "Routes each window's gradient to its (first) maximum";
  let description = [{
    The gradient of `max_pool2d` with the same attributes: every output
    gradient goes to the first position (row-major within the window) that
    holds the window's maximum; overlapping windows accumulate.

    ```mlir
    %dx = logbtq.max_pool2d_grad %dy, %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>}
        : tensor<8x16x14x14xf32>, tensor<8x16x28x28xf32> -> tensor<8x16x28x28xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$grad, LogBTQ_Tensor:$input,
                       DenseI64ArrayAttr:$kernel,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
                       UnitAttr:$ceil_mode);
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = [{
    $grad `,` $input attr-dict `:` type($grad) `,` type($input) `->` type($result)
  }];
}

def LogBTQ_AvgPool2DGradOp : LogBTQ_GradOp<"avg_pool2d_grad"> {
  let summary = "Spreads each window's gradient evenly over the window";
  let description = [{
    The gradient of `avg_pool2d` with the same attributes; the result type
    gives the input shape.

    ```mlir
    %dx = logbtq.avg_pool2d_grad %dy {kernel = array<i64: 7, 7>} : tensor<8x32x1x1xf32> -> tensor<8x32x7x7xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$grad, DenseI64ArrayAttr:$kernel,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
                       UnitAttr:$ceil_mode, UnitAttr:$count_include_pad);
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = "$grad attr-dict `:` type($grad) `->` type($result)";
}

def LogBTQ_Conv2DGradInputOp : LogBTQ_GradOp<"conv2d_grad_input"> {
  let summary = "Gradient of conv2d with respect to its input";
  let description = [{
    The transposed convolution of the output gradient with the filter; the
    result type gives the input shape (strides can make it ambiguous).

    ```mlir
    %dx = logbtq.conv2d_grad_input %dy, %w {pads = array<i64: 2, 2, 2, 2>}
        : (tensor<8x16x28x28xf32>, tensor<16x1x5x5xf32>) -> tensor<8x1x28x28xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$grad, LogBTQ_Tensor:$filter,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations);
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = [{
    $grad `,` $filter attr-dict `:` functional-type(operands, results)
  }];
}

def LogBTQ_Conv2DGradFilterOp : LogBTQ_GradOp<"conv2d_grad_filter"> {
  let summary = "Gradient of conv2d with respect to its filter";
  let description = [{
    The correlation of the (padded) input with the output gradient, summed
    over the batch; the result type gives the filter shape.

    ```mlir
    %dw = logbtq.conv2d_grad_filter %dy, %x {pads = array<i64: 2, 2, 2, 2>}
        : (tensor<8x16x28x28xf32>, tensor<8x1x28x28xf32>) -> tensor<16x1x5x5xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$grad, LogBTQ_Tensor:$input,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations);
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = [{
    $grad `,` $input attr-dict `:` functional-type(operands, results)
  }];
}

def LogBTQ_BatchNormGradOp : LogBTQ_GradOp<"batch_norm_grad"> {
  let summary = "Gradients of batch normalization (input, scale, bias)";
  let description = [{
    With `inv = 1 / sqrt(variance + epsilon)`, `xhat = (x - mean) * inv`,
    sums over every dimension but the channel (1) and `M` values per channel:
    `dbias = sum(grad)`, `dscale = sum(grad * xhat)`, and

    - stored statistics (`logbtq.batch_norm`, they are constants):
      `dx = grad * scale * inv`;
    - `batch_statistics` (`logbtq.batch_norm_train`, the mean and the biased
      variance are functions of `x`):
      `dx = scale * inv * (grad - dbias / M - xhat * dscale / M)`,
      PyTorch's gradient in `train()` mode.

    ```mlir
    %dx, %ds, %db = logbtq.batch_norm_grad %dy, %x, %scale, %mean, %var {epsilon = 1.0e-5 : f32}
        : (tensor<4x3x5x5xf32>, tensor<4x3x5x5xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>)
        -> (tensor<4x3x5x5xf32>, tensor<3xf32>, tensor<3xf32>)
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$grad, LogBTQ_Tensor:$input,
                       LogBTQ_Tensor:$scale, LogBTQ_Tensor:$mean,
                       LogBTQ_Tensor:$variance, F32Attr:$epsilon,
                       UnitAttr:$batch_statistics);
  let results = (outs LogBTQ_Tensor:$input_grad, LogBTQ_Tensor:$scale_grad,
                      LogBTQ_Tensor:$bias_grad);
  let assemblyFormat = [{
    operands attr-dict `:` functional-type(operands, results)
  }];
}

def LogBTQ_ReduceSumOp : LogBTQ_GradOp<"reduce_sum"> {
  let summary = "Sums over the given axes, which the result drops";
  let description = [{
    Used to undo broadcasting in gradients.

    ```mlir
    %s = logbtq.reduce_sum %x {axes = array<i64: 0>} : tensor<64x256xf32> -> tensor<256xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$input, DenseI64ArrayAttr:$axes);
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def LogBTQ_SliceOp
    : LogBTQ_GradOp<"slice", [LogBTQ_SelectsInputValues]> {
  let summary = "A static box of a tensor (unit strides)";
  let description = [{
    ```mlir
    %s = logbtq.slice %x {offsets = array<i64: 0, 3>} : tensor<2x8xf32> -> tensor<2x5xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$input, DenseI64ArrayAttr:$offsets);
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def LogBTQ_StridedSliceGradOp : LogBTQ_GradOp<"strided_slice_grad",
    [LogBTQ_SelectsInputValues]> {
  let summary = "Gradient of strided_slice: the box's gradient in zeros";
  let description = [{
    A tensor of the result type, zero except at the positions
    `offsets + i * strides`, which hold `grad[i]`.

    ```mlir
    %dx = logbtq.strided_slice_grad %dy {offsets = array<i64: 0, 1>, strides = array<i64: 1, 2>} : tensor<4x3xf32> -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$grad, DenseI64ArrayAttr:$offsets,
                       DenseI64ArrayAttr:$strides);
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = "$grad attr-dict `:` type($grad) `->` type($result)";
}

def LogBTQ_GatherGradOp : LogBTQ_GradOp<"gather_grad"> {
  let summary = "Gradient of gather with respect to its input (scatter-add)";
  let description = [{
    A tensor of the gathered input's type (the result's), zero except where
    indices point: `result[o, k, t]` is the sum of `grad[o, j, t]` over the
    `j` whose index (wrapped and clamped as `logbtq.gather` reads it) is
    `k`. An index taken twice gets both gradients.

    ```mlir
    %dt = logbtq.gather_grad %dy, %ids {axis = 0 : i64} : (tensor<8x5x16xf32>, tensor<8x5xi64>) -> tensor<100x16xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$grad,
                       RankedTensorOf<[I64, I32]>:$indices, I64Attr:$axis);
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = [{
    operands attr-dict `:` functional-type(operands, results)
  }];
}

def LogBTQ_BarrierGradOp : LogBTQ_GradOp<"barrier_grad"> {
  let summary = "Gradient of a barrier penalty with respect to its input";
  let description = [{
    `scale * sign(x) * psi_t'(|x| - bound) / n` elementwise (docs/MU8.md),
    `scale` being the gradient flowing into the penalty (lambda for a term of
    the loss).

    ```mlir
    %dx = logbtq.barrier_grad %x, %t, %scale {bound = 1.0 : f32} : tensor<64x256xf32> -> tensor<64x256xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$input, F32:$t, F32:$scale,
                       DefaultValuedAttr<F32Attr, "1.0">:$bound);
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $t `,` $scale attr-dict `:` type($input) `->` type($result)
  }];
}

//===----------------------------------------------------------------------===//
// Batch normalization in training mode
//===----------------------------------------------------------------------===//

def LogBTQ_LayerNormGradOp : LogBTQ_GradOp<"layer_norm_grad"> {
  let summary = "Gradients of layer normalization (input, scale, bias)";
  let description = [{
    With the mean and the biased variance of `x` over the dimensions from
    `axis` on (computed again here, in f32), `inv = 1 / sqrt(variance +
    epsilon)`, `xhat = (x - mean) * inv` and `g = grad * scale`:
    `dbias = sum(grad)` and `dscale = sum(grad * xhat)` over the leading
    dimensions, and
    `dx = inv * (g - mean(g) - xhat * mean(g * xhat))`, the means over the
    normalized dimensions: PyTorch's `layer_norm` backward.

    ```mlir
    %dx, %ds, %db = logbtq.layer_norm_grad %dy, %x, %scale {axis = 2 : i64, epsilon = 1.0e-5 : f32}
        : (tensor<8x49x64xf32>, tensor<8x49x64xf32>, tensor<64xf32>)
        -> (tensor<8x49x64xf32>, tensor<64xf32>, tensor<64xf32>)
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$grad, LogBTQ_Tensor:$input,
                       LogBTQ_Tensor:$scale, I64Attr:$axis, F32Attr:$epsilon);
  let results = (outs LogBTQ_Tensor:$input_grad, LogBTQ_Tensor:$scale_grad,
                      LogBTQ_Tensor:$bias_grad);
  let assemblyFormat = [{
    operands attr-dict `:` functional-type(operands, results)
  }];
}

def LogBTQ_BatchNormTrainOp : LogBTQ_Op<"batch_norm_train", [Pure,
    LogBTQ_SameElementKind,
    DeclareOpInterfaceMethods<LogBTQ_DifferentiableOpInterface>]> {
  let summary = "Batch normalization with the batch's own statistics";
  let description = [{
    What `logbtq.batch_norm` computes while training (PyTorch's `train()`
    mode): per channel (dim 1), `mean` and the biased `variance` of the
    input over every other dimension, then
    `scale * (x - mean) / sqrt(variance + epsilon) + bias`. Results: the
    normalized tensor and the two statistics, which the gradient and the
    running statistics' update read.

    ```mlir
    %y, %mean, %var = logbtq.batch_norm_train %x, %scale, %bias {epsilon = 1.0e-5 : f32}
        : (tensor<64x16x28x28xf32>, tensor<16xf32>, tensor<16xf32>)
        -> (tensor<64x16x28x28xf32>, tensor<16xf32>, tensor<16xf32>)
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$input, LogBTQ_Tensor:$scale,
                       LogBTQ_Tensor:$bias,
                       DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon);
  let results = (outs LogBTQ_Tensor:$result, LogBTQ_Tensor:$batch_mean,
                      LogBTQ_Tensor:$batch_variance);
  let assemblyFormat = [{
    operands attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def LogBTQ_RunningStatsUpdateOp : LogBTQ_Op<"running_stats_update", [Pure,
    AllTypesMatch<["running_mean", "new_running_mean"]>,
    AllTypesMatch<["running_variance", "new_running_variance"]>]> {
  let summary = "The running statistics after one training batch";
  let description = [{
    `mean' = momentum * mean + (1 - momentum) * batch_mean` and
    `var' = momentum * var + (1 - momentum) * batch_variance * count /
    (count - 1)`: ONNX's `momentum`, and PyTorch's unbiased variance in the
    running estimate (`count` values per channel; ONNX's reference keeps
    the biased one, docs/Training.md).

    ```mlir
    %m2, %v2 = logbtq.running_stats_update %m, %v, %bm, %bv {count = 50176 : i64, momentum = 0.9 : f32}
        : tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$running_mean,
                       LogBTQ_Tensor:$running_variance,
                       LogBTQ_Tensor:$batch_mean,
                       LogBTQ_Tensor:$batch_variance,
                       F32Attr:$momentum, I64Attr:$count);
  let results = (outs LogBTQ_Tensor:$new_running_mean,
                      LogBTQ_Tensor:$new_running_variance);
  let assemblyFormat = [{
    operands attr-dict `:` type($running_mean) `,` type($running_variance) `,` type($batch_mean) `,` type($batch_variance)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Optimizer
//===----------------------------------------------------------------------===//

def LogBTQ_GlobalNormOp : LogBTQ_Op<"global_norm", [Pure]> {
  let summary = "The L2 norm of several tensors taken together";
  let description = [{
    `sqrt(sum over every element of every input of x^2)`, the total norm
    that gradient clipping compares with its limit (PyTorch's
    `clip_grad_norm_` with `norm_type = 2`). The squares are summed in f64.

    ```mlir
    %n = logbtq.global_norm %g0, %g1 : tensor<256x784xf32>, tensor<256xf32>
    ```
  }];
  let arguments = (ins Variadic<LogBTQ_Tensor>:$inputs);
  let results = (outs F32:$result);
  let assemblyFormat = "$inputs attr-dict `:` type($inputs)";
  let hasVerifier = 1;
}

def LogBTQ_SGDUpdateOp : LogBTQ_Op<"sgd_update", [Pure,
    AllTypesMatch<["param", "new_param"]>,
    AllTypesMatch<["momentum_buffer", "new_momentum"]>]> {
  let summary = "One SGD step with momentum and weight decay";
  let description = [{
    As PyTorch's `torch.optim.SGD`: `g = grad + weight_decay * param`,
    `momentum' = momentum_factor * momentum + g`,
    `param' = param - lr * momentum'`. With a `grad_scale` (gradient
    clipping's coefficient) the gradient is `grad_scale * grad` first.

    ```mlir
    %p2, %m2 = logbtq.sgd_update %p, %g, %m, %lr {momentum = 0.9 : f32}
        : tensor<256x784xf32>, tensor<256x784xf32>, tensor<256x784xf32>
    %p3, %m3 = logbtq.sgd_update %p, %g, %m, %lr grad_scale %c
        : tensor<256x784xf32>, tensor<256x784xf32>, tensor<256x784xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$param, LogBTQ_Tensor:$grad,
                       LogBTQ_Tensor:$momentum_buffer, F32:$lr,
                       Optional<F32>:$grad_scale,
                       DefaultValuedAttr<F32Attr, "0.0">:$momentum,
                       DefaultValuedAttr<F32Attr, "0.0">:$weight_decay);
  let results = (outs LogBTQ_Tensor:$new_param, LogBTQ_Tensor:$new_momentum);
  let assemblyFormat = [{
    $param `,` $grad `,` $momentum_buffer `,` $lr (`grad_scale` $grad_scale^)? attr-dict `:` type($param) `,` type($grad) `,` type($momentum_buffer)
  }];
  let hasVerifier = 1;
  let builders = [
    OpBuilder<(ins "::mlir::Value":$param, "::mlir::Value":$grad,
                   "::mlir::Value":$momentumBuffer, "::mlir::Value":$lr,
                   "float":$momentum, "float":$weightDecay,
                   CArg<"::mlir::Value", "{}">:$gradScale), [{
      build($_builder, $_state, param.getType(), momentumBuffer.getType(),
            param, grad, momentumBuffer, lr, gradScale,
            $_builder.getF32FloatAttr(momentum),
            $_builder.getF32FloatAttr(weightDecay));
    }]>
  ];
}

def LogBTQ_AdamUpdateOp : LogBTQ_Op<"adam_update", [Pure,
    AllTypesMatch<["param", "new_param"]>,
    AllTypesMatch<["first_moment", "new_first_moment"]>,
    AllTypesMatch<["second_moment_sqrt", "new_second_moment_sqrt"]>]> {
  let summary = "One Adam or AdamW step with bias correction";
  let description = [{
    As PyTorch's `torch.optim.Adam` (or, with `decoupled`, `torch.optim.AdamW`)
    at step `t = step + 1` (`step` numbers the run's steps from 0):

    - `g = grad_scale * grad` (gradient clipping; 1 without it);
    - Adam: `g = g + weight_decay * param`; AdamW:
      `param = param * (1 - lr * weight_decay)`;
    - `m' = beta1 * m + (1 - beta1) * g`,
      `v' = beta2 * v + (1 - beta2) * g * g`;
    - `param' = param - lr / (1 - beta1^t) * m' /
       (sqrt(v') / sqrt(1 - beta2^t) + eps)`.

    The second moment is carried as its square root `s = sqrt(v)`: in MU8
    its codes then span the decades of the gradient, not twice as many
    (docs/Quantization.md). Results: the new parameter, `m'` and `sqrt(v')`.

    ```mlir
    %p2, %m2, %s2 = logbtq.adam_update %p, %g, %m, %s, %lr, %step
        {beta1 = 0.9 : f32, beta2 = 0.999 : f32, eps = 1.0e-8 : f32}
        : tensor<256x784xf32>, tensor<256x784xf32>, tensor<256x784xf32>, tensor<256x784xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$param, LogBTQ_Tensor:$grad,
                       LogBTQ_Tensor:$first_moment,
                       LogBTQ_Tensor:$second_moment_sqrt, F32:$lr, I64:$step,
                       Optional<F32>:$grad_scale,
                       DefaultValuedAttr<F32Attr, "0.9">:$beta1,
                       DefaultValuedAttr<F32Attr, "0.999">:$beta2,
                       DefaultValuedAttr<F32Attr, "1.0e-8">:$eps,
                       DefaultValuedAttr<F32Attr, "0.0">:$weight_decay,
                       UnitAttr:$decoupled);
  let results = (outs LogBTQ_Tensor:$new_param,
                      LogBTQ_Tensor:$new_first_moment,
                      LogBTQ_Tensor:$new_second_moment_sqrt);
  let assemblyFormat = [{
    $param `,` $grad `,` $first_moment `,` $second_moment_sqrt `,` $lr `,` $step (`grad_scale` $grad_scale^)? attr-dict `:` type($param) `,` type($grad) `,` type($first_moment) `,` type($second_moment_sqrt)
  }];
  let hasVerifier = 1;
}

#endif // LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQTRAININGOPS_TD
