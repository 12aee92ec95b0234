//===- LogBTQGraphOps.td - logbtq graph operations ---------*- tablegen -*-===//
//
// The layers of a network, as the front ends (ONNX import, Linalg raising)
// produce them. Every op works on ranked tensors of f32 or MU8 elements, so
// quantization changes types, not op kinds; a verifier checks the result shape
// (shape rules in ShapeInference.h, shared with the importers) and that f32
// stays f32 and MU8 stays MU8 (an MU8 result may pick its own range).
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQGRAPHOPS_TD
#define LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQGRAPHOPS_TD

class LogBTQ_GraphOp<string mnemonic, list<Trait> traits = []>
    : LogBTQ_Op<mnemonic, !listconcat([Pure, LogBTQ_SameElementKind,
        DeclareOpInterfaceMethods<LogBTQ_DifferentiableOpInterface>], traits)> {
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Linear layers
//===----------------------------------------------------------------------===//

def LogBTQ_MatmulOp : LogBTQ_GraphOp<"matmul"> {
  let summary = "Matrix product of two 2-D tensors, optionally transposed";
  let description = [{
    `result = op(lhs) * op(rhs)` where `op` transposes its operand when
    `transpose_lhs` / `transpose_rhs` is set. A fully connected layer with
    PyTorch's weight layout (`out x in`) is `matmul %x, %w {transpose_rhs}`;
    ONNX `Gemm` imports as a matmul followed by `add` of the bias (and `mul`
    by alpha/beta when they are not 1).

    ```mlir
    %y = logbtq.matmul %x, %w {transpose_rhs} : tensor<64x784xf32>, tensor<256x784xf32> -> tensor<64x256xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$lhs, LogBTQ_Tensor:$rhs,
                       UnitAttr:$transpose_lhs, UnitAttr:$transpose_rhs);
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
}

def LogBTQ_BatchMatmulOp : LogBTQ_GraphOp<"batch_matmul"> {
  let summary = "Matrix products over leading batch dimensions";
  let description = [{
    `lhs [..., M, K] x rhs [..., K, N] -> [..., M, N]`, one product per index
    of the leading dimensions, which both operands share (rank >= 3); the
    transpose flags transpose the last two dimensions. Attention's scores
    and weighted sums are batch_matmuls over batch and heads.

    ```mlir
    %s = logbtq.batch_matmul %q, %k {transpose_rhs} : tensor<8x4x49x16xf32>, tensor<8x4x49x16xf32> -> tensor<8x4x49x49xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$lhs, LogBTQ_Tensor:$rhs,
                       UnitAttr:$transpose_lhs, UnitAttr:$transpose_rhs);
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
}

def LogBTQ_Conv2DOp : LogBTQ_GraphOp<"conv2d"> {
  let summary = "2-D convolution, NCHW input and FCHW filter";
  let description = [{
    Cross-correlation as in ONNX `Conv` with `group = 1`: input `N x C x H x W`,
    filter `F x C x KH x KW`, optional bias `F`, result `N x F x OH x OW` with
    `OH = (H + pad_top + pad_bottom - dilation_h * (KH - 1) - 1) / stride_h + 1`.
    `pads` is `[top, left, bottom, right]` (ONNX order).

    ```mlir
    %y = logbtq.conv2d %x, %w, %b {pads = array<i64: 2, 2, 2, 2>}
        : (tensor<64x1x28x28xf32>, tensor<16x1x5x5xf32>, tensor<16xf32>) -> tensor<64x16x28x28xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$input, LogBTQ_Tensor:$filter,
                       Optional<LogBTQ_Tensor>:$bias,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations);
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $filter (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

def LogBTQ_ConvTranspose2DOp : LogBTQ_GraphOp<"conv_transpose2d"> {
  let summary = "2-D transposed convolution, NCHW input and CFHW filter";
  let description = [{
    ONNX `ConvTranspose` with `group = 1`: the adjoint of `conv2d` with the
    same filter, strides, pads and dilations (what `conv2d_grad_input`
    computes for a gradient). Input `N x C x H x W`, filter
    `C x F x KH x KW`, optional bias `F`; the result type gives
    `N x F x OH x OW` with `OH = (H - 1) * stride_h - pad_top - pad_bottom +
    dilation_h * (KH - 1) + 1 + output_padding_h` (ONNX's `output_padding`,
    below the stride, only shows in the result type).

    ```mlir
    %y = logbtq.conv_transpose2d %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>}
        : (tensor<8x16x7x7xf32>, tensor<16x8x3x3xf32>, tensor<8xf32>) -> tensor<8x8x13x13xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$input, LogBTQ_Tensor:$filter,
                       Optional<LogBTQ_Tensor>:$bias,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations);
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $filter (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

class LogBTQ_UnaryOp<string mnemonic, list<Trait> traits = []>
    : LogBTQ_GraphOp<mnemonic, !listconcat([SameOperandsAndResultShape], traits)> {
  let arguments = (ins LogBTQ_Tensor:$input);
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def LogBTQ_ReluOp : LogBTQ_UnaryOp<"relu", [LogBTQ_SelectsInputValues]> {
  let hasVerifier = 0;
  let summary = "max(x, 0), elementwise";
  let description = [{
    ```mlir
    %y = logbtq.relu %x : tensor<64x256xf32> -> tensor<64x256xf32>
    ```
  }];
}

def LogBTQ_SigmoidOp : LogBTQ_UnaryOp<"sigmoid"> {
  let hasVerifier = 0;
  let summary = "1 / (1 + exp(-x)), elementwise";
  let description = [{
    ```mlir
    %y = logbtq.sigmoid %x : tensor<8xf32> -> tensor<8xf32>
    ```
  }];
}

def LogBTQ_TanhOp : LogBTQ_UnaryOp<"tanh"> {
  let hasVerifier = 0;
  let summary = "tanh(x), elementwise";
  let description = [{
    ```mlir
    %y = logbtq.tanh %x : tensor<8xf32> -> tensor<8xf32>
    ```
  }];
}

def LogBTQ_ExpOp : LogBTQ_UnaryOp<"exp"> {
  let hasVerifier = 0;
  let summary = "exp(x), elementwise";
  let description = [{
    ```mlir
    %y = logbtq.exp %x : tensor<8xf32> -> tensor<8xf32>
    ```
  }];
}

def LogBTQ_LogOp : LogBTQ_UnaryOp<"log"> {
  let hasVerifier = 0;
  let summary = "ln(x), elementwise";
  let description = [{
    Not a number below 0 and -inf at 0, as ONNX `Log`.

    ```mlir
    %y = logbtq.log %x : tensor<8xf32> -> tensor<8xf32>
    ```
  }];
}

def LogBTQ_SqrtOp : LogBTQ_UnaryOp<"sqrt"> {
  let hasVerifier = 0;
  let summary = "sqrt(x), elementwise";
  let description = [{
    Not a number below 0, as ONNX `Sqrt`.

    ```mlir
    %y = logbtq.sqrt %x : tensor<8xf32> -> tensor<8xf32>
    ```
  }];
}

def LogBTQ_ErfOp : LogBTQ_UnaryOp<"erf"> {
  let hasVerifier = 0;
  let summary = "The error function erf(x), elementwise";
  let description = [{
    GELU's exact form is `0.5 x (1 + erf(x / sqrt(2)))`, which PyTorch exports
    as `Div`, `Erf`, `Add`, `Mul` nodes.

    ```mlir
    %y = logbtq.erf %x : tensor<8xf32> -> tensor<8xf32>
    ```
  }];
}

def LogBTQ_NegOp : LogBTQ_UnaryOp<"neg"> {
  let hasVerifier = 0;
  let summary = "-x, elementwise";
  let description = [{
    ```mlir
    %y = logbtq.neg %x : tensor<8xf32> -> tensor<8xf32>
    ```
  }];
}

def LogBTQ_AbsOp : LogBTQ_UnaryOp<"abs"> {
  let hasVerifier = 0;
  let summary = "|x|, elementwise";
  let description = [{
    Its gradient is `sign(x)` (0 at 0, as PyTorch's).

    ```mlir
    %y = logbtq.abs %x : tensor<8xf32> -> tensor<8xf32>
    ```
  }];
}

def LogBTQ_SoftplusOp : LogBTQ_UnaryOp<"softplus"> {
  let hasVerifier = 0;
  let summary = "ln(1 + exp(x)), elementwise";
  let description = [{
    Computed as `max(x, 0) + ln(1 + exp(-|x|))`, which does not overflow.

    ```mlir
    %y = logbtq.softplus %x : tensor<8xf32> -> tensor<8xf32>
    ```
  }];
}

def LogBTQ_SignOp : LogBTQ_UnaryOp<"sign"> {
  let hasVerifier = 0;
  let summary = "-1, 0 or 1 by the sign of x, elementwise; no gradient";
  let description = [{
    Piecewise constant: its gradient is zero (none flows through it).

    ```mlir
    %y = logbtq.sign %x : tensor<8xf32> -> tensor<8xf32>
    ```
  }];
}

def LogBTQ_StepOp : LogBTQ_UnaryOp<"step"> {
  let hasVerifier = 0;
  let summary = "1 where x > 0, else 0, elementwise; no gradient";
  let description = [{
    The Heaviside step, 0 at 0. Gradients of piecewise ops use it as a mask
    (`leaky_relu`, `max`, `min`); its own gradient is zero.

    ```mlir
    %m = logbtq.step %x : tensor<8xf32> -> tensor<8xf32>
    ```
  }];
}

def LogBTQ_LeakyReluOp : LogBTQ_UnaryOp<"leaky_relu"> {
  let summary = "x where x >= 0, else alpha * x, elementwise";
  let description = [{
    ONNX `LeakyRelu`; `alpha` must be finite.

    ```mlir
    %y = logbtq.leaky_relu %x {alpha = 0.01 : f32} : tensor<8xf32> -> tensor<8xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$input,
                       DefaultValuedAttr<F32Attr, "0.01">:$alpha);
}

def LogBTQ_ClipOp : LogBTQ_UnaryOp<"clip"> {
  let summary = "min(max(x, min), max), elementwise";
  let description = [{
    ONNX `Clip` with constant bounds (PyTorch's `ReLU6` is `clip` 0..6).

    ```mlir
    %y = logbtq.clip %x {min = 0.0 : f32, max = 6.0 : f32} : tensor<8xf32> -> tensor<8xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$input, F32Attr:$min, F32Attr:$max);
}

def LogBTQ_DropoutOp : LogBTQ_UnaryOp<"dropout", [LogBTQ_RepeatsInputValues]> {
  let summary = "Dropout, the identity in logbtq's training graphs";
  let description = [{
    Kept so that the graph says where the model had dropout; it computes the
    identity (its gradient too). logbtq trains without dropout (docs/ONNX.md).

    ```mlir
    %y = logbtq.dropout %x {ratio = 0.5 : f32} : tensor<64x128xf32> -> tensor<64x128xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$input,
                       DefaultValuedAttr<F32Attr, "0.5">:$ratio);
}

class LogBTQ_BinaryOp<string mnemonic, list<Trait> traits = []>
    : LogBTQ_GraphOp<mnemonic, traits> {
  let arguments = (ins LogBTQ_Tensor:$lhs, LogBTQ_Tensor:$rhs);
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
}

def LogBTQ_AddOp : LogBTQ_BinaryOp<"add", [Commutative]> {
  let summary = "lhs + rhs, with numpy (ONNX) broadcasting";
  let description = [{
    ```mlir
    %y = logbtq.add %x, %b : tensor<64x256xf32>, tensor<256xf32> -> tensor<64x256xf32>
    ```
  }];
}

def LogBTQ_SubOp : LogBTQ_BinaryOp<"sub"> {
  let summary = "lhs - rhs, with numpy (ONNX) broadcasting";
  let description = [{
    ```mlir
    %y = logbtq.sub %x, %m : tensor<64x256xf32>, tensor<1x256xf32> -> tensor<64x256xf32>
    ```
  }];
}

def LogBTQ_MulOp : LogBTQ_BinaryOp<"mul", [Commutative]> {
  let summary = "lhs * rhs, with numpy (ONNX) broadcasting";
  let description = [{
    ```mlir
    %y = logbtq.mul %x, %s : tensor<64x256xf32>, tensor<f32> -> tensor<64x256xf32>
    ```
  }];
}

def LogBTQ_DivOp : LogBTQ_BinaryOp<"div"> {
  let summary = "lhs / rhs, with numpy (ONNX) broadcasting";
  let description = [{
    IEEE division: a zero divisor gives an infinity or a NaN, as ONNX `Div`.
    (The importer turns division by a constant into multiplication by its
    reciprocal, docs/ONNX.md.)

    ```mlir
    %y = logbtq.div %x, %s : tensor<64x256xf32>, tensor<64x1xf32> -> tensor<64x256xf32>
    ```
  }];
}

def LogBTQ_PowOp : LogBTQ_BinaryOp<"pow"> {
  let summary = "lhs ^ rhs, with numpy (ONNX) broadcasting";
  let description = [{
    As C's `powf`: a negative base with an integer exponent is defined.

    ```mlir
    %y = logbtq.pow %x, %two : tensor<64x256xf32>, tensor<f32> -> tensor<64x256xf32>
    ```
  }];
}

def LogBTQ_MaxOp : LogBTQ_BinaryOp<"max", [Commutative]> {
  let summary = "max(lhs, rhs), with numpy (ONNX) broadcasting";
  let description = [{
    NaN if either is NaN. The gradient goes to `lhs` where `lhs > rhs`, else
    to `rhs` (ties go to `rhs`).

    ```mlir
    %y = logbtq.max %a, %b : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>
    ```
  }];
}

def LogBTQ_MinOp : LogBTQ_BinaryOp<"min", [Commutative]> {
  let summary = "min(lhs, rhs), with numpy (ONNX) broadcasting";
  let description = [{
    NaN if either is NaN. The gradient goes to `lhs` where `lhs < rhs`, else
    to `rhs` (ties go to `rhs`).

    ```mlir
    %y = logbtq.min %a, %b : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>
    ```
  }];
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

def LogBTQ_ReduceOp : LogBTQ_GraphOp<"reduce"> {
  let summary = "Sum, mean, max or min over axes, which the result drops";
  let description = [{
    `kind` is `sum`, `mean`, `max` or `min`; `axes` are distinct and in
    range, and may be empty (the result is then the input). ONNX's
    `keepdims` is a `reshape` after it. The gradient of `max` and `min` goes
    to every element equal to the result.

    ```mlir
    %m = logbtq.reduce %x {kind = "mean", axes = array<i64: 2>} : tensor<8x16x64xf32> -> tensor<8x16xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$input, StrAttr:$kind,
                       DenseI64ArrayAttr:$axes);
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

class LogBTQ_Pool2DOp<string mnemonic, list<Trait> traits = []>
    : LogBTQ_GraphOp<mnemonic, traits> {
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def LogBTQ_MaxPool2DOp
    : LogBTQ_Pool2DOp<"max_pool2d", [LogBTQ_SelectsInputValues]> {
  let summary = "2-D max pooling over NCHW";
  let description = [{
    Window `kernel`, `strides` (default 1), `pads` `[top, left, bottom, right]`
    (padding never wins the max), `ceil_mode` as in ONNX `MaxPool`.

    ```mlir
    %y = logbtq.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>}
        : tensor<64x16x28x28xf32> -> tensor<64x16x14x14xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$input, DenseI64ArrayAttr:$kernel,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
                       UnitAttr:$ceil_mode);
}

def LogBTQ_AvgPool2DOp : LogBTQ_Pool2DOp<"avg_pool2d"> {
  let summary = "2-D average pooling over NCHW";
  let description = [{
    As ONNX `AveragePool`; padded positions count in the divisor only with
    `count_include_pad`. Global average pooling is the window of the whole
    image.

    ```mlir
    %y = logbtq.avg_pool2d %x {kernel = array<i64: 7, 7>}
        : tensor<64x32x7x7xf32> -> tensor<64x32x1x1xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$input, DenseI64ArrayAttr:$kernel,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
                       UnitAttr:$ceil_mode, UnitAttr:$count_include_pad);
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def LogBTQ_ReshapeOp : LogBTQ_GraphOp<"reshape",
    [LogBTQ_RepeatsInputValues, LogBTQ_SelectsInputValues]> {
  let summary = "The same elements in row-major order, another static shape";
  let description = [{
    ONNX `Reshape`, `Flatten`, `Squeeze` and `Unsqueeze` all import as this op,
    with the target shape resolved at import time.

    ```mlir
    %y = logbtq.reshape %x : tensor<64x32x7x7xf32> -> tensor<64x1568xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$input);
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

def LogBTQ_TransposeOp : LogBTQ_GraphOp<"transpose",
    [LogBTQ_RepeatsInputValues, LogBTQ_SelectsInputValues]> {
  let summary = "Permutes dimensions: result dim i is input dim perm[i]";
  let description = [{
    ```mlir
    %y = logbtq.transpose %x {perm = array<i64: 1, 0>} : tensor<3x4xf32> -> tensor<4x3xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def LogBTQ_ConcatOp
    : LogBTQ_GraphOp<"concat", [LogBTQ_SelectsInputValues]> {
  let summary = "Joins tensors along one axis";
  let description = [{
    ```mlir
    %y = logbtq.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
    ```
  }];
  let arguments = (ins Variadic<LogBTQ_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = [{
    $inputs attr-dict `:` functional-type($inputs, results)
  }];
}

def LogBTQ_StridedSliceOp : LogBTQ_GraphOp<"strided_slice",
    [LogBTQ_RepeatsInputValues, LogBTQ_SelectsInputValues]> {
  let summary = "A static box of a tensor, with positive strides";
  let description = [{
    Result element `i` (a multi-index) is input element
    `offsets + i * strides`; the result type gives the box's size, which
    must fit. ONNX `Slice` with positive steps and `Split` import as this op.

    ```mlir
    %y = logbtq.strided_slice %x {offsets = array<i64: 0, 1>, strides = array<i64: 1, 2>} : tensor<4x8xf32> -> tensor<4x3xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$input, DenseI64ArrayAttr:$offsets,
                       DenseI64ArrayAttr:$strides);
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def LogBTQ_GatherOp : LogBTQ_GraphOp<"gather",
    [LogBTQ_RepeatsInputValues, LogBTQ_SelectsInputValues]> {
  let summary = "Takes the entries of `indices` along one axis (ONNX Gather)";
  let description = [{
    The result has shape `input[:axis] + indices.shape + input[axis+1:]`;
    its element at `(o, j, t)` is `input[o, indices[j], t]`. A negative index
    counts from the end. An index outside `[-n, n)` reads the nearest end,
    since a compiled step cannot stop on it; the importer rejects known
    indices out of range.

    The indices are integers and get no gradient: the op is differentiable
    in `input` only (an embedding table's rows, a computed tensor's slices).

    ```mlir
    %y = logbtq.gather %table, %ids {axis = 0 : i64} : (tensor<100x16xf32>, tensor<8x5xi64>) -> tensor<8x5x16xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$input,
                       RankedTensorOf<[I64, I32]>:$indices, I64Attr:$axis);
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = [{
    operands attr-dict `:` functional-type(operands, results)
  }];
}

def LogBTQ_SelectOp : LogBTQ_GraphOp<"select", [LogBTQ_RepeatsInputValues]> {
  let summary = "Takes each element from one of two tensors by a mask (ONNX Where)";
  let description = [{
    `result = condition ? true_value : false_value`, element by element, the
    three operands broadcast numpy style. The importer builds it for ONNX
    `Where` with a condition known at import time (a mask), which it holds
    as an `i1` constant; a fill such as an attention mask's `-inf` is a
    float constant operand.

    The condition gets no gradient; each value operand gets the result's
    gradient where it is chosen and 0 elsewhere. The result holds only
    values of the operands, so it gets no barrier term of its own. In MU8
    it is stored at the activations' range, so a `-inf` fill is stored as
    the end of that range (and counted as saturated).

    ```mlir
    %y = logbtq.select %causal, %scores, %ninf : (tensor<50x50xi1>, tensor<8x4x50x50xf32>, tensor<f32>) -> tensor<8x4x50x50xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[I1]>:$condition,
                       LogBTQ_Tensor:$true_value, LogBTQ_Tensor:$false_value);
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = [{
    operands attr-dict `:` functional-type(operands, results)
  }];
}

def LogBTQ_BroadcastOp : LogBTQ_GraphOp<"broadcast",
    [LogBTQ_RepeatsInputValues, LogBTQ_SelectsInputValues]> {
  let summary = "Repeats the input to a larger shape, numpy style";
  let description = [{
    ONNX `Expand`: the input's dimensions align with the result's trailing
    ones, and each is either the result's or 1 (repeated).

    ```mlir
    %y = logbtq.broadcast %x : tensor<1x64xf32> -> tensor<8x50x64xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$input);
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

def LogBTQ_SoftmaxOp : LogBTQ_GraphOp<"softmax", [SameOperandsAndResultShape]> {
  let summary = "exp(x) / sum(exp(x)) along one axis";
  let description = [{
    ```mlir
    %p = logbtq.softmax %x {axis = 1 : i64} : tensor<64x10xf32> -> tensor<64x10xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$input, I64Attr:$axis);
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def LogBTQ_LogSoftmaxOp
    : LogBTQ_GraphOp<"log_softmax", [SameOperandsAndResultShape]> {
  let summary = "x - log(sum(exp(x))) along one axis";
  let description = [{
    ```mlir
    %p = logbtq.log_softmax %x {axis = 1 : i64} : tensor<64x10xf32> -> tensor<64x10xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$input, I64Attr:$axis);
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def LogBTQ_BatchNormOp : LogBTQ_GraphOp<"batch_norm"> {
  let summary = "Batch normalization with stored statistics";
  let description = [{
    `scale * (x - mean) / sqrt(var + epsilon) + bias` per channel (dim 1) with
    the stored (running) statistics, as ONNX `BatchNormalization` in
    inference mode. This is the form the model is evaluated in.

    While training, `-logbtq-build-training` normalizes with the batch's own
    statistics instead (`logbtq.batch_norm_train`) and updates `mean` and
    `var` after ONNX's `momentum`: `running = momentum * running +
    (1 - momentum) * batch` (PyTorch's `momentum` is `1 - momentum`), unless
    `scale` or `bias` is frozen or the statistics are frozen
    (docs/Training.md).

    ```mlir
    %y = logbtq.batch_norm %x, %scale, %bias, %mean, %var {epsilon = 1.0e-5 : f32, momentum = 0.9 : f32}
        : (tensor<64x16x28x28xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<64x16x28x28xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$input, LogBTQ_Tensor:$scale,
                       LogBTQ_Tensor:$bias, LogBTQ_Tensor:$mean,
                       LogBTQ_Tensor:$variance,
                       DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon,
                       DefaultValuedAttr<F32Attr, "0.9">:$momentum);
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = [{
    operands attr-dict `:` functional-type(operands, results)
  }];
}

def LogBTQ_LayerNormOp : LogBTQ_GraphOp<"layer_norm"> {
  let summary = "Layer normalization over the trailing dimensions";
  let description = [{
    Over the dimensions from `axis` on (the normalized shape, which `scale`
    and `bias` have), `(x - mean) / sqrt(variance + epsilon) * scale + bias`,
    the variance the biased one: ONNX `LayerNormalization` and PyTorch's
    `nn.LayerNorm`.

    One op rather than the chain of reductions and elementwise ops it
    computes, because the statistics must not be stored tensors: in MU8 a
    row's variance below the first level of its range rounds to 0, and
    `sqrt(epsilon)` then blows the row up. The mean and the variance live
    only inside the op's lowering, in f32, and `logbtq.layer_norm_grad`
    computes them again from `x`.

    ```mlir
    %y = logbtq.layer_norm %x, %scale, %bias {axis = 2 : i64, epsilon = 1.0e-5 : f32}
        : (tensor<64x49x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<64x49x64xf32>
    ```
  }];
  let arguments = (ins LogBTQ_Tensor:$input, LogBTQ_Tensor:$scale,
                       LogBTQ_Tensor:$bias, I64Attr:$axis,
                       DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon);
  let results = (outs LogBTQ_Tensor:$result);
  let assemblyFormat = [{
    operands attr-dict `:` functional-type(operands, results)
  }];
}

#endif // LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQGRAPHOPS_TD
