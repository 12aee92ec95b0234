//===- Options.h - Command-line flags of the trainer ------------*- C++ -*-===//

#ifndef LOGBTQ_RUNTIME_OPTIONS_H
#define LOGBTQ_RUNTIME_OPTIONS_H

#include "logbtq/Runtime/Error.h"
#include "logbtq/Runtime/LrSchedule.h"
#include "logbtq/Runtime/ModelInfo.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace logbtq::runtime {

/// --on-nonfinite: what a step whose loss or weights are NaN or infinite
/// does.
enum class NonFiniteAction { Stop, SkipStep };

/// What the trainer was asked to do.
/// How the ranks of a data-parallel run combine their gradients
/// (docs/Distributed.md).
enum class GradientExchange {
  /// All-gather of each rank's gradients as stored (MU8 codes and their
  /// exponents, or f32), summed exactly (MU8) or in rank order (f32).
  Gather,
  /// All-reduce (MPI's sum) of the decoded f32 gradients.
  AllReduceF32,
  /// All-reduce of int32 values on a grid shared by the ranks (each
  /// tensor's largest range), an exact integer sum.
  AllReduceGrid,
  /// MU8 codes scattered by owner (each rank owns 1/N of the parameters),
  /// summed exactly by their owner, and the f32 sums gathered: the
  /// gather's exact sum in bytes and work that do not grow with N.
  Scatter,
};

struct TrainerOptions {
  bool help = false;
  /// --model-info: print the parsed model description and exit.
  bool printModel = false;

  // Training data: --data DIR, or --train X.npy Y.npy [--test X.npy Y.npy].
  std::string dataDir;
  std::string trainSamples;
  std::string trainLabels;
  std::string testSamples;
  std::string testLabels;
  /// --normalize M,S or M1,...,MC,S1,...,SC: per-channel mean and std.
  std::vector<double> normalize;
  int64_t epochs = 5;
  double lr = 0.05;
  /// --lr-decay-last: the last epoch is one of the decay epochs.
  bool lrDecayLast = false;
  /// --lr-decay-epochs E1,E2,...: lr x lrDecayFactor from each of these
  /// 1-based epochs on (sorted, no duplicates).
  std::vector<int64_t> lrDecayEpochs;
  /// --lr-decay-factor F.
  double lrDecayFactor = 0.1;
  /// --lr-schedule step|cosine (LrSchedule.h).
  LrScheduleKind lrSchedule = LrScheduleKind::Step;
  /// --lr-min X: where the cosine decay ends.
  double lrMin = 0;
  /// --warmup-steps N: the first N steps ramp the rate up linearly.
  int64_t warmupSteps = 0;
  uint64_t seed = 0;
  /// --threads N: threads of the parallel loops (unset: every core).
  std::optional<int64_t> threads;
  std::optional<int64_t> trainLimit;
  std::optional<int64_t> testLimit;
  bool quiet = false;
  /// --metrics FILE: one JSON object per epoch and a final one.
  std::string metricsPath;
  /// --save FILE: a checkpoint after every epoch.
  std::string savePath;
  /// --resume FILE: continue the run a checkpoint stopped.
  std::string resumePath;
  /// --on-nonfinite stop|skip-step.
  NonFiniteAction onNonFinite = NonFiniteAction::Stop;
  /// --exchange gather|allreduce-f32|allreduce-grid: how a data-parallel
  /// trainer combines the ranks' gradients (DataParallel.h).
  GradientExchange exchange = GradientExchange::Gather;
  /// --max-saturation P: stop when a step saturates more than P% of the
  /// values of one MU8 tensor kind.
  std::optional<double> maxSaturation;
  /// --export-onnx FILE: the trained model as ONNX at the end of the run.
  std::string exportOnnxPath;
  /// --stop-after N: stop after epoch N of the --epochs run (a later
  /// --resume goes on with the same schedules).
  std::optional<int64_t> stopAfter;

  // Barrier schedule; unset values come from the model info.
  std::optional<double> barrierT0;
  std::optional<double> barrierGamma;
  std::optional<double> barrierTMax;

  // Step dump (--step-inputs X Y --dump DIR).
  std::string stepInputs;
  std::string stepLabels;
  std::string dumpDir;
  /// --dump-step N: the step number of the dump's (first) train step, which
  /// keys its stochastic rounding (default 0).
  std::optional<int64_t> dumpStep;
  /// --dump-steps K: run K train steps on the batch and write the model's
  /// raw state before and after each (StepDump.h).
  std::optional<int64_t> dumpSteps;

  bool isStepDump() const { return !dumpDir.empty(); }
};

/// Parses the arguments after the program name. Flags take their value as
/// the next argument or after '=' (--epochs=3). Errors name the flag.
Expected<TrainerOptions> parseOptions(const std::vector<std::string> &args);

/// The --help text.
std::string usage(const std::string &program);

/// The barrier schedule in effect: the model's, overridden by the flags.
BarrierInfo resolveBarrier(const TrainerOptions &options,
                           const BarrierInfo &model);

} // namespace logbtq::runtime

#endif // LOGBTQ_RUNTIME_OPTIONS_H
