//===- DataParallel.cpp - One step of data-parallel training --------------===//

#include "logbtq/Runtime/DataParallel.h"

#include "logbtq/Numerics/CodeMean.h"

#include <cmath>
#include <cstring>

namespace logbtq::runtime {
namespace {

/// The head of every rank's message: its local step's stats and its stop
/// flag. Its exponents (one int32 per parameter) and gradients follow.
struct Head {
  double stats[LOGBTQ_NUM_STATS];
  int32_t stop;
  int32_t padding;
};

bool isCounter(int index) {
  return index >= LOGBTQ_STAT_SAT_WEIGHTS && index != LOGBTQ_STAT_RESERVED;
}

} // namespace

DataParallelStep::DataParallelStep(Model &model, Communicator &comm)
    : model(model), comm(comm) {
  const ModelInfo &info = model.info();
  gradientBytes = size_t(info.paramCount) * info.elementSize();
  bytesPerRank = sizeof(Head) + 4 * info.params.size() + gradientBytes;
  message.resize(bytesPerRank);
  gathered.resize(bytesPerRank * size_t(comm.size()));
  mean.resize(size_t(info.paramCount));
}

Expected<DataParallelResult> DataParallelStep::run(float lr, float t,
                                                   int64_t step, bool stop) {
  Expected<DataParallelResult> result = exchange(t, stop);
  if (!result)
    return result.error();
  if (!result->nonFinite)
    if (Error e = apply(*result, lr, step))
      return e;
  return result;
}

Expected<DataParallelResult> DataParallelStep::exchange(float t, bool stop) {
  const ModelInfo &info = model.info();
  Expected<StepStats> local = model.localStep(t);
  if (!local)
    return local.error();
  Head head{};
  for (int i = 0; i < LOGBTQ_NUM_STATS; ++i)
    head.stats[i] = local->values[size_t(i)];
  head.stop = stop;
  std::memcpy(message.data(), &head, sizeof head);
  std::memcpy(message.data() + sizeof head, model.localExponents(),
              4 * info.params.size());
  std::memcpy(message.data() + sizeof head + 4 * info.params.size(),
              model.localGradients(), gradientBytes);
  comm.allGather(message.data(), bytesPerRank, gathered.data());

  const size_t ranks = size_t(comm.size());
  auto headOf = [&](size_t r) {
    Head h;
    std::memcpy(&h, gathered.data() + r * bytesPerRank, sizeof h);
    return h;
  };
  auto exponentsOf = [&](size_t r) {
    return gathered.data() + r * bytesPerRank + sizeof(Head);
  };
  auto gradientsOf = [&](size_t r) {
    return exponentsOf(r) + 4 * info.params.size();
  };

  DataParallelResult result;
  StepStats &s = result.stats;
  for (size_t r = 0; r < ranks; ++r) {
    Head h = headOf(r);
    result.stop |= h.stop != 0;
    for (int i = 0; i < LOGBTQ_NUM_STATS; ++i)
      s.values[size_t(i)] += h.stats[i];
  }
  // Losses are means over each share: their mean is the step's.
  for (int i : {LOGBTQ_STAT_LOSS, LOGBTQ_STAT_CE, LOGBTQ_STAT_BARRIER})
    s.values[size_t(i)] /= double(ranks);

  if (info.quant == QuantKind::MU8) {
    std::vector<const int8_t *> codes(ranks);
    std::vector<int> exponents(ranks);
    for (size_t p = 0; p < info.params.size(); ++p) {
      const ParamInfo &param = info.params[p];
      for (size_t r = 0; r < ranks; ++r) {
        int32_t e;
        std::memcpy(&e, exponentsOf(r) + 4 * p, 4);
        exponents[r] = e;
        codes[r] =
            reinterpret_cast<const int8_t *>(gradientsOf(r)) + param.offset;
      }
      mu8::meanOfCodes(codes.data(), exponents.data(), ranks,
                       size_t(param.numElements()), mean.data() + param.offset);
    }
  } else {
    for (size_t i = 0; i < mean.size(); ++i) {
      double sum = 0;
      for (size_t r = 0; r < ranks; ++r) {
        float g;
        std::memcpy(&g, gradientsOf(r) + 4 * i, 4);
        sum += g;
      }
      mean[i] = float(sum / double(ranks));
    }
  }

  bool finite = std::isfinite(s.values[LOGBTQ_STAT_LOSS]);
  for (size_t i = 0; finite && i < mean.size(); ++i)
    finite = std::isfinite(mean[i]);
  result.nonFinite = !finite;
  s.loss = s.values[LOGBTQ_STAT_LOSS];
  s.correct = s.values[LOGBTQ_STAT_CORRECT];
  s.ce = s.values[LOGBTQ_STAT_CE];
  s.barrier = s.values[LOGBTQ_STAT_BARRIER];
  return result;
}

Error DataParallelStep::apply(DataParallelResult &result, float lr,
                              int64_t step) {
  Expected<StepStats> applied = model.applyStep(mean.data(), lr, step);
  if (!applied)
    return applied.error();
  for (int i = 0; i < LOGBTQ_NUM_STATS; ++i)
    if (isCounter(i))
      result.stats.values[size_t(i)] += applied->values[size_t(i)];
  return Error::success();
}

Error checkSameState(const Model &model, Communicator &comm) {
  if (comm.size() == 1)
    return Error::success();
  uint64_t hash = 0xcbf29ce484222325ull;
  auto add = [&](const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      hash ^= p[i];
      hash *= 0x100000001b3ull;
    }
  };
  add(model.paramBytes(), size_t(model.stateBytes()));
  add(model.momentumBytes(), size_t(model.optimizerStateBytes()));
  add(reinterpret_cast<const unsigned char *>(model.rangeValues()),
      4 * size_t(model.rangeCount()));
  std::vector<uint64_t> hashes(size_t(comm.size()));
  comm.allGather(&hash, sizeof hash, hashes.data());
  for (size_t r = 1; r < hashes.size(); ++r)
    if (hashes[r] != hashes[0])
      return makeError("the parameters of rank ", r,
                       " are not those of rank 0: the ranks diverged");
  return Error::success();
}

} // namespace logbtq::runtime
