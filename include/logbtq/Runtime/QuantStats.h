//===- QuantStats.h - Saturation and overflow counters ----------*- C++ -*-===//
//
// A MU8 model counts, in entries LOGBTQ_STAT_SAT_WEIGHTS ..
// LOGBTQ_STAT_ZERO_ACTIVATIONS of its stats (TrainerABI.h), how many values
// of each kind it encoded, how many of those saturated, how many int32
// accumulators it computed and how many overflowed. The trainer sums them
// over an epoch (and over the run) and reports rates: saturations per
// encode, zero activation codes per activation encode. A float32 model
// returns zeros, so every denominator is 0 and every rate undefined.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_RUNTIME_QUANTSTATS_H
#define LOGBTQ_RUNTIME_QUANTSTATS_H

#include "logbtq/Runtime/Model.h"
#include "logbtq/Runtime/TrainerABI.h"

#include <array>
#include <string>

namespace logbtq::runtime {

/// The first and one past the last counter entry of the stats vector.
constexpr int kFirstCounterStat = LOGBTQ_STAT_SAT_WEIGHTS;
constexpr int kEndCounterStat = LOGBTQ_STAT_ZERO_ACTIVATIONS + 1;
constexpr int kNumCounters = kEndCounterStat - kFirstCounterStat;

/// Sums of the counter entries over some train steps. Counts are summed in
/// double: exact up to 2^53, far beyond any run.
struct QuantCounters {
  std::array<double, kNumCounters> sums{};

  /// The sum of stats entry `stat` (kFirstCounterStat <= stat <
  /// kEndCounterStat).
  double sum(int stat) const { return sums[size_t(stat - kFirstCounterStat)]; }

  /// Adds the counters of one step.
  void add(const StepStats &step);
  QuantCounters &operator+=(const QuantCounters &other);

  /// sat/enc per kind; NaN when nothing of the kind was encoded.
  double weightSaturation() const;
  double activationSaturation() const;
  double gradientSaturation() const;
  double momentumSaturation() const;
  /// Overflowed accumulators per accumulator computed (NaN if none).
  double accumulatorOverflowRate() const;
  /// The number of overflowed accumulators.
  double accumulatorOverflows() const { return sum(LOGBTQ_STAT_ACC_OVERFLOW); }
  /// Zero activation codes per activation encoded (NaN if none).
  double activationSparsity() const;
};

/// A rate as a percentage for the trainer's lines: "1.23%", "<0.01%" for a
/// positive rate below 0.005%, "-" for NaN (nothing counted).
std::string formatRate(double rate);

} // namespace logbtq::runtime

#endif // LOGBTQ_RUNTIME_QUANTSTATS_H
