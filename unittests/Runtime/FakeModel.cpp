//===- FakeModel.cpp - A linear classifier behind the trainer ABI ---------===//

#include "FakeModel.h"

#include "logbtq/Numerics/Barrier.h"
#include "logbtq/Runtime/TrainerABI.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

using namespace logbtq;
using namespace logbtq::fake;

extern "C" const char logbtq_model_info[] =
    "logbtq-model 1\n"
    "# a softmax regression standing in for a compiled model\n"
    "batch 16\n"
    "input 1,28,28\n"
    "classes 10\n"
    "quant f32\n"
    "param-count 7851\n"
    "param input/scale 1 0 frozen\n"
    "param fc.weight 784,10 1 trainable\n"
    "param fc.bias 10 7841 trainable\n"
    "barrier 0.01 1 5 1.1 100\n"
    "optimizer sgd 0.9 0\n";

/// The scale is 1, weights and bias 0 (softmax regression is convex).
extern "C" const float logbtq_initial_params[kParamCount] = {1.0f};

namespace {

const float *data(const LogbtqMemRef1D *d) {
  return static_cast<const float *>(d->aligned) + d->offset;
}
const int32_t *labels(const LogbtqMemRef1D *d) {
  return static_cast<const int32_t *>(d->aligned) + d->offset;
}

/// A malloc'd buffer of n floats returned with `offset` elements of slack
/// and the aligned pointer `skew` floats past the allocated one.
LogbtqMemRef1D allocate(int64_t n, int64_t skew, int64_t offset) {
  float *base = static_cast<float *>(std::malloc((n + skew + offset) * 4));
  LogbtqMemRef1D d{};
  d.allocated = base;
  d.aligned = base + skew;
  d.offset = offset;
  d.sizes[0] = n;
  d.strides[0] = 1;
  return d;
}
float *mutableData(LogbtqMemRef1D &d) {
  return static_cast<float *>(d.aligned) + d.offset;
}

/// Logits of one sample.
void logits(const float *p, const float *x, double *z) {
  for (int64_t c = 0; c < kClasses; ++c)
    z[c] = p[kBiasOffset + c];
  for (int64_t k = 0; k < kInputs; ++k) {
    double xk = double(p[kScaleOffset]) * x[k];
    if (xk == 0)
      continue;
    for (int64_t c = 0; c < kClasses; ++c)
      z[c] += xk * p[kWeightOffset + k * kClasses + c];
  }
}

/// Softmax probabilities in place; returns the cross-entropy of `y`.
double softmaxCE(double *z, int32_t y) {
  double m = z[0];
  for (int64_t c = 1; c < kClasses; ++c)
    m = std::max(m, z[c]);
  double sum = 0;
  for (int64_t c = 0; c < kClasses; ++c)
    sum += std::exp(z[c] - m);
  double ce = std::log(sum) - (z[y] - m);
  for (int64_t c = 0; c < kClasses; ++c)
    z[c] = std::exp(z[c] - m) / sum;
  return ce;
}

bool isCorrect(const double *z, int32_t y) {
  int64_t best = 0;
  for (int64_t c = 1; c < kClasses; ++c)
    if (z[c] > z[best])
      best = c;
  return best == y;
}

/// Loss, correct count and (if grad) the gradient of a batch.
void forwardBackward(const float *p, const float *x, const int32_t *y, float t,
                     float *stats, float *grad) {
  double ceSum = 0, correct = 0;
  if (grad)
    std::memset(grad, 0, kParamCount * sizeof(float));
  std::vector<double> gw(grad ? kParamCount : 0, 0.0);
  for (int64_t b = 0; b < kBatch; ++b) {
    const float *xb = x + b * kInputs;
    double z[kClasses];
    logits(p, xb, z);
    correct += isCorrect(z, y[b]);
    ceSum += softmaxCE(z, y[b]);
    if (!grad)
      continue;
    z[y[b]] -= 1; // dCE/dz
    for (int64_t c = 0; c < kClasses; ++c) {
      double dz = z[c] / kBatch;
      gw[kBiasOffset + c] += dz;
      for (int64_t k = 0; k < kInputs; ++k)
        gw[kWeightOffset + k * kClasses + c] +=
            dz * double(p[kScaleOffset]) * xb[k];
    }
  }
  double penalty =
      barrier::penalty(p + kWeightOffset, kWeightCount, kBound, double(t));
  if (grad) {
    std::vector<double> gb(kWeightCount);
    barrier::gradient(p + kWeightOffset, kWeightCount, kBound, double(t),
                      gb.data());
    for (int64_t i = 0; i < kWeightCount; ++i)
      gw[kWeightOffset + i] += kLambda * gb[i];
    for (int64_t i = 0; i < kParamCount; ++i)
      grad[i] = i == kScaleOffset ? 0.0f : float(gw[i]);
  }
  double ce = ceSum / kBatch;
  stats[LOGBTQ_STAT_LOSS] = float(ce + kLambda * penalty);
  stats[LOGBTQ_STAT_CORRECT] = float(correct);
  stats[LOGBTQ_STAT_CE] = float(ce);
  stats[LOGBTQ_STAT_BARRIER] = float(kLambda * penalty);
}

} // namespace

