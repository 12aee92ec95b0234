//===- Inference.h - An imported @forward, compiled to run in-process -*- C++
//-*-===//
//
// logbtq-run's engine: the forward pass of an imported model lowered with the
// trainers' pipeline and compiled for this CPU by MLIR's ExecutionEngine, to
// be run on given inputs. Parameters start at their `logbtq.init` values.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_PIPELINES_INFERENCE_H
#define LOGBTQ_PIPELINES_INFERENCE_H

#include "logbtq/Pipelines/HostTensor.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <memory>

namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace mlir::logbtq {

/// One argument or result of @forward: its name and static shape.
struct ForwardSlot {
  std::string name;
  SmallVector<int64_t> shape;
  /// Where it is among @forward's arguments (parameters and inputs).
  unsigned position = 0;
  /// A parameter that does not train (logbtq.frozen: a batch norm's
  /// statistics, or a name given to --frozen).
  bool frozen = false;
};

class ForwardProgram {
public:
  /// Compiles `module`'s @forward (which it lowers in place). Errors are
  /// reported as diagnostics on the module's context.
  static FailureOr<std::unique_ptr<ForwardProgram>> compile(ModuleOp module);
  ~ForwardProgram();

  ArrayRef<ForwardSlot> parameters() const { return params; }
  ArrayRef<ForwardSlot> inputs() const { return ins; }
  ArrayRef<ForwardSlot> outputs() const { return outs; }

  /// The values the parameters are run with: their initial values, which
  /// the caller may replace (same sizes).
  MutableArrayRef<std::vector<float>> parameterValues() { return values; }

  /// Runs the forward pass once. `inputs` are in the order of inputs(), of
  /// their shapes; the results come in the order of outputs(), named.
  FailureOr<std::vector<HostTensor>> run(ArrayRef<HostTensor> inputs,
                                         std::string &error);

private:
  ForwardProgram() = default;

  std::vector<ForwardSlot> params, ins, outs;
  std::vector<std::vector<float>> values;
  unsigned numArguments = 0;
  std::unique_ptr<ExecutionEngine> engine;
};

} // namespace mlir::logbtq

#endif // LOGBTQ_PIPELINES_INFERENCE_H
