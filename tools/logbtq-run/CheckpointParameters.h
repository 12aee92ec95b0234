//===- CheckpointParameters.h - A trainer's checkpoint as parameters ------===//
//
// logbtq-run --checkpoint: the parameters a trainer saved (--save) replace
// the model's initial values, so a trained model runs without exporting it.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_TOOLS_LOGBTQ_RUN_CHECKPOINTPARAMETERS_H
#define LOGBTQ_TOOLS_LOGBTQ_RUN_CHECKPOINTPARAMETERS_H

#include "logbtq/Pipelines/Inference.h"

#include "mlir/IR/Location.h"

namespace mlir::logbtq {

/// Reads the checkpoint at `path` (checked as the trainers check it: magic,
/// version, size, CRC) and gives `program` its parameters, in @forward's
/// order, which is the trainer's layout. MU8 codes are decoded at each
/// parameter's range, which the compiler chose from its initial values (the
/// same rule, mu8::rangeExponentFor). Errors are at `loc`, naming the file:
/// another model's checkpoint (a different parameter count), or an MU8 one
/// of a model with frozen parameters (batch-norm statistics move their
/// ranges while training; not read yet).
LogicalResult loadCheckpointParameters(ForwardProgram &program, StringRef path,
                                       Location loc);

/// The weight range exponent the checkpoint at `path` was trained with
/// (an MU8 trainer's --weight-range), read and checked as above; nullopt
/// for an f32 checkpoint.
FailureOr<std::optional<int>> readCheckpointWeightRange(StringRef path,
                                                        Location loc);

} // namespace mlir::logbtq

#endif // LOGBTQ_TOOLS_LOGBTQ_RUN_CHECKPOINTPARAMETERS_H
