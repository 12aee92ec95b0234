//===- LogBTQQuantOps.td - Ops of the quantized program ----*- tablegen -*-===//
//
// What -logbtq-quantize introduces: rounding of computed values to MU8 with
// counters, the per-tensor range of gradients, and integer kernels.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQQUANTOPS_TD
#define LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQQUANTOPS_TD

include "mlir/IR/RegionKindInterface.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"

def LogBTQ_QuantizeOp : LogBTQ_Op<"quantize",
    [Pure, AttrSizedOperandSegments]> {
  let summary = "Round f32 values to MU8 codes, counting saturations";
  let description = [{
    Encodes like `logbtq.encode` (round to nearest in the linear domain, ties
    away from zero; saturation at +-127; NaN to 0) and also returns how many
    elements saturated (NaNs included: both are values the code cannot
    hold) and how many codes are exactly 0 (the sparsity of the tensor).

    With a `seed`, rounding is stochastic: element `i` (row-major) rounds up
    with probability proportional to its linear distance from the lower
    level, drawing `uniform24(seed, i)` (docs/MU8.md). The weight and
    momentum updates use it so that updates smaller than half a step are not
    lost without a float32 master copy. With `keep_nonzero` (and a seed), a
    nonzero value that would round to magnitude 0 takes the first level:
    Adam's second moment divides the step and must not become 0.

    ```mlir
    %q, %sat, %zeros = logbtq.quantize %x : tensor<64x256xf32> -> tensor<64x256x!logbtq.mu8>
    %g, %s2, %z2 = logbtq.quantize %dx exponent %e : tensor<64x256xf32> -> tensor<64x256x!logbtq.mu8<?>>
    %w, %s3, %z3 = logbtq.quantize %nw seed %s : tensor<10x128xf32> -> tensor<10x128x!logbtq.mu8>
    ```
  }];
  let arguments = (ins LogBTQ_F32Tensor:$input, Optional<I32>:$exponent,
                       Optional<I64>:$seed, UnitAttr:$keep_nonzero);
  let results = (outs LogBTQ_MU8Tensor:$result, I32:$saturated, I32:$zeros);
  let assemblyFormat = [{
    $input (`exponent` $exponent^)? (`seed` $seed^)? attr-dict `:`
    type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def LogBTQ_RangeExponentOp : LogBTQ_Op<"range_exponent", [Pure]> {
  let summary = "The smallest power-of-two range that holds a tensor";
  let description = [{
    The smallest `e` in [-32, 32] with `max |x| <= 2^e` (NaNs ignored; -32
    for a tensor of zeros; 32 when even 2^32 is too small, and the encode
    then saturates and counts). Gradients and momentum take their range from
    it, once per tensor and step, so that no value saturates and small ones
    keep their resolution.

    ```mlir
    %e = logbtq.range_exponent %dx : tensor<64x256xf32>
    ```
  }];
  let arguments = (ins LogBTQ_F32Tensor:$input);
  let results = (outs I32:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def LogBTQ_IntegerKernelOp : LogBTQ_Op<"integer_kernel",
    [RecursiveMemoryEffects, SingleBlock,
     AttrSizedOperandSegments]> {
  let summary = "A matrix product or convolution of MU8 tensors in integers";
  let description = [{
    Its region holds one `matmul`, `batch_matmul`, `conv2d`,
    `conv2d_grad_input` or `conv2d_grad_filter` whose operands are the block
    arguments: the f32 values of the MU8 `inputs` (a dynamic range takes its exponent from
    `exponents`, in the order of the dynamic inputs). That is what the op
    means. It is lowered without float arithmetic in the product: codes are
    decoded through a table to int16 on a 13-fraction-bit grid, multiplied
    and summed in integers. The sum is exact in 64 bits; every output whose
    sum leaves the int32 range is counted in `overflows` and saturated to
    it, as an int32 accumulator with saturation would. The result is the
    accumulator scaled by `2^(e_a + e_b - 26)`, as f32, for the
    `logbtq.quantize` that follows. A conv2d bias is added to that result.

    ```mlir
    %y, %ovf = logbtq.integer_kernel ins(%x, %w : tensor<64x784x!logbtq.mu8>, tensor<256x784x!logbtq.mu8>) -> tensor<64x256xf32> {
    ^bb0(%a: tensor<64x784xf32>, %b: tensor<256x784xf32>):
      %m = logbtq.matmul %a, %b {transpose_rhs} : tensor<64x784xf32>, tensor<256x784xf32> -> tensor<64x256xf32>
      logbtq.yield %m : tensor<64x256xf32>
    }
    ```
  }];
  let arguments = (ins Variadic<LogBTQ_MU8Tensor>:$inputs,
                       Variadic<I32>:$exponents);
  let results = (outs LogBTQ_F32Tensor:$result, I32:$overflows);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    `ins` `(` $inputs `:` type($inputs) `)`
    (`exponents` `(` $exponents^ `)`)? `->` type($result) $body attr-dict
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The one computing op of the body.
    Operation *getKernel() { return &getBody().front().front(); }
  }];
}

def LogBTQ_YieldOp : LogBTQ_Op<"yield",
    [Pure, Terminator, HasParent<"IntegerKernelOp">]> {
  let summary = "The result of a logbtq.integer_kernel body";
  let arguments = (ins LogBTQ_F32Tensor:$value);
  let assemblyFormat = "$value attr-dict `:` type($value)";
}

def LogBTQ_BitcastOp : LogBTQ_Op<"bitcast", [Pure]> {
  let summary = "View i8 codes as an MU8 tensor of a range, or back";
  let description = [{
    Reinterprets a tensor of codes: `tensor<..xi8>` to `tensor<..x!logbtq.mu8<e>>`
    or the reverse, with the same shape. The flat trainer ABI stores every
    parameter's codes in one i8 buffer, while each parameter has its own
    range; this op is where a slice of that buffer gets its range.

    ```mlir
    %w = logbtq.bitcast %codes : tensor<10x128xi8> -> tensor<10x128x!logbtq.mu8>
    ```
  }];
  let arguments = (ins TensorOf<[I8, LogBTQ_MU8Code]>:$input);
  let results = (outs TensorOf<[I8, LogBTQ_MU8Code]>:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

#endif // LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQQUANTOPS_TD
