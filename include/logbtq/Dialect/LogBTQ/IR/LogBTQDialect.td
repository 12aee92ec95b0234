//===- LogBTQDialect.td - The logbtq dialect ---------------*- tablegen -*-===//

#ifndef LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQDIALECT_TD
#define LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQDIALECT_TD

include "mlir/IR/OpBase.td"

def LogBTQ_Dialect : Dialect {
  let name = "logbtq";
  let cppNamespace = "::mlir::logbtq";
  let summary = "Fully 8-bit (MU8) training of neural networks";
  let description = [{
    The `logbtq` dialect holds the graph of a neural network and its training
    step, with every tensor that lives in memory stored as MU8: an 8-bit
    mu-law code (sign + 7-bit companded magnitude, mu = 255) scaled by a
    power-of-two range. A log-barrier extension penalty (`logbtq.barrier`)
    keeps values inside their fixed ranges during training. The exact
    numerics are in docs/MU8.md.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let useDefaultTypePrinterParser = 1;

  // The attributes the front ends and passes attach to modules, and to the
  // arguments and results of functions (LogBTQAttributes.h says where each
  // may stand and what it means). The dialect verifies every `logbtq.*`
  // attribute: a misspelt name or a wrong kind of value is a diagnostic.
  let discardableAttrs = (ins
    "::mlir::StringAttr":$param,
    "::mlir::ElementsAttr":$init,
    "::mlir::UnitAttr":$frozen,
    "::mlir::UnitAttr":$statistic,
    "::mlir::StringAttr":$input,
    "::mlir::StringAttr":$output,
    "::mlir::UnitAttr":$labels,
    "::mlir::UnitAttr":$lr,
    "::mlir::UnitAttr":$barrier_t,
    "::mlir::UnitAttr":$barrier_penalty,
    "::mlir::StringAttr":$momentum,
    "::mlir::StringAttr":$gradient,
    "::mlir::IntegerAttr":$range,
    "::mlir::UnitAttr":$ranges,
    "::mlir::UnitAttr":$step,
    "::mlir::UnitAttr":$stats,
    "::mlir::StringAttr":$quant,
    "::mlir::IntegerAttr":$weight_range,
    "::mlir::StringAttr":$source,
    "::mlir::IntegerAttr":$opset,
    "::mlir::DictionaryAttr":$training,
    "::mlir::StringAttr":$model_info,
    "::mlir::ElementsAttr":$initial_params,
    "::mlir::StringAttr":$onnx_export
  );
  let hasOperationAttrVerify = 1;
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
  let hasConstantMaterializer = 1;
  let extraClassDeclaration = [{
  private:
    /// Defined next to the type storage classes, which must be complete.
    void registerTypes();
  public:
  }];
}

class LogBTQ_Op<string mnemonic, list<Trait> traits = []>
    : Op<LogBTQ_Dialect, mnemonic, traits>;

#endif // LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQDIALECT_TD
