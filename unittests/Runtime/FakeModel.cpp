//===- FakeModel.cpp - A linear classifier behind the trainer ABI ---------===//

#include "FakeModel.h"

#include "logbtq/Numerics/Barrier.h"
#include "logbtq/Numerics/MU8.h"
#include "logbtq/Runtime/TrainerABI.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace logbtq;
using namespace logbtq::fake;

extern "C" const char logbtq_model_info[] =
    "logbtq-model 3\n"
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

/// The scale is 1, weights and bias 0 (softmax regression is convex). The
/// ABI declares the initial values as bytes: these are the little-endian
/// float32 values, 1.0f = 0x3f800000 first.
extern "C" const unsigned char logbtq_initial_params[kParamCount * 4] = {
    0x00, 0x00, 0x80, 0x3f};

namespace {

const char kMu8ModelInfo[] =
    "logbtq-model 3\n"
    "# the softmax regression with MU8 parameters and momentum\n"
    "batch 16\n"
    "input 1,28,28\n"
    "classes 10\n"
    "quant mu8 0\n"
    "param-count 7851\n"
    "param input/scale 1 0 frozen\n"
    "param fc.weight 784,10 1 trainable\n"
    "param fc.bias 10 7841 trainable\n"
    "barrier 0.01 1 5 1.1 100\n"
    "optimizer sgd 0.9 0\n";

/// Code 127 is exactly 1 at range 1; code 0 is 0.
const unsigned char kInitialMu8[kParamCount] = {127};

template <typename T>
const T *data(const LogbtqMemRef1D *d) {
  return static_cast<const T *>(d->aligned) + d->offset;
}

/// A malloc'd buffer of n elements of `size` bytes returned with `offset`
/// elements of slack and the aligned pointer `skew` elements past the
/// allocated one.
LogbtqMemRef1D allocate(int64_t n, int64_t skew, int64_t offset,
                        size_t size = 4) {
  char *base = static_cast<char *>(std::malloc((n + skew + offset) * size));
  LogbtqMemRef1D d{};
  d.allocated = base;
  d.aligned = base + skew * size;
  d.offset = offset;
  d.sizes[0] = n;
  d.strides[0] = 1;
  return d;
}
template <typename T>
T *mutableData(LogbtqMemRef1D &d) {
  return static_cast<T *>(d.aligned) + d.offset;
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

/// Loss, correct count, (if grad) the gradient and (if logitsOut) the
/// logits of a batch. `stats` has LOGBTQ_NUM_STATS entries; with
/// `quantized`, the inputs are MU8-encoded first and the activation and
/// accumulator counters are filled.
void forwardBackward(const float *p, const float *xIn, const int32_t *y,
                     float t, float *stats, float *grad, bool quantized,
                     float *logitsOut = nullptr) {
  std::fill(stats, stats + LOGBTQ_NUM_STATS, 0.0f);
  std::vector<float> encoded;
  const float *x = xIn;
  if (quantized) {
    encoded.resize(size_t(kBatch * kInputs));
    for (int64_t i = 0; i < kBatch * kInputs; ++i) {
      mu8::EncodeStats es;
      int8_t code = mu8::encodeNearest(xIn[i], 0, &es);
      encoded[size_t(i)] = mu8::decode(code, 0);
      stats[LOGBTQ_STAT_SAT_ACTIVATIONS] += float(es.saturated);
      stats[LOGBTQ_STAT_ZERO_ACTIVATIONS] += code == 0;
    }
    stats[LOGBTQ_STAT_ENC_ACTIVATIONS] = float(kBatch * kInputs);
    x = encoded.data();
  }
  double ceSum = 0, correct = 0;
  if (grad)
    std::memset(grad, 0, kParamCount * sizeof(float));
  std::vector<double> gw(grad ? kParamCount : 0, 0.0);
  for (int64_t b = 0; b < kBatch; ++b) {
    const float *xb = x + b * kInputs;
    double z[kClasses];
    logits(p, xb, z);
    if (logitsOut)
      for (int64_t c = 0; c < kClasses; ++c)
        logitsOut[b * kClasses + c] = float(z[c]);
    if (quantized)
      for (int64_t c = 0; c < kClasses; ++c) {
        stats[LOGBTQ_STAT_SAT_ACTIVATIONS] +=
            std::fabs(z[c]) > std::ldexp(1.0, kLogitExponent);
        stats[LOGBTQ_STAT_ACC_OVERFLOW] += std::fabs(z[c]) > kAccumulatorLimit;
      }
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
  if (quantized) {
    stats[LOGBTQ_STAT_ENC_ACTIVATIONS] += float(kBatch * kClasses);
    stats[LOGBTQ_STAT_ACC_OUTPUTS] = float(kBatch * kClasses);
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

/// The eval step's logits and two stats from a full forward pass.
void evalStats(const float *p, const LogbtqMemRef1D *x, const LogbtqMemRef1D *y,
               bool quantized, LogbtqEvalResults *results) {
  float full[LOGBTQ_NUM_STATS];
  results->logits = allocate(kBatch * kClasses, 0, 0);
  forwardBackward(p, data<float>(x), data<int32_t>(y), 1.0f, full, nullptr,
                  quantized, mutableData<float>(results->logits));
  results->stats = allocate(2, 0, 0);
  mutableData<float>(results->stats)[0] = full[LOGBTQ_STAT_CE];
  mutableData<float>(results->stats)[1] = full[LOGBTQ_STAT_CORRECT];
}

//===----------------------------------------------------------------------===//
// The MU8 variant
//===----------------------------------------------------------------------===//

std::vector<float> decodeParams(const LogbtqMemRef1D *params) {
  std::vector<float> p(kParamCount);
  mu8::decode(data<int8_t>(params), p.data(), kParamCount, kWeightExponent);
  return p;
}

/// The `param` record slices: offset and size.
constexpr int64_t kRecordOffset[kParamRecords] = {kScaleOffset, kWeightOffset,
                                                  kBiasOffset};
constexpr int64_t kRecordSize[kParamRecords] = {1, kWeightCount, kClasses};

void mu8TrainStep(LogbtqTrainResults *results, LogbtqMemRef1D *params,
                  LogbtqMemRef1D *momentum, LogbtqMemRef1D *ranges,
                  LogbtqMemRef1D *x, LogbtqMemRef1D *y, float lr, float t,
                  int64_t step) {
  std::vector<float> p = decodeParams(params);
  const int8_t *mCodes = data<int8_t>(momentum);
  const int32_t *range = data<int32_t>(ranges);
  results->stats = allocate(LOGBTQ_NUM_STATS, 0, 0);
  float *stats = mutableData<float>(results->stats);
  std::vector<float> g(kParamCount);
  forwardBackward(p.data(), data<float>(x), data<int32_t>(y), t, stats,
                  g.data(), /*quantized=*/true);

  results->params = allocate(kParamCount, 5, 3, 1);
  results->momentum = allocate(kParamCount, 16, 0, 1);
  results->ranges = allocate(kParamRecords, 0, 1);
  int8_t *newP = mutableData<int8_t>(results->params);
  int8_t *newM = mutableData<int8_t>(results->momentum);
  int32_t *newRange = mutableData<int32_t>(results->ranges);
  // The two stochastic roundings of a step draw from streams keyed by it.
  uint64_t momentumSeed = uint64_t(step) * 2, paramSeed = momentumSeed + 1;
  mu8::EncodeStats weightStats, momentumStats;
  for (int64_t r = 0; r < kParamRecords; ++r) {
    int64_t begin = kRecordOffset[r], n = kRecordSize[r];
    bool trainable = r != 0;
    newRange[r] = range[r];
    if (!trainable) {
      std::memcpy(newP + begin, data<int8_t>(params) + begin, size_t(n));
      std::memset(newM + begin, 0, size_t(n));
      continue;
    }
    std::vector<float> m(static_cast<size_t>(n)), next(static_cast<size_t>(n));
    float largest = 0;
    for (int64_t i = 0; i < n; ++i) {
      float old = mu8::decode(mCodes[begin + i], range[r]);
      m[size_t(i)] = float(kMomentum) * old + g[size_t(begin + i)];
      largest = std::max(largest, std::fabs(m[size_t(i)]));
      mu8::EncodeStats gs;
      mu8::encodeNearest(g[size_t(begin + i)], kGradientExponent, &gs);
      stats[LOGBTQ_STAT_SAT_GRADIENTS] += float(gs.saturated);
    }
    // Momentum is encoded at the range of the previous step; the next
    // range fits this step's largest value (delayed scaling).
    momentumStats +=
        mu8::encodeStochastic(m.data(), newM + begin, size_t(n), range[r],
                              momentumSeed, uint64_t(begin));
    if (largest > 0)
      newRange[r] = std::clamp(int(std::ceil(std::log2(largest))),
                               mu8::kMinExponent, mu8::kMaxExponent);
    for (int64_t i = 0; i < n; ++i)
      next[size_t(i)] =
          p[size_t(begin + i)] - lr * mu8::decode(newM[begin + i], range[r]);
    weightStats +=
        mu8::encodeStochastic(next.data(), newP + begin, size_t(n),
                              kWeightExponent, paramSeed, uint64_t(begin));
  }
  const float trainable = float(kParamCount - 1);
  stats[LOGBTQ_STAT_SAT_WEIGHTS] = float(weightStats.saturated);
  stats[LOGBTQ_STAT_ENC_WEIGHTS] = trainable;
  stats[LOGBTQ_STAT_ENC_GRADIENTS] = trainable;
  stats[LOGBTQ_STAT_SAT_MOMENTUM] = float(momentumStats.saturated);
  stats[LOGBTQ_STAT_ENC_MOMENTUM] = trainable;
}

void mu8GradStep(LogbtqGradResults *results, LogbtqMemRef1D *params,
                 LogbtqMemRef1D * /*ranges*/, LogbtqMemRef1D *x,
                 LogbtqMemRef1D *y, float t) {
  std::vector<float> p = decodeParams(params);
  results->stats = allocate(LOGBTQ_NUM_STATS, 0, 0);
  results->grads = allocate(kParamCount, 0, 0);
  forwardBackward(p.data(), data<float>(x), data<int32_t>(y), t,
                  mutableData<float>(results->stats),
                  mutableData<float>(results->grads), /*quantized=*/true);
}

void mu8EvalStep(LogbtqEvalResults *results, LogbtqMemRef1D *params,
                 LogbtqMemRef1D * /*ranges*/, LogbtqMemRef1D *x,
                 LogbtqMemRef1D *y) {
  std::vector<float> p = decodeParams(params);
  evalStats(p.data(), x, y, /*quantized=*/true, results);
}

} // namespace

//===----------------------------------------------------------------------===//
// The float32 model's exported symbols
//===----------------------------------------------------------------------===//

/// SGD with momentum (PyTorch's form) into the results' new buffers; the
/// frozen scale keeps its value and has no momentum.
static void sgdUpdate(const float *p, const float *m, const float *g, float lr,
                      LogbtqTrainResults &results) {
  float *newP = mutableData<float>(results.params);
  float *newM = mutableData<float>(results.momentum);
  for (int64_t i = 0; i < kParamCount; ++i) {
    bool trainable = i != kScaleOffset;
    newM[i] = trainable ? float(kMomentum) * m[i] + g[i] : 0.0f;
    newP[i] = trainable ? p[i] - lr * newM[i] : p[i];
  }
}

extern "C" void _mlir_ciface_logbtq_train_step(
    LogbtqTrainResults *results, LogbtqMemRef1D *params,
    LogbtqMemRef1D *momentum, LogbtqMemRef1D *ranges, LogbtqMemRef1D *x,
    LogbtqMemRef1D *y, float lr, float t, int64_t step) {
  const float *p = data<float>(params);
  const float *m = data<float>(momentum);
  results->stats = allocate(LOGBTQ_NUM_STATS, 0, 0);
  std::vector<float> g(kParamCount);
  forwardBackward(p, data<float>(x), data<int32_t>(y), t,
                  mutableData<float>(results->stats), g.data(),
                  /*quantized=*/false);
  results->params = allocate(kParamCount, 0, 3);
  results->momentum = allocate(kParamCount, 16, 0);
  // A float32 model has no ranges: the argument goes back unchanged.
  results->ranges = *ranges;
  sgdUpdate(p, m, g.data(), lr, *results);
}

extern "C" void _mlir_ciface_logbtq_grad_step(LogbtqGradResults *results,
                                              LogbtqMemRef1D *params,
                                              LogbtqMemRef1D * /*ranges*/,
                                              LogbtqMemRef1D *x,
                                              LogbtqMemRef1D *y, float t) {
  results->stats = allocate(LOGBTQ_NUM_STATS, 0, 0);
  results->grads = allocate(kParamCount, 0, 0);
  forwardBackward(data<float>(params), data<float>(x), data<int32_t>(y), t,
                  mutableData<float>(results->stats),
                  mutableData<float>(results->grads), /*quantized=*/false);
}

extern "C" void _mlir_ciface_logbtq_eval_step(LogbtqEvalResults *results,
                                              LogbtqMemRef1D *params,
                                              LogbtqMemRef1D * /*ranges*/,
                                              LogbtqMemRef1D *x,
                                              LogbtqMemRef1D *y) {
  evalStats(data<float>(params), x, y, /*quantized=*/false, results);
}

//===----------------------------------------------------------------------===//
// The float32 model's data-parallel steps (--ranks)
//===----------------------------------------------------------------------===//

namespace {

void localStep(LogbtqLocalResults *results, LogbtqMemRef1D *params,
               LogbtqMemRef1D *ranges, LogbtqMemRef1D *x, LogbtqMemRef1D *y,
               float t) {
  LogbtqGradResults grad{};
  _mlir_ciface_logbtq_grad_step(&grad, params, ranges, x, y, t);
  results->grads = grad.grads;
  results->stats = grad.stats;
  results->exponents = allocate(kParamRecords, 0, 0);
}

/// The train step's update from the given gradients.
void applyStep(LogbtqTrainResults *results, LogbtqMemRef1D *params,
               LogbtqMemRef1D *momentum, LogbtqMemRef1D *ranges,
               LogbtqMemRef1D *grads, float lr, int64_t /*step*/) {
  const float *p = data<float>(params);
  const float *m = data<float>(momentum);
  const float *g = data<float>(grads);
  results->stats = allocate(LOGBTQ_NUM_STATS, 0, 0);
  results->params = allocate(kParamCount, 0, 0);
  results->momentum = allocate(kParamCount, 0, 0);
  results->ranges = *ranges;
  sgdUpdate(p, m, g, lr, *results);
}

} // namespace

namespace logbtq::fake {

runtime::ModelEntryPoints dataParallelEntryPoints(int ranks) {
  // The float32 model's description with a ranks record, made once (the
  // tests call this from several threads).
  static const std::vector<std::string> infos = [] {
    std::vector<std::string> texts;
    for (int n = 0; n <= kMaxFakeRanks; ++n)
      texts.push_back(std::string(logbtq_model_info) + "ranks " +
                      std::to_string(n) + "\n");
    return texts;
  }();
  runtime::ModelEntryPoints e = entryPoints();
  e.localStep = localStep;
  e.applyStep = applyStep;
  e.info = infos[size_t(ranks)].c_str();
  return e;
}

runtime::ModelEntryPoints entryPoints() {
  runtime::ModelEntryPoints e;
  e.trainStep = _mlir_ciface_logbtq_train_step;
  e.gradStep = _mlir_ciface_logbtq_grad_step;
  e.evalStep = _mlir_ciface_logbtq_eval_step;
  e.info = logbtq_model_info;
  e.initialParams = logbtq_initial_params;
  return e;
}

runtime::ModelEntryPoints mu8EntryPoints() {
  runtime::ModelEntryPoints e;
  e.trainStep = mu8TrainStep;
  e.gradStep = mu8GradStep;
  e.evalStep = mu8EvalStep;
  e.info = kMu8ModelInfo;
  e.initialParams = kInitialMu8;
  return e;
}

SampleResult evaluateSample(const float *params, const float *x, int32_t y) {
  double z[kClasses];
  logits(params, x, z);
  bool correct = isCorrect(z, y);
  return {softmaxCE(z, y), correct};
}

} // namespace logbtq::fake
