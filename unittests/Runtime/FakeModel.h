//===- FakeModel.h - A linear classifier behind the trainer ABI -*- C++ -*-===//
//
// A plain C++ stand-in for a compiled model: softmax regression on 1x28x28
// inputs and 10 classes, with a log-barrier penalty on the weights and SGD
// with momentum, exported through the exact symbols of TrainerABI.h (the
// float32 variant). Its results exercise the descriptor variants a compiled
// model may return (a nonzero offset, an aligned pointer past the allocated
// one, an argument handed back, a stats vector of 2 from eval_step).
//
// A second variant stores parameters and momentum as MU8 codes (`quant mu8
// 0`): inputs are encoded before use, momentum is encoded at a per-parameter
// range exponent that follows its largest value one step late, and the
// update rounds stochastically keyed by the step counter, so a resumed run
// only matches an uninterrupted one if ranges and step carry over. It fills
// every counter of the stats vector.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_UNITTESTS_RUNTIME_FAKEMODEL_H
#define LOGBTQ_UNITTESTS_RUNTIME_FAKEMODEL_H

#include "logbtq/Runtime/Model.h"

#include <cstdint>

namespace logbtq::fake {

constexpr int64_t kBatch = 16;
constexpr int64_t kInputs = 784;
constexpr int64_t kClasses = 10;
/// A frozen input scale [1] (initially 1), weights [784, 10] and bias [10]
/// (initially 0).
constexpr int64_t kScaleOffset = 0;
constexpr int64_t kWeightOffset = 1;
constexpr int64_t kBiasOffset = kWeightOffset + kInputs * kClasses;
constexpr int64_t kParamCount = kBiasOffset + kClasses;
constexpr int64_t kWeightCount = kInputs * kClasses;
/// `param` records (scale, weight, bias): the length of `ranges`.
constexpr int64_t kParamRecords = 3;
constexpr double kLambda = 0.01;
constexpr double kBound = 1.0;
constexpr double kMomentum = 0.9;
/// MU8 variant: the weight range exponent (range 1, the barrier's bound) and
/// the fixed exponents that only count saturations.
constexpr int kWeightExponent = 0;
constexpr int kLogitExponent = 3;
constexpr int kGradientExponent = -3;
/// MU8 variant: logits beyond this count as accumulator overflows.
constexpr double kAccumulatorLimit = 16;

/// The entry points of the float32 fake model (the exported symbols).
runtime::ModelEntryPoints entryPoints();
/// The entry points of the MU8 variant.
runtime::ModelEntryPoints mu8EntryPoints();
/// The float32 model compiled for data-parallel training on `ranks`
/// (1..kMaxFakeRanks) processes: its local step is the grad step, its
/// apply step the train step's update; its batch is a rank's share.
constexpr int kMaxFakeRanks = 8;
runtime::ModelEntryPoints dataParallelEntryPoints(int ranks);

/// Loss and correctness of one sample (for checking evaluate() on the
/// float32 model).
struct SampleResult {
  double ce;
  bool correct;
};
SampleResult evaluateSample(const float *params, const float *x, int32_t y);

} // namespace logbtq::fake

#endif // LOGBTQ_UNITTESTS_RUNTIME_FAKEMODEL_H
