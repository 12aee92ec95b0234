//===- TrainLoop.h - Epochs of training and evaluation ----------*- C++ -*-===//
//
// The trainer's main loop: each epoch shuffles the training split
// (Shuffle.h), runs train_step on every full batch (the remainder is
// dropped, a different one each epoch), sums the steps' saturation and
// overflow counters (QuantStats.h), evaluates the test split, and with
// --save writes a checkpoint (Checkpoint.h). With --resume it starts after
// the checkpoint's last epoch; t is a function of the epoch, the learning
// rate of the step (LrSchedule.h), and the step counter continues, so the
// run is the uninterrupted one.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_RUNTIME_TRAINLOOP_H
#define LOGBTQ_RUNTIME_TRAINLOOP_H

#include "logbtq/Runtime/Communicator.h"
#include "logbtq/Runtime/Dataset.h"
#include "logbtq/Runtime/Error.h"
#include "logbtq/Runtime/Model.h"
#include "logbtq/Runtime/Options.h"
#include "logbtq/Runtime/QuantStats.h"

#include <ostream>
#include <vector>

namespace logbtq::runtime {

/// Loss and accuracy over a split.
struct EvalResult {
  double loss = 0; ///< mean cross-entropy per sample
  int64_t correct = 0;
  int64_t count = 0;
  double accuracy() const { return count ? double(correct) / count : 0; }
};

/// What one epoch printed.
struct EpochResult {
  int64_t epoch = 0; ///< 1-based
  double t = 0;
  double lr = 0; ///< of the epoch's last step
  double trainLoss = 0;    ///< mean over batches of the total loss
  double trainCe = 0;      ///< mean over batches of the cross-entropy
  double trainBarrier = 0; ///< mean over batches of lambda * penalties
  double trainAccuracy = 0;
  int64_t trainSamples = 0;
  /// The train steps' counters summed over the epoch (zeros for f32).
  QuantCounters counters;
  /// Train steps done in the run at the end of the epoch.
  int64_t steps = 0;
  /// Steps undone for a non-finite loss or weight (--on-nonfinite
  /// skip-step).
  int64_t skippedSteps = 0;
  EvalResult test; ///< count 0 when there is no test evaluation
  double trainSeconds = 0;
  double seconds = 0; ///< whole epoch, evaluation included
  /// Data-parallel runs: the time spent combining the ranks' gradients
  /// (the exchange and the sum), and the steps it was spent over.
  double exchangeSeconds = 0;
  int64_t exchangeSteps = 0;
  double samplesPerSecond() const {
    return trainSeconds > 0 ? trainSamples / trainSeconds : 0;
  }
};

/// t in epoch `epoch` (0-based): min(t_max, t0 * gamma^epoch).
double barrierT(const BarrierInfo &barrier, int64_t epoch);

/// The process's peak resident set size so far, in MiB (getrusage).
double peakRssMiB();

/// Evaluates every sample of `split` in batches of the model's size. The
/// last partial batch is padded with copies of its last sample; one more
/// step on a batch of that sample alone tells how much the copies added,
/// which is subtracted, so every sample counts exactly once.
///
/// With `comm` of several ranks, rank r evaluates batches r, r + N, ...
/// and the sums are combined: every rank gets the whole split's result.
Expected<EvalResult> evaluate(Model &model, const DataSplit &split,
                              const Normalization &norm = {},
                              Communicator *comm = nullptr);

/// Trains until options.epochs epochs are done (from the checkpoint's epoch
/// with --resume), printing the plan, a line per epoch and the final result
/// to `out`; with `interactive` (a terminal), progress is a bar redrawn with
/// '\r', otherwise plain lines per ~10% of an epoch. Returns the epochs run
/// by this call.
///
/// A model with data-parallel steps trains on the ranks of `comm`
/// (DataParallel.h): a step takes batch * N samples of the epoch's order,
/// rank r the r-th share; only rank 0 writes checkpoints and metrics.
Expected<std::vector<EpochResult>> train(Model &model, const Dataset &data,
                                         const TrainerOptions &options,
                                         std::ostream &out, bool interactive,
                                         Communicator *comm = nullptr);

} // namespace logbtq::runtime

#endif // LOGBTQ_RUNTIME_TRAINLOOP_H