extern "C" void _mlir_ciface_logbtq_train_step(LogbtqTrainResults *results,
                                               LogbtqMemRef1D *params,
                                               LogbtqMemRef1D *momentum,
                                               LogbtqMemRef1D *x,
                                               LogbtqMemRef1D *y, float lr,
                                               float t) {
  const float *p = data(params);
  const float *m = data(momentum);
  results->stats = allocate(LOGBTQ_NUM_STATS, 0, 0);
  std::vector<float> g(kParamCount);
  forwardBackward(p, data(x), labels(y), t, mutableData(results->stats),
                  g.data());
  results->params = allocate(kParamCount, 0, 3);
  results->momentum = allocate(kParamCount, 16, 0);
  float *newP = mutableData(results->params);
  float *newM = mutableData(results->momentum);
  for (int64_t i = 0; i < kParamCount; ++i) {
    bool trainable = i != kScaleOffset;
    newM[i] = trainable ? float(kMomentum) * m[i] + g[i] : 0.0f;
    newP[i] = trainable ? p[i] - lr * newM[i] : p[i];
  }
}

extern "C" void _mlir_ciface_logbtq_grad_step(LogbtqGradResults *results,
                                              LogbtqMemRef1D *params,
                                              LogbtqMemRef1D *x,
                                              LogbtqMemRef1D *y, float t) {
  results->stats = allocate(LOGBTQ_NUM_STATS, 0, 0);
  results->grads = allocate(kParamCount, 0, 0);
  forwardBackward(data(params), data(x), labels(y), t,
                  mutableData(results->stats), mutableData(results->grads));
}

extern "C" void _mlir_ciface_logbtq_eval_step(LogbtqMemRef1D *stats,
                                              LogbtqMemRef1D *params,
                                              LogbtqMemRef1D *x,
                                              LogbtqMemRef1D *y) {
  float full[LOGBTQ_NUM_STATS];
  forwardBackward(data(params), data(x), labels(y), 1.0f, full, nullptr);
  *stats = allocate(2, 0, 0);
  mutableData(*stats)[0] = full[LOGBTQ_STAT_CE];
  mutableData(*stats)[1] = full[LOGBTQ_STAT_CORRECT];
}

namespace logbtq::fake {

runtime::ModelEntryPoints entryPoints() {
  runtime::ModelEntryPoints e;
  e.trainStep = _mlir_ciface_logbtq_train_step;
  e.gradStep = _mlir_ciface_logbtq_grad_step;
  e.evalStep = _mlir_ciface_logbtq_eval_step;
  e.info = logbtq_model_info;
  e.initialParams = logbtq_initial_params;
  return e;
}

SampleResult evaluateSample(const float *params, const float *x, int32_t y) {
  double z[kClasses];
  logits(params, x, z);
  bool correct = isCorrect(z, y);
  return {softmaxCE(z, y), correct};
}

} // namespace logbtq::fake
