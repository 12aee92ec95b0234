//===- Model.cpp - A compiled model and its buffers -----------------------===//

#include "logbtq/Runtime/Model.h"

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

} // namespace

void freeModelBuffer(void *allocated) {
  if (allocated && allocated != kMlirGlobalMarker)
    std::free(allocated);
}

Model::Model(const ModelEntryPoints &entry, ModelInfo info)
    : entry(entry), modelInfo(std::move(info)) {}

Model::~Model() {
  freeModelBuffer(params.allocated);
  if (momentum.allocated != params.allocated)
    freeModelBuffer(momentum.allocated);
  std::free(x.allocated);
  std::free(y.allocated);
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
      allocate(mi.paramCount, sizeof(float), "the parameters");
  if (!params)
    return params.error();
  model->params = *params;
  Expected<LogbtqMemRef1D> momentum =
      allocate(mi.paramCount, sizeof(float), "the momentum");
  if (!momentum)
    return momentum.error();
  model->momentum = *momentum;
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
              size_t(mi.paramCount) * sizeof(float));
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
  s.loss = element(d, LOGBTQ_STAT_LOSS);
  s.correct = element(d, LOGBTQ_STAT_CORRECT);
  if (n > LOGBTQ_STAT_CE)
    s.ce = element(d, LOGBTQ_STAT_CE);
  if (n > LOGBTQ_STAT_BARRIER)
    s.barrier = element(d, LOGBTQ_STAT_BARRIER);
  freeModelBuffer(d.allocated);
  return s;
}

// A step whose results fail the checks is an error the trainer exits on; its
// buffers are left alone (not freed), since a malformed descriptor may hold
// pointers free() would crash on.

Expected<StepStats> Model::trainStep(float lr, float t) {
  LogbtqTrainResults r{};
  entry.trainStep(&r, &params, &momentum, &x, &y, lr, t);
  int64_t n = modelInfo.paramCount;
  if (Error e = checkResult("train_step", "parameters", r.params, n))
    return e;
  if (Error e = checkResult("train_step", "momentum", r.momentum, n))
    return e;
  if (Error e = checkResult("train_step", "stats", r.stats, LOGBTQ_NUM_STATS,
                            /*atLeast=*/true))
    return e;
  if (r.params.allocated && (r.params.allocated == r.momentum.allocated ||
                             r.params.allocated == r.stats.allocated))
    return makeError("the model's train_step returned the parameters in the "
                     "same buffer as another result");
  if (r.momentum.allocated && r.momentum.allocated == r.stats.allocated)
    return makeError("the model's train_step returned the momentum in the "
                     "same buffer as the stats");

  // Free the buffers the results replace (a model may hand one back).
  for (void *old : {params.allocated, momentum.allocated})
    if (old != r.params.allocated && old != r.momentum.allocated)
      freeModelBuffer(old);
  params = r.params;
  momentum = r.momentum;
  return takeStats(r.stats, r.stats.sizes[0]);
}

Expected<StepStats> Model::gradStep(float t, std::vector<float> &grads) {
  LogbtqGradResults r{};
  entry.gradStep(&r, &params, &x, &y, t);
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

Expected<StepStats> Model::evalStep() {
  LogbtqMemRef1D stats{};
  entry.evalStep(&stats, &params, &x, &y);
  if (Error e = checkResult("eval_step", "stats", stats, 2, /*atLeast=*/true))
    return e;
  return takeStats(stats, stats.sizes[0]);
}

std::vector<float> Model::paramValues() const {
  std::vector<float> values(size_t(modelInfo.paramCount));
  for (int64_t i = 0; i < modelInfo.paramCount; ++i)
    values[size_t(i)] = param(i);
  return values;
}

} // namespace logbtq::runtime
