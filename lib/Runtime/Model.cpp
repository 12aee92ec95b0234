//===- Model.cpp - A compiled model and its buffers -----------------------===//

#include "logbtq/Runtime/Model.h"

#include "logbtq/Numerics/MU8.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

namespace logbtq::runtime {
namespace {

/// MLIR's LLVM lowering marks memrefs of global constants with this
/// `allocated` pointer; they must never be freed.
void *const kMlirGlobalMarker = reinterpret_cast<void *>(0xdeadbeef);

/// A malloc'd (posix_memalign) buffer of `n` elements of `size` bytes,
/// zeroed, as a unit-stride descriptor.
Expected<LogbtqMemRef1D> allocate(int64_t n, size_t size, const char *what) {
  size_t bytes = size_t(n) * size;
  size_t rounded = (bytes + 63) / 64 * 64;
  void *p = nullptr;
  if (posix_memalign(&p, 64, rounded ? rounded : 64) != 0)
    return makeError("out of memory allocating ", bytes, " bytes for ", what);
  std::memset(p, 0, rounded ? rounded : 64);
  LogbtqMemRef1D d{};
  d.allocated = p;
  d.aligned = p;
  d.offset = 0;
  d.sizes[0] = n;
  d.strides[0] = 1;
  return d;
}

float element(const LogbtqMemRef1D &d, int64_t i) {
  return static_cast<const float *>(d.aligned)[d.offset + i * d.strides[0]];
}

/// The first element of a unit-stride buffer of `size`-byte elements.
const unsigned char *bytesOf(const LogbtqMemRef1D &d, size_t size) {
  return static_cast<const unsigned char *>(d.aligned) + d.offset * size;
}

/// True if two results share memory that the runtime would free twice.
/// MLIR's global constants all carry the same marker, so they never clash.
bool sameAllocation(void *a, void *b) {
  return a && a != kMlirGlobalMarker && a == b;
}

} // namespace

void freeModelBuffer(void *allocated) {
  if (allocated && allocated != kMlirGlobalMarker)
    std::free(allocated);
}

Model::Model(const ModelEntryPoints &entry, ModelInfo info)
    : entry(entry), modelInfo(std::move(info)), modelInfoText(entry.info) {}

Model::~Model() {
  freeState();
  std::free(x.allocated);
  std::free(y.allocated);
}

void Model::freeState() {
  void *freed[3] = {nullptr, nullptr, nullptr};
  int n = 0;
  for (void *p : {params.allocated, momentum.allocated, ranges.allocated}) {
    if (std::find(freed, freed + n, p) != freed + n)
      continue;
    freeModelBuffer(p);
    freed[n++] = p;
  }
  params = momentum = ranges = LogbtqMemRef1D{};
}

Expected<std::unique_ptr<Model>> Model::create(const ModelEntryPoints &entry) {
  if (!entry.trainStep || !entry.gradStep || !entry.evalStep || !entry.info ||
      !entry.initialParams)
    return makeError("the model does not export every symbol of the trainer "
                     "ABI (TrainerABI.h)");
  Expected<ModelInfo> info = parseModelInfo(entry.info);
  if (!info)
    return info.error();

  std::unique_ptr<Model> model(new Model(entry, std::move(*info)));
  const ModelInfo &mi = model->modelInfo;
  Expected<LogbtqMemRef1D> params =
      allocate(mi.paramCount, mi.elementSize(), "the parameters");
  if (!params)
    return params.error();
  model->params = *params;
  Expected<LogbtqMemRef1D> momentum = allocate(
      model->slots() * mi.paramCount, mi.elementSize(), "the optimizer state");
  if (!momentum)
    return momentum.error();
  model->momentum = *momentum;
  Expected<LogbtqMemRef1D> ranges =
      allocate(model->rangeCount(), sizeof(int32_t), "the momentum ranges");
  if (!ranges)
    return ranges.error();
  model->ranges = *ranges;
  Expected<LogbtqMemRef1D> x =
      allocate(mi.batch * mi.inputSize(), sizeof(float), "a batch of inputs");
  if (!x)
    return x.error();
  model->x = *x;
  Expected<LogbtqMemRef1D> y =
      allocate(mi.batch, sizeof(int32_t), "a batch of labels");
  if (!y)
    return y.error();
  model->y = *y;

  std::memcpy(model->params.aligned, entry.initialParams,
              size_t(model->stateBytes()));
  // The statistics' initial codes are at their records' ranges.
  int32_t *statisticRanges = static_cast<int32_t *>(model->ranges.aligned) +
                             model->slots() * int64_t(mi.params.size());
  for (const ParamInfo &p : mi.params)
    if (p.statistic)
      *statisticRanges++ = p.exponent.value_or(mi.weightExponent);
  return std::move(model);
}

Error Model::checkResult(const char *step, const char *what,
                         const LogbtqMemRef1D &d, int64_t n, bool atLeast) {
  bool sizeOk = atLeast ? d.sizes[0] >= n : d.sizes[0] == n;
  if (!sizeOk)
    return makeError("the model's ", step, " returned ", what, " with ",
                     d.sizes[0], " elements (expected ",
                     atLeast ? "at least " : "", n, ")");
  if (!d.aligned || d.offset < 0 || (n > 1 && d.strides[0] != 1))
    return makeError("the model's ", step, " returned a malformed ", what,
                     " buffer (aligned ", d.aligned, ", offset ", d.offset,
                     ", stride ", d.strides[0], ")");
  return Error::success();
}

StepStats Model::takeStats(LogbtqMemRef1D &d, int64_t n) {
  StepStats s;
  for (int64_t i = 0; i < std::min<int64_t>(n, LOGBTQ_NUM_STATS); ++i)
    s.values[size_t(i)] = element(d, i);
  s.nameValues();
  freeModelBuffer(d.allocated);
  return s;
}

// A step whose results fail the checks is an error the trainer exits on; its
// buffers are left alone (not freed), since a malformed descriptor may hold
// pointers free() would crash on.

Expected<StepStats> Model::trainStep(float lr, float t, int64_t step) {
  LogbtqTrainResults r{};
  entry.trainStep(&r, &params, &momentum, &ranges, &x, &y, lr, t, step);
  if (Error e = installUpdate("train_step", r))
    return e;
  return takeStats(r.stats, r.stats.sizes[0]);
}

Expected<StepStats> Model::applyStep(const float *grads, float lr,
                                     int64_t step) {
  if (!hasDataParallelSteps())
    return makeError("the model has no apply step (compile it with --ranks)");
  // Read only: the step's arguments are never written.
  LogbtqMemRef1D g{};
  g.allocated = g.aligned = const_cast<float *>(grads);
  g.sizes[0] = modelInfo.paramCount;
  g.strides[0] = 1;
  LogbtqTrainResults r{};
  entry.applyStep(&r, &params, &momentum, &ranges, &g, lr, step);
  if (r.params.allocated == g.allocated || r.momentum.allocated == g.allocated)
    return makeError("the model's apply_step returned its gradients argument");
  if (Error e = installUpdate("apply_step", r))
    return e;
  return takeStats(r.stats, r.stats.sizes[0]);
}

Expected<StepStats> Model::localStep(float t) {
  if (!hasDataParallelSteps())
    return makeError("the model has no local step (compile it with --ranks)");
  LogbtqLocalResults r{};
  entry.localStep(&r, &params, &ranges, &x, &y, t);
  int64_t n = modelInfo.paramCount;
  auto count = int64_t(modelInfo.params.size());
  if (Error e = checkResult("local_step", "gradients", r.grads, n))
    return e;
  if (Error e = checkResult("local_step", "exponents", r.exponents, count))
    return e;
  if (Error e = checkResult("local_step", "stats", r.stats, LOGBTQ_NUM_STATS,
                            /*atLeast=*/true))
    return e;
  size_t size = modelInfo.elementSize();
  localGrads.assign(bytesOf(r.grads, size), bytesOf(r.grads, size) + n * size);
  const int32_t *exponents =
      static_cast<const int32_t *>(r.exponents.aligned) + r.exponents.offset;
  localExps.assign(exponents, exponents + count);
  for (void *p : {r.grads.allocated, r.exponents.allocated})
    if (p != params.allocated && p != ranges.allocated)
      freeModelBuffer(p);
  return takeStats(r.stats, r.stats.sizes[0]);
}

Error Model::installUpdate(const char *step, LogbtqTrainResults &r) {
  int64_t n = modelInfo.paramCount;
  if (Error e = checkResult(step, "parameters", r.params, n))
    return e;
  if (Error e = checkResult(step, "optimizer state", r.momentum, slots() * n))
    return e;
  if (Error e = checkResult(step, "ranges", r.ranges, rangeCount()))
    return e;
  if (Error e = checkResult(step, "stats", r.stats, LOGBTQ_NUM_STATS,
                            /*atLeast=*/true))
    return e;
  const LogbtqMemRef1D *results[] = {&r.params, &r.momentum, &r.ranges,
                                     &r.stats};
  const char *names[] = {"parameters", "momentum", "ranges", "stats"};
  for (int i = 0; i < 4; ++i)
    for (int j = i + 1; j < 4; ++j)
      if (sameAllocation(results[i]->allocated, results[j]->allocated))
        return makeError("the model's ", step, " returned the ", names[i],
                         " in the same buffer as the ", names[j]);

  // Free the buffers the results replace (a model may hand one back).
  LogbtqMemRef1D old[] = {params, momentum, ranges};
  params = r.params;
  momentum = r.momentum;
  ranges = r.ranges;
  for (int i = 0; i < 3; ++i) {
    void *p = old[i].allocated;
    bool kept = p == params.allocated || p == momentum.allocated ||
                p == ranges.allocated;
    bool freedAlready = false;
    for (int j = 0; j < i; ++j)
      freedAlready |= old[j].allocated == p;
    if (!kept && !freedAlready)
      freeModelBuffer(p);
  }
  return Error::success();
}

Expected<StepStats> Model::gradStep(float t, std::vector<float> &grads) {
  LogbtqGradResults r{};
  entry.gradStep(&r, &params, &ranges, &x, &y, t);
  int64_t n = modelInfo.paramCount;
  if (Error e = checkResult("grad_step", "gradients", r.grads, n))
    return e;
  if (Error e = checkResult("grad_step", "stats", r.stats, LOGBTQ_NUM_STATS,
                            /*atLeast=*/true))
    return e;
  grads.resize(size_t(n));
  std::memcpy(grads.data(),
              static_cast<const float *>(r.grads.aligned) + r.grads.offset,
              size_t(n) * sizeof(float));
  if (r.grads.allocated != params.allocated)
    freeModelBuffer(r.grads.allocated);
  return takeStats(r.stats, r.stats.sizes[0]);
}

Expected<StepStats> Model::evalStep(std::vector<float> *logits) {
  LogbtqEvalResults r{};
  entry.evalStep(&r, &params, &ranges, &x, &y);
  int64_t n = modelInfo.batch * modelInfo.classes;
  if (Error e = checkResult("eval_step", "logits", r.logits, n))
    return e;
  if (Error e = checkResult("eval_step", "stats", r.stats, 2, /*atLeast=*/true))
    return e;
  if (sameAllocation(r.logits.allocated, r.stats.allocated))
    return makeError("the model's eval_step returned the logits in the same "
                     "buffer as the stats");
  if (logits) {
    logits->resize(size_t(n));
    std::memcpy(logits->data(),
                static_cast<const float *>(r.logits.aligned) + r.logits.offset,
                size_t(n) * sizeof(float));
  }
  freeModelBuffer(r.logits.allocated);
  return takeStats(r.stats, r.stats.sizes[0]);
}

int Model::exponentOf(size_t param) const {
  const ParamInfo &p = modelInfo.params[param];
  if (!p.statistic)
    return p.exponent.value_or(modelInfo.weightExponent);
  // A statistic's range is the state range after the optimizer's.
  int64_t k = slots() * int64_t(modelInfo.params.size());
  for (size_t j = 0; j < param; ++j)
    k += modelInfo.params[j].statistic;
  return rangeValues()[k];
}

int Model::exponentAt(int64_t i) const {
  for (size_t index = 0; index < modelInfo.params.size(); ++index) {
    const ParamInfo &p = modelInfo.params[index];
    if (i >= p.offset && i < p.offset + p.numElements())
      return exponentOf(index);
  }
  return modelInfo.weightExponent;
}

float Model::param(int64_t i) const {
  if (modelInfo.quant == QuantKind::MU8)
    return mu8::decode(static_cast<int8_t>(paramBytes()[i]), exponentAt(i));
  float v;
  std::memcpy(&v, paramBytes() + i * sizeof(float), sizeof(float));
  return v;
}

std::vector<float> Model::paramValues() const {
  std::vector<float> values(size_t(modelInfo.paramCount));
  if (modelInfo.quant == QuantKind::MU8)
    for (size_t index = 0; index < modelInfo.params.size(); ++index) {
      const ParamInfo &p = modelInfo.params[index];
      mu8::decode(reinterpret_cast<const int8_t *>(paramBytes()) + p.offset,
                  values.data() + p.offset, size_t(p.numElements()),
                  exponentOf(index));
    }
  else
    std::memcpy(values.data(), paramBytes(), values.size() * sizeof(float));
  return values;
}

const unsigned char *Model::paramBytes() const {
  return bytesOf(params, modelInfo.elementSize());
}

const unsigned char *Model::momentumBytes() const {
  return bytesOf(momentum, modelInfo.elementSize());
}

const int32_t *Model::rangeValues() const {
  return reinterpret_cast<const int32_t *>(bytesOf(ranges, sizeof(int32_t)));
}

Error Model::restoreState(const unsigned char *newParams,
                          const unsigned char *newMomentum,
                          const int32_t *newRanges) {
  // Fresh buffers rather than writes into the current ones: those may be
  // read-only constants the model returned.
  size_t size = modelInfo.elementSize();
  Expected<LogbtqMemRef1D> p =
      allocate(modelInfo.paramCount, size, "the parameters");
  if (!p)
    return p.error();
  Expected<LogbtqMemRef1D> m =
      allocate(slots() * modelInfo.paramCount, size, "the optimizer state");
  if (!m) {
    std::free(p->allocated);
    return m.error();
  }
  Expected<LogbtqMemRef1D> r =
      allocate(rangeCount(), sizeof(int32_t), "the momentum ranges");
  if (!r) {
    std::free(p->allocated);
    std::free(m->allocated);
    return r.error();
  }
  std::memcpy(p->aligned, newParams, size_t(stateBytes()));
  std::memcpy(m->aligned, newMomentum, size_t(optimizerStateBytes()));
  if (rangeCount() > 0) // a float32 model without ranges may pass null
    std::memcpy(r->aligned, newRanges, size_t(rangeCount()) * sizeof(int32_t));
  freeState();
  params = *p;
  momentum = *m;
  ranges = *r;
  return Error::success();
}

} // namespace logbtq::runtime
