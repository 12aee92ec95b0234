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
