//===- LogBTQInterfaces.td - logbtq op interfaces ----------*- tablegen -*-===//

#ifndef LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQINTERFACES_TD
#define LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQINTERFACES_TD

include "mlir/IR/OpBase.td"

def LogBTQ_DifferentiableOpInterface : OpInterface<"DifferentiableOpInterface"> {
  let cppNamespace = "::mlir::logbtq";
  let description = [{
    An op that can emit its vector-Jacobian product as logbtq ops. Reverse-mode
    autodiff (`-logbtq-build-training`) walks a function backwards and asks
    each op for the gradients of its operands given those of its results, so a
    new op becomes trainable by implementing this next to its definition.
  }];
  let methods = [
    InterfaceMethod<[{
        Emits, at the builder's insertion point, the gradient of every operand
        given the gradients of the results (`resultGrads[i]` is null when no
        gradient flows into result i). Appends one value per operand to
        `operandGrads`: null for an operand that has no gradient (labels,
        integer data, the barrier's `t`).
      }],
      "::llvm::LogicalResult", "emitVJP",
      (ins "::mlir::OpBuilder &":$builder,
           "::mlir::ValueRange":$resultGrads,
           "::llvm::SmallVectorImpl<::mlir::Value> &":$operandGrads)>
  ];
}

#endif // LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQINTERFACES_TD
