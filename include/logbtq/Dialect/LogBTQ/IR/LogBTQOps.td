//===- LogBTQOps.td - logbtq operations --------------------*- tablegen -*-===//

#ifndef LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQOPS_TD
#define LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQOPS_TD

include "logbtq/Dialect/LogBTQ/IR/LogBTQInterfaces.td"
include "logbtq/Dialect/LogBTQ/IR/LogBTQTraits.td"
include "logbtq/Dialect/LogBTQ/IR/LogBTQTypes.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/Interfaces/SideEffectInterfaces.td"


//===----------------------------------------------------------------------===//
// Conversions between f32 and MU8
//===----------------------------------------------------------------------===//

def LogBTQ_EncodeOp : LogBTQ_Op<"encode", [Pure]> {
  let summary = "Round f32 values to MU8 codes";
  let description = [{
    Encodes each element to the nearest MU8 level in the linear domain (ties
    away from zero). Values beyond the range saturate to +-127 and NaN
    encodes to 0 (docs/MU8.md). The range comes from the result type; a
    dynamic range (`!logbtq.mu8<?>`) takes its exponent as an operand.

    ```mlir
    %c = logbtq.encode %x : tensor<4xf32> -> tensor<4x!logbtq.mu8>
    %g = logbtq.encode %dx exponent %e : tensor<4xf32> -> tensor<4x!logbtq.mu8<?>>
    ```

    On a constant input it folds to a `logbtq.constant` of the codes, with
    exactly the numerics of the runtime.
  }];
  let arguments = (ins LogBTQ_F32Tensor:$input, Optional<I32>:$exponent);
  let results = (outs LogBTQ_MU8Tensor:$result);
  let assemblyFormat = [{
    $input (`exponent` $exponent^)? attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def LogBTQ_DecodeOp : LogBTQ_Op<"decode", [Pure]> {
  let summary = "Expand MU8 codes to f32 values";
  let description = [{
    Maps each code to its level, `sign(c) * 2^e * (256^(|c|/127) - 1) / 255`.
    The range comes from the operand type; a dynamic range takes its exponent
    as an operand.

    ```mlir
    %x = logbtq.decode %c : tensor<4x!logbtq.mu8<4>> -> tensor<4xf32>
    ```

    On constant codes it folds to an `arith.constant`.
  }];
  let arguments = (ins LogBTQ_MU8Tensor:$input, Optional<I32>:$exponent);
  let results = (outs LogBTQ_F32Tensor:$result);
  let assemblyFormat = [{
    $input (`exponent` $exponent^)? attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def LogBTQ_ConstantOp : LogBTQ_Op<"constant", [ConstantLike, Pure]> {
  let summary = "A constant tensor of MU8 codes";
  let description = [{
    Holds MU8 codes as an i8 elements attribute of the result's shape; every
    code lies in [-127, 127].

    ```mlir
    %c = logbtq.constant dense<[0, 127, -64]> : tensor<3xi8> -> tensor<3x!logbtq.mu8>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs LogBTQ_MU8Tensor:$result);
  let assemblyFormat = "$value attr-dict `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Training terms
//===----------------------------------------------------------------------===//

def LogBTQ_BarrierOp : LogBTQ_Op<"barrier",
    [Pure, DeclareOpInterfaceMethods<LogBTQ_DifferentiableOpInterface>]> {
  let summary = "Log-barrier extension penalty of a tensor";
  let description = [{
    The mean over the elements of `psi_t(|x| - bound)`, the log-barrier
    extension of Kervadec et al. (2019):
    `psi_t(z) = -(1/t) log(-z)` for `z <= -1/t^2`, and its tangent line
    `t z - (1/t) log(1/t^2) + 1/t` beyond. It is finite everywhere, so it
    also pulls back values that have already left the range. `t` is a
    run-time scalar (it grows every epoch); `bound` (default 1) is in the
    units of the values, and must be positive. An MU8 input with a static
    range is decoded first.

    ```mlir
    %p = logbtq.barrier %x, %t {bound = 1.0 : f32} : tensor<64x256xf32>
    ```

    Folds when both `x` and `t` are constants and `t > 0`.
  }];
  let arguments = (ins TensorOf<[F32, LogBTQ_MU8Code]>:$input, F32:$t,
                       DefaultValuedAttr<F32Attr, "1.0">:$bound);
  let results = (outs F32:$result);
  let assemblyFormat = "$input `,` $t attr-dict `:` type($input)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

include "logbtq/Dialect/LogBTQ/IR/LogBTQGraphOps.td"
include "logbtq/Dialect/LogBTQ/IR/LogBTQTrainingOps.td"
include "logbtq/Dialect/LogBTQ/IR/LogBTQQuantOps.td"

#endif // LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQOPS_TD
