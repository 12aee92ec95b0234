//===- LrSchedule.h - The learning rate of every train step -----*- C++ -*-===//
//
// The trainer passes `train_step` a learning rate per step. It is a function
// of the step's number in the run and nothing else, so a resumed run (whose
// step counter comes from the checkpoint) repeats the uninterrupted one:
//   - `step` (default): the base rate, times the decay factor once for every
//     --lr-decay-epochs entry at or before the step's epoch, and once more in
//     the last epoch with --lr-decay-last;
//   - `cosine`: from the base rate down to --lr-min over the steps after the
//     warm-up, as PyTorch's CosineAnnealingLR with T_max = those steps;
// and with --warmup-steps W, the first W steps are scaled by (s + 1) / W, as
// PyTorch's LinearLR(start_factor = 1/W, total_iters = W - 1).
// A checkpoint keeps the schedule (Checkpoint.h); a resume with another is
// refused.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_RUNTIME_LRSCHEDULE_H
#define LOGBTQ_RUNTIME_LRSCHEDULE_H

#include "logbtq/Runtime/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace logbtq::runtime {

struct TrainerOptions;

enum class LrScheduleKind : uint32_t { Step = 0, Cosine = 1 };

/// --lr-decay-epochs accepts at most this many epochs (a checkpoint keeps
/// them in a fixed-size header).
constexpr size_t kMaxLrDecayEpochs = 8;

struct LrSchedule {
  LrScheduleKind kind = LrScheduleKind::Step;
  double lr = 0.05;    ///< the base (peak) rate, --lr
  double lrMin = 0;    ///< cosine: the rate the decay ends at, --lr-min
  int64_t warmupSteps = 0;
  int64_t epochs = 0;  ///< of the whole run, --epochs
  /// step: lr x decayFactor from each of these 1-based epochs on.
  std::vector<int64_t> decayEpochs;
  double decayFactor = 0.1;
  bool decayLast = false;

  /// The learning rate of step `step` (0-based, over the whole run) when
  /// each epoch has `stepsPerEpoch` steps.
  double at(int64_t step, int64_t stepsPerEpoch) const;

  /// "cosine from 0.05 to 0 over 5 epochs, 100 warm-up steps", as the plan
  /// and the errors print it.
  std::string describe() const;

  bool operator==(const LrSchedule &other) const;
};

/// The schedule the flags ask for.
LrSchedule lrScheduleOf(const TrainerOptions &options);

} // namespace logbtq::runtime

#endif // LOGBTQ_RUNTIME_LRSCHEDULE_H
