//===- FakeModel.h - A linear classifier behind the trainer ABI -*- C++ -*-===//
//
// A plain C++ stand-in for a compiled model: softmax regression on 1x28x28
// inputs and 10 classes, with a log-barrier penalty on the weights and SGD
// with momentum, exported through the exact symbols of TrainerABI.h. Its
// results exercise the descriptor variants a compiled model may return
// (a nonzero offset, an aligned pointer past the allocated one, a stats
// vector of 2 from eval_step).
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
constexpr double kLambda = 0.01;
constexpr double kBound = 1.0;
constexpr double kMomentum = 0.9;

/// The entry points of the fake model.
runtime::ModelEntryPoints entryPoints();

/// Loss and correctness of one sample (for checking evaluate()).
struct SampleResult {
  double ce;
  bool correct;
};
SampleResult evaluateSample(const float *params, const float *x, int32_t y);

} // namespace logbtq::fake

#endif // LOGBTQ_UNITTESTS_RUNTIME_FAKEMODEL_H
