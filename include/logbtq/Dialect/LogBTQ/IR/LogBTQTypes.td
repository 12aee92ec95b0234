//===- LogBTQTypes.td - logbtq types -----------------------*- tablegen -*-===//

#ifndef LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQTYPES_TD
#define LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQTYPES_TD

include "logbtq/Dialect/LogBTQ/IR/LogBTQDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinTypeInterfaces.td"

def LogBTQ_MU8 : TypeDef<LogBTQ_Dialect, "MU8",
    [MemRefElementTypeInterface]> {
  let mnemonic = "mu8";
  let summary = "8-bit mu-law code with a power-of-two range";
  let description = [{
    An MU8 element is an int8 code `c` in [-127, 127] standing for
    `sign(c) * 2^e * ((1 + 255)^(|c|/127) - 1) / 255`, where `2^e` is the
    range of the tensor it belongs to. The range exponent `e` is a type
    parameter, so that fixed ranges (weights, activations) are visible in the
    IR and checked by verifiers:

    ```mlir
    tensor<4x!logbtq.mu8>      // e = 0: range 1
    tensor<10x!logbtq.mu8<4>>  // e = 4: range 16 (logits)
    tensor<8x!logbtq.mu8<?>>   // range chosen at run time
    ```

    A dynamic range (`?`) is used by gradients, whose power-of-two range is
    decided from their largest magnitude while they are computed; the ops
    that read or write such a tensor take the exponent as an `i32` operand.
    The exponent lies in [-32, 32]. In memory an element is one byte.
  }];
  let parameters = (ins "int32_t":$exponent);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let builders = [
    TypeBuilder<(ins), [{ return $_get($_ctxt, 0); }]>
  ];
  let skipDefaultBuilders = 0;
  let extraClassDeclaration = [{
    /// The exponent value that marks a range decided at run time.
    static constexpr int32_t kDynamic = std::numeric_limits<int32_t>::min();
    static MU8Type getDynamic(::mlir::MLIRContext *context) {
      return get(context, kDynamic);
    }
    bool isDynamic() const { return getExponent() == kDynamic; }
    /// The range 2^e of a static type.
    double getRange() const;
  }];
}

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

// Named for diagnostics: "must be tensor of MU8 code values".
def LogBTQ_MU8Code : Type<CPred<"::llvm::isa<::mlir::logbtq::MU8Type>($_self)">,
                          "MU8 code", "::mlir::logbtq::MU8Type">;
def LogBTQ_MU8Tensor : TensorOf<[LogBTQ_MU8Code]>;
def LogBTQ_F32Tensor : TensorOf<[F32]>;
// What graph ops compute on: f32 before quantization, MU8 after.
def LogBTQ_Tensor : RankedTensorOf<[F32, LogBTQ_MU8Code]>;

#endif // LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQTYPES_TD
