//===- StepGuard.h - Training that never fails silently ---------*- C++ -*-===//
//
// After every train step the trainer asks: did the loss become NaN or
// infinite (and then which float32 weight, if any)? Before each checkpoint:
// is every float32 weight finite? Did more MU8 values saturate than
// --max-saturation allows? Either stops the run with a message naming the
// epoch, the step and the tensor, before any checkpoint of the bad state is
// written (the last good one stays); with --on-nonfinite skip-step a
// non-finite step is undone instead and counted.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_RUNTIME_STEPGUARD_H
#define LOGBTQ_RUNTIME_STEPGUARD_H

#include "logbtq/Runtime/Model.h"

#include <optional>
#include <string>
#include <vector>

namespace logbtq::runtime {

/// What became non-finite in the step that returned `stats`: "the loss
/// (nan)", "parameter fc1.weight (element 17 is inf)"; nothing if all is
/// finite. Weights are checked for float32 models (MU8 codes are always
/// finite; a NaN reaching an MU8 tensor shows in the loss).
std::optional<std::string> findNonFinite(const Model &model,
                                         const StepStats &stats);

/// The float32 weights alone: the first non-finite one, or nothing.
std::optional<std::string> findNonFiniteWeight(const Model &model);

/// The first tensor kind whose saturation rate in `stats` exceeds
/// `maxRate` (a fraction): "activations: 12.5% of 8192 values saturated".
std::optional<std::string> findOverSaturation(const StepStats &stats,
                                              double maxRate);

/// A copy of the model's state before a step, to undo it.
class StateSnapshot {
public:
  void take(const Model &model);
  Error restore(Model &model) const;

private:
  std::vector<unsigned char> params, momentum;
  std::vector<int32_t> ranges;
};

} // namespace logbtq::runtime

#endif // LOGBTQ_RUNTIME_STEPGUARD_H
