//===- QuantStats.cpp - Saturation and overflow counters ------------------===//

#include "logbtq/Runtime/QuantStats.h"

#include "Format.h"

#include <cmath>
#include <limits>

namespace logbtq::runtime {
namespace {

double ratio(double numerator, double denominator) {
  return denominator > 0 ? numerator / denominator
                         : std::numeric_limits<double>::quiet_NaN();
}

} // namespace

void QuantCounters::add(const StepStats &step) {
  for (int i = 0; i < kNumCounters; ++i)
    sums[size_t(i)] += step.values[size_t(kFirstCounterStat + i)];
}

QuantCounters &QuantCounters::operator+=(const QuantCounters &other) {
  for (int i = 0; i < kNumCounters; ++i)
    sums[size_t(i)] += other.sums[size_t(i)];
  return *this;
}

double QuantCounters::weightSaturation() const {
  return ratio(sum(LOGBTQ_STAT_SAT_WEIGHTS), sum(LOGBTQ_STAT_ENC_WEIGHTS));
}

double QuantCounters::activationSaturation() const {
  return ratio(sum(LOGBTQ_STAT_SAT_ACTIVATIONS),
               sum(LOGBTQ_STAT_ENC_ACTIVATIONS));
}

double QuantCounters::gradientSaturation() const {
  return ratio(sum(LOGBTQ_STAT_SAT_GRADIENTS), sum(LOGBTQ_STAT_ENC_GRADIENTS));
}

double QuantCounters::momentumSaturation() const {
  return ratio(sum(LOGBTQ_STAT_SAT_MOMENTUM), sum(LOGBTQ_STAT_ENC_MOMENTUM));
}

double QuantCounters::accumulatorOverflowRate() const {
  return ratio(sum(LOGBTQ_STAT_ACC_OVERFLOW), sum(LOGBTQ_STAT_ACC_OUTPUTS));
}

double QuantCounters::activationSparsity() const {
  return ratio(sum(LOGBTQ_STAT_ZERO_ACTIVATIONS),
               sum(LOGBTQ_STAT_ENC_ACTIVATIONS));
}

std::string formatRate(double rate) {
  if (std::isnan(rate))
    return "-";
  if (rate > 0 && rate < 0.00005)
    return "<0.01%";
  return formatString("%.2f%%", 100 * rate);
}

} // namespace logbtq::runtime
