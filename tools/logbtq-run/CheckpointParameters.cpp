//===- CheckpointParameters.cpp - A trainer's checkpoint as parameters ----===//

#include "CheckpointParameters.h"

#include "logbtq/Numerics/MU8.h"
#include "logbtq/Runtime/Checkpoint.h"

#include "mlir/IR/Diagnostics.h"

#include <cstring>

using namespace mlir;
using namespace mlir::logbtq;
namespace mu8 = ::logbtq::mu8;
namespace runtime = ::logbtq::runtime;

LogicalResult mlir::logbtq::loadCheckpointParameters(ForwardProgram &program,
                                                     StringRef path,
                                                     Location loc) {
  runtime::Expected<runtime::CheckpointFile> file =
      runtime::readCheckpointFile(path.str());
  if (!file)
    return emitError(loc) << file.error().message();
  MutableArrayRef<std::vector<float>> values = program.parameterValues();
  int64_t count = 0;
  for (const std::vector<float> &v : values)
    count += int64_t(v.size());
  if (file->paramCount != count)
    return emitError(loc) << "checkpoint " << path << ": " << file->paramCount
                          << " parameter values, but this model has " << count
                          << " (a checkpoint of another model?)";
  bool isMU8 = file->quant == runtime::QuantKind::MU8;
  // A frozen parameter may be a batch norm's statistic, which the trainer
  // updates at a range of its own that moves; its range is in the
  // checkpoint, but where is not worked out here yet.
  if (isMU8 && llvm::any_of(program.parameters(),
                            [](const ForwardSlot &p) { return p.frozen; }))
    return emitError(loc) << "checkpoint " << path
                          << ": MU8 parameters of a model with frozen "
                             "parameters (batch-norm statistics) are not "
                             "read yet";
  const unsigned char *bytes = file->parameters();
  for (std::vector<float> &v : values) {
    if (isMU8) {
      int exponent =
          mu8::rangeExponentFor(v.data(), v.size(), file->weightExponent);
      mu8::decode(reinterpret_cast<const int8_t *>(bytes), v.data(), v.size(),
                  exponent);
      bytes += v.size();
    } else {
      // f32 values are little-endian in the file and on every host the
      // runtime supports.
      std::memcpy(v.data(), bytes, v.size() * sizeof(float));
      bytes += v.size() * sizeof(float);
    }
  }
  return success();
}

FailureOr<std::optional<int>>
mlir::logbtq::readCheckpointWeightRange(StringRef path, Location loc) {
  runtime::Expected<runtime::CheckpointFile> file =
      runtime::readCheckpointFile(path.str());
  if (!file)
    return emitError(loc) << file.error().message();
  if (file->quant != runtime::QuantKind::MU8)
    return std::optional<int>();
  return std::optional<int>(file->weightExponent);
}
