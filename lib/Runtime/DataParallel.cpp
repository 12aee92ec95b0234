//===- DataParallel.cpp - One step of data-parallel training --------------===//

#include "logbtq/Runtime/DataParallel.h"

#include "logbtq/Numerics/CodeMean.h"
#include "logbtq/Numerics/MU8.h"
#include "logbtq/Runtime/Checkpoint.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>

namespace logbtq::runtime {

struct DataParallelStep::Head {
  double stats[LOGBTQ_NUM_STATS];
  int32_t stop;
  int32_t padding;
};

namespace {

using Clock = std::chrono::steady_clock;

bool isCounter(int index) {
  return index >= LOGBTQ_STAT_SAT_WEIGHTS && index != LOGBTQ_STAT_RESERVED;
}

/// Fraction bits of the shared int32 grid: N values of magnitude at most
/// 2^bits add up without overflow.
int gridBits(int ranks) {
  int bits = 30;
  while ((1 << (30 - bits)) < ranks)
    --bits;
  return bits;
}

} // namespace

DataParallelStep::DataParallelStep(Model &model, Communicator &comm,
                                   GradientExchange mode)
    : model(model), comm(comm), mode(mode) {
  const ModelInfo &info = model.info();
  gradientBytes = size_t(info.paramCount) * info.elementSize();
  size_t params = info.params.size();
  switch (mode) {
  case GradientExchange::Gather:
    bytesPerRank = sizeof(Head) + 4 * params + gradientBytes;
    message.resize(bytesPerRank);
    gathered.resize(bytesPerRank * size_t(comm.size()));
    break;
  case GradientExchange::AllReduceF32:
    bytesPerRank = sizeof(Head) + 4 * size_t(info.paramCount);
    break;
  case GradientExchange::AllReduceGrid:
    bytesPerRank = sizeof(Head) + 4 * params + 4 * size_t(info.paramCount);
    grid.resize(size_t(info.paramCount));
    exponents.resize(params);
    break;
  case GradientExchange::Scatter: {
    size_t ranks = size_t(comm.size());
    shard = (size_t(info.paramCount) + ranks - 1) / ranks;
    size_t element = info.elementSize();
    bytesPerRank =
        sizeof(Head) + 4 * params + ranks * shard * element + 4 * shard;
    message.resize(sizeof(Head) + 4 * params);
    gathered.resize(message.size() * ranks);
    sendCodes.assign(ranks * shard * element, 0);
    receivedCodes.resize(ranks * shard * element);
    shardMean.resize(shard);
    shardMeans.resize(ranks * shard);
    break;
  }
  }
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

void DataParallelStep::decodeLocal(std::vector<float> &out) const {
  const ModelInfo &info = model.info();
  out.resize(size_t(info.paramCount));
  if (info.quant != QuantKind::MU8) {
    std::memcpy(out.data(), model.localGradients(), out.size() * 4);
    return;
  }
  const auto *codes = reinterpret_cast<const int8_t *>(model.localGradients());
  for (size_t p = 0; p < info.params.size(); ++p) {
    const ParamInfo &param = info.params[p];
    mu8::decode(codes + param.offset, out.data() + param.offset,
                size_t(param.numElements()), model.localExponents()[p]);
  }
}

void DataParallelStep::gatherMessages(const Head &head,
                                      std::vector<Head> &heads) {
  std::memcpy(message.data(), &head, sizeof head);
  std::memcpy(message.data() + sizeof head, model.localExponents(),
              4 * model.info().params.size());
  comm.allGather(message.data(), message.size(), gathered.data());
  for (size_t r = 0; r < heads.size(); ++r)
    std::memcpy(&heads[r], gathered.data() + r * message.size(), sizeof(Head));
}

int32_t DataParallelStep::exponentOf(size_t rank, size_t param) const {
  int32_t e;
  std::memcpy(
      &e, gathered.data() + rank * message.size() + sizeof(Head) + 4 * param,
      4);
  return e;
}

void DataParallelStep::gatherCodes(const Head &head, std::vector<Head> &heads) {
  // The gradients after the head and the exponents, in the same message.
  const size_t codesAt = sizeof(Head) + 4 * model.info().params.size();
  std::memcpy(message.data() + codesAt, model.localGradients(), gradientBytes);
  gatherMessages(head, heads);
  meanOf(
      0, mean.size(),
      [&](size_t r) { return gathered.data() + r * message.size() + codesAt; },
      [&](size_t r, size_t p) { return exponentOf(r, p); }, mean.data());
}

template <typename Data, typename Exponent>
void DataParallelStep::meanOf(size_t first, size_t count, Data rankData,
                              Exponent rankExponent, float *out) {
  const ModelInfo &info = model.info();
  const size_t ranks = size_t(comm.size());
  const size_t last = first + count;
  if (info.quant != QuantKind::MU8) {
    for (size_t i = 0; i < count; ++i) {
      double sum = 0;
      for (size_t r = 0; r < ranks; ++r) {
        float g;
        std::memcpy(&g, rankData(r) + 4 * i, 4);
        sum += g;
      }
      out[i] = float(sum / double(ranks));
    }
    return;
  }
  std::vector<const int8_t *> codes(ranks);
  std::vector<int> rankExponents(ranks);
  for (size_t p = 0; p < info.params.size(); ++p) {
    const ParamInfo &param = info.params[p];
    size_t begin = std::max(first, size_t(param.offset));
    size_t end = std::min(last, size_t(param.offset + param.numElements()));
    if (begin >= end)
      continue;
    for (size_t r = 0; r < ranks; ++r) {
      rankExponents[r] = rankExponent(r, p);
      codes[r] =
          reinterpret_cast<const int8_t *>(rankData(r)) + (begin - first);
    }
    mu8::meanOfCodes(codes.data(), rankExponents.data(), ranks, end - begin,
                     out + (begin - first));
  }
}

void DataParallelStep::scatterCodes(const Head &head,
                                    std::vector<Head> &heads) {
  const size_t element = model.info().elementSize();
  gatherMessages(head, heads);
  // Each rank's gradients of share s to rank s (the last share padded).
  std::memcpy(sendCodes.data(), model.localGradients(), gradientBytes);
  comm.allToAll(sendCodes.data(), shard * element, receivedCodes.data());
  // This rank's share, summed exactly, then every share to everyone.
  const size_t first = size_t(comm.rank()) * shard;
  const size_t count =
      first < mean.size() ? std::min(shard, mean.size() - first) : 0;
  meanOf(
      first, count,
      [&](size_t r) { return receivedCodes.data() + r * shard * element; },
      [&](size_t r, size_t p) { return exponentOf(r, p); }, shardMean.data());
  comm.allGather(shardMean.data(), 4 * shard, shardMeans.data());
  std::memcpy(mean.data(), shardMeans.data(), 4 * mean.size());
}

void DataParallelStep::allReduce(const Head &head, std::vector<Head> &heads) {
  const ModelInfo &info = model.info();
  comm.allGather(&head, sizeof head, heads.data());
  decodeLocal(mean);
  const double ranks = double(comm.size());
  if (mode == GradientExchange::AllReduceF32) {
    comm.allReduceSum(mean.data(), mean.size());
    for (float &g : mean)
      g = float(double(g) / ranks);
    return;
  }
  // Each tensor on the grid of the largest range any rank has for it
  // (for f32 gradients, the range their largest magnitude needs).
  for (size_t p = 0; p < info.params.size(); ++p) {
    if (info.quant == QuantKind::MU8) {
      exponents[p] = model.localExponents()[p];
      continue;
    }
    const ParamInfo &param = info.params[p];
    float largest = 0;
    bool finite = true;
    for (int64_t i = 0; i < param.numElements(); ++i) {
      float a = std::fabs(mean[size_t(param.offset + i)]);
      finite &= a <= std::numeric_limits<float>::max();
      largest = finite ? std::max(largest, a) : largest;
    }
    // Zeros take any other rank's range; a non-finite value makes every
    // rank's result NaN, and the step is skipped on all of them.
    int e = -1000;
    if (!finite)
      e = 1000;
    else if (largest > 0)
      std::frexp(largest, &e);
    exponents[p] = e;
  }
  comm.allReduceMax(exponents.data(), exponents.size());
  const int bits = gridBits(comm.size());
  for (size_t p = 0; p < info.params.size(); ++p) {
    const ParamInfo &param = info.params[p];
    // Powers of two: the products are exact, the conversion rounds to
    // nearest (even).
    const double scale = std::ldexp(1.0, bits - exponents[p]);
    const double limit = std::ldexp(1.0, bits);
    for (int64_t i = 0; i < param.numElements(); ++i) {
      size_t k = size_t(param.offset + i);
      double scaled = double(mean[k]) * scale;
      grid[k] = std::fabs(scaled) <= limit ? int32_t(std::nearbyint(scaled))
                                           : 0;
    }
  }
  comm.allReduceSum(grid.data(), grid.size());
  for (size_t p = 0; p < info.params.size(); ++p) {
    const ParamInfo &param = info.params[p];
    const bool bad = exponents[p] >= 1000;
    const double unit = std::ldexp(1.0, exponents[p] - bits) / ranks;
    for (int64_t i = 0; i < param.numElements(); ++i) {
      size_t k = size_t(param.offset + i);
      mean[k] = bad ? std::numeric_limits<float>::quiet_NaN()
                    : float(double(grid[k]) * unit);
    }
  }
}

Expected<DataParallelResult> DataParallelStep::exchange(float t, bool stop) {
  Expected<StepStats> local = model.localStep(t);
  if (!local)
    return local.error();
  Clock::time_point start = Clock::now();
  Head head{};
  for (int i = 0; i < LOGBTQ_NUM_STATS; ++i)
    head.stats[i] = local->values[size_t(i)];
  head.stop = stop;
  const size_t ranks = size_t(comm.size());
  std::vector<Head> heads(ranks);
  if (mode == GradientExchange::Gather)
    gatherCodes(head, heads);
  else if (mode == GradientExchange::Scatter)
    scatterCodes(head, heads);
  else
    allReduce(head, heads);

  DataParallelResult result;
  StepStats &s = result.stats;
  for (const Head &h : heads) {
    result.stop |= h.stop != 0;
    for (int i = 0; i < LOGBTQ_NUM_STATS; ++i)
      s.values[size_t(i)] += h.stats[i];
  }
  // Losses are means over each share: their mean is the step's.
  for (int i : {LOGBTQ_STAT_LOSS, LOGBTQ_STAT_CE, LOGBTQ_STAT_BARRIER})
    s.values[size_t(i)] /= double(ranks);

  bool finite = std::isfinite(s.values[LOGBTQ_STAT_LOSS]);
  for (size_t i = 0; finite && i < mean.size(); ++i)
    finite = std::isfinite(mean[i]);
  result.nonFinite = !finite;
  s.nameValues();
  seconds += std::chrono::duration<double>(Clock::now() - start).count();
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
  uint64_t hash = fnv1a64(model.paramBytes(), size_t(model.stateBytes()));
  hash =
      fnv1a64(model.momentumBytes(), size_t(model.optimizerStateBytes()), hash);
  hash = fnv1a64(model.rangeValues(), 4 * size_t(model.rangeCount()), hash);
  std::vector<uint64_t> hashes(size_t(comm.size()));
  comm.allGather(&hash, sizeof hash, hashes.data());
  for (size_t r = 1; r < hashes.size(); ++r)
    if (hashes[r] != hashes[0])
      return makeError("the parameters of rank ", r,
                       " are not those of rank 0: the ranks diverged");
  return Error::success();
}

} // namespace logbtq::runtime
