//===- TrainLoop.cpp - Epochs of training and evaluation ------------------===//

#include "logbtq/Runtime/TrainLoop.h"

#include "Format.h"
#include "logbtq/Runtime/Checkpoint.h"
#include "logbtq/Runtime/DataParallel.h"
#include "logbtq/Runtime/Shuffle.h"
#include "logbtq/Runtime/Signals.h"
#include "logbtq/Runtime/StepGuard.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <fstream>
#include <limits>
#include <numeric>
#include <sys/resource.h>

namespace logbtq::runtime {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// A JSON number, or null for NaN and infinities (which JSON lacks).
std::string jsonNumber(double v) {
  return std::isfinite(v) ? formatString("%.9g", v) : "null";
}

/// The rate fields of the metrics: null for a float32 model, whose counters
/// are all zero and mean nothing.
void addRateFields(std::string &s, const QuantCounters &c, bool quantized) {
  const double none = std::numeric_limits<double>::quiet_NaN();
  auto field = [&](const char *name, double v) {
    s += std::string(", \"") + name + "\": " + jsonNumber(quantized ? v : none);
  };
  field("sat_act", c.activationSaturation());
  field("sat_weight", c.weightSaturation());
  field("sat_grad", c.gradientSaturation());
  field("sat_mom", c.momentumSaturation());
  field("acc_overflow", c.accumulatorOverflows());
  field("zero_act", c.activationSparsity());
}

/// `ranks`: the processes of a data-parallel run, 0 for a run without.
std::string metricsLine(const EpochResult &r, bool quantized, int64_t ranks) {
  std::string s = "{\"epoch\": " + std::to_string(r.epoch);
  if (ranks)
    s += ", \"ranks\": " + std::to_string(ranks);
  auto field = [&](const char *name, double v) {
    s += std::string(", \"") + name + "\": " + jsonNumber(v);
  };
  field("t", r.t);
  field("lr", r.lr);
  field("train_loss", r.trainLoss);
  field("train_ce", r.trainCe);
  field("train_barrier", r.trainBarrier);
  field("train_acc", r.trainAccuracy);
  s += ", \"train_samples\": " + std::to_string(r.trainSamples);
  s += ", \"steps\": " + std::to_string(r.steps);
  if (r.skippedSteps)
    s += ", \"skipped_steps\": " + std::to_string(r.skippedSteps);
  if (r.test.count) {
    field("test_loss", r.test.loss);
    field("test_acc", r.test.accuracy());
    s += ", \"test_samples\": " + std::to_string(r.test.count);
  }
  addRateFields(s, r.counters, quantized);
  field("samples_per_s", r.samplesPerSecond());
  field("seconds", r.seconds);
  if (r.exchangeSteps)
    field("exchange_ms_per_step",
          1e3 * r.exchangeSeconds / double(r.exchangeSteps));
  return s + "}";
}

/// The saturation columns of a MU8 model's epoch line.
std::string ratesText(const QuantCounters &c) {
  return formatString("  sat act %s w %s g %s m %s  acc ovf %.0f  zero act %s",
                      formatRate(c.activationSaturation()).c_str(),
                      formatRate(c.weightSaturation()).c_str(),
                      formatRate(c.gradientSaturation()).c_str(),
                      formatRate(c.momentumSaturation()).c_str(),
                      c.accumulatorOverflows(),
                      formatRate(c.activationSparsity()).c_str());
}

/// The epoch line's name of the data loss: "ce", or the --loss name.
std::string lossLabel(const ModelInfo &info) {
  return info.loss == "softmax-cross-entropy" ? "ce" : info.loss;
}

std::string epochLine(const EpochResult &r, int64_t epochs, bool quantized,
                      const std::string &loss) {
  std::string s = formatString(
      "epoch %lld/%lld  t %.4g  lr %.4g  train loss %.4f (%s %.4f barrier "
      "%.4f) acc %.2f%%",
      (long long)r.epoch, (long long)epochs, r.t, r.lr, r.trainLoss,
      loss.c_str(), r.trainCe, r.trainBarrier, 100 * r.trainAccuracy);
  if (r.test.count)
    s += formatString("  test loss %.4f acc %.2f%%", r.test.loss,
                      100 * r.test.accuracy());
  else
    s += "  test -";
  if (quantized)
    s += ratesText(r.counters);
  if (r.skippedSteps)
    s += formatString("  skipped %lld non-finite steps",
                      (long long)r.skippedSteps);
  if (r.exchangeSteps)
    s += formatString("  exchange %.3f ms/step",
                      1e3 * r.exchangeSeconds / double(r.exchangeSteps));
  s +=
      formatString("  %.0f samples/s  %.1f s", r.samplesPerSecond(), r.seconds);
  return s;
}

/// Progress within an epoch after `done` of `batches` batches.
std::string progressLine(const EpochResult &r, int64_t epochs, int64_t done,
                         int64_t batches, double lossSum, double correct,
                         int64_t batch, double seconds, bool bar) {
  std::string s =
      formatString("epoch %lld/%lld", (long long)r.epoch, (long long)epochs);
  if (bar) {
    constexpr int64_t kWidth = 20;
    int64_t filled = done * kWidth / batches;
    s += " [" + std::string(size_t(filled), '#') +
         std::string(size_t(kWidth - filled), ' ') + "]";
  }
  s += formatString("%4d%% (%lld/%lld batches)  loss %.4f  acc %.2f%%  %.0f "
                    "samples/s",
                    int(done * 100 / batches), (long long)done,
                    (long long)batches, lossSum / double(done),
                    100 * correct / double(done * batch),
                    seconds > 0 ? double(done * batch) / seconds : 0.0);
  return s;
}

/// Refuses a checkpoint whose run cannot continue into this one exactly.
Error checkResumable(const std::string &path, const RunState &saved,
                     const RunState &now) {
  auto fail = [&](const auto &...parts) {
    return makeError("checkpoint ", path, ": ", parts...);
  };
  if (saved.seed != now.seed)
    return fail("written by a run with --seed ", saved.seed,
                ", this run has --seed ", now.seed, " (give the same flags)");
  if (saved.trainSamples != now.trainSamples)
    return fail("written by a run with ", saved.trainSamples,
                " training samples, this run has ", now.trainSamples,
                " (give the same --train-limit)");
  if (saved.hasLrSchedule && !(saved.lrSchedule == now.lrSchedule))
    return fail("written by a run with lr schedule ",
                saved.lrSchedule.describe(), ", this run has ",
                now.lrSchedule.describe(), " (give the same --lr* and "
                "--warmup-steps flags)");
  if (saved.t0 != now.t0 || saved.gamma != now.gamma || saved.tMax != now.tMax)
    return fail(formatString("written by a run with barrier schedule t0 %g "
                             "gamma %g t_max %g, this run has t0 %g gamma %g "
                             "t_max %g (give the same --barrier-* flags)",
                             saved.t0, saved.gamma, saved.tMax, now.t0,
                             now.gamma, now.tMax));
  return Error::success();
}

} // namespace

double barrierT(const BarrierInfo &barrier, int64_t epoch) {
  return std::min(barrier.tMax, barrier.t0 * std::pow(barrier.gamma, epoch));
}

double peakRssMiB() {
  struct rusage usage {};
  if (getrusage(RUSAGE_SELF, &usage) != 0)
    return 0;
  return double(usage.ru_maxrss) / 1024.0; // Linux: KiB
}

Expected<EvalResult> evaluate(Model &model, const DataSplit &split,
                              const Normalization &norm, Communicator *comm) {
  const int64_t batch = model.info().batch;
  const int64_t ranks = comm ? comm->size() : 1;
  const int64_t rank = comm ? comm->rank() : 0;
  EvalResult result;
  double lossSum = 0;
  double correct = 0;
  std::vector<int64_t> indices(static_cast<size_t>(batch));
  int64_t index = 0;
  for (int64_t start = 0; start < split.count; start += batch) {
    if (index++ % ranks != rank)
      continue;
    int64_t real = std::min(batch, split.count - start);
    for (int64_t i = 0; i < batch; ++i)
      indices[size_t(i)] = start + std::min(i, real - 1);
    gatherBatch(split, indices.data(), batch, model.inputs(), model.labels(),
                norm);
    Expected<StepStats> stats = model.evalStep();
    if (!stats)
      return stats.error();
    lossSum += stats->loss * double(batch);
    correct += stats->correct;
    if (real < batch) {
      // The padding repeats sample `last`; a batch of it alone gives its
      // loss and whether it is correct, to take the copies back out.
      int64_t copies = batch - real;
      for (int64_t i = 0; i < batch; ++i)
        indices[size_t(i)] = start + real - 1;
      gatherBatch(split, indices.data(), batch, model.inputs(), model.labels(),
                norm);
      Expected<StepStats> alone = model.evalStep();
      if (!alone)
        return alone.error();
      lossSum -= alone->loss * double(copies);
      correct -= alone->correct * double(copies) / double(batch);
    }
  }
  if (ranks > 1) {
    double sums[2] = {lossSum, correct};
    comm->allReduceSum(sums, 2);
    lossSum = sums[0];
    correct = sums[1];
  }
  result.count = split.count;
  result.correct = int64_t(std::llround(std::max(0.0, correct)));
  result.loss = split.count ? lossSum / double(split.count) : 0;
  return result;
}

Expected<std::vector<EpochResult>> train(Model &model, const Dataset &data,
                                         const TrainerOptions &options,
                                         std::ostream &out, bool interactive,
                                         Communicator *comm) {
  const ModelInfo &info = model.info();
  const bool quantized = info.quant == QuantKind::MU8;
  const DataSplit &trainSplit = data.train;
  const DataSplit &testSplit = data.test;
  BarrierInfo barrier = resolveBarrier(options, info.barrier);
  // A model with data-parallel steps trains through them, on one process
  // if nobody gave it a communicator.
  std::unique_ptr<Communicator> single;
  std::optional<DataParallelStep> parallel;
  if (model.hasDataParallelSteps()) {
    if (!comm) {
      single = createSingleProcessCommunicator();
      comm = single.get();
    }
    parallel.emplace(model, *comm, options.exchange);
  } else {
    comm = nullptr;
  }
  const int64_t ranks = comm ? comm->size() : 1;
  const int64_t rank = comm ? comm->rank() : 0;
  // Checkpoints and metrics come from one rank.
  const bool writer = rank == 0;
  // Samples per rank and per step.
  const int64_t share = info.batch;
  const int64_t batch = share * ranks;
  const int64_t batches = trainSplit.count / batch;
  if (batches == 0 && options.epochs > 0)
    return makeError("the training split has ", trainSplit.count,
                     " samples, fewer than one batch of ", batch);

  // Where the run stands; a checkpoint replaces it with where it stopped.
  RunState state;
  state.seed = options.seed;
  state.trainSamples = trainSplit.count;
  state.t0 = barrier.t0;
  state.gamma = barrier.gamma;
  state.tMax = barrier.tMax;
  state.lrSchedule = lrScheduleOf(options);
  if (!options.resumePath.empty()) {
    Expected<RunState> saved = loadCheckpoint(options.resumePath, model);
    if (!saved)
      return saved.error();
    if (Error e = checkResumable(options.resumePath, *saved, state))
      return e;
    LrSchedule schedule = state.lrSchedule;
    state = *saved;
    // A version-1 checkpoint has no schedule: this run's goes on.
    state.lrSchedule = schedule;
    state.hasLrSchedule = true;
  }

  std::ofstream metrics;
  if (!options.metricsPath.empty() && writer) {
    // A resumed run adds to the records of the epochs before it.
    metrics.open(options.metricsPath,
                 options.resumePath.empty() ? std::ios::trunc : std::ios::app);
    if (!metrics)
      return makeError("--metrics ", options.metricsPath,
                       ": cannot create the file");
  }

  if (!options.quiet) {
    int64_t dropped = trainSplit.count - batches * batch;
    out << formatString("training: %lld epoch%s of %lld batches of %lld",
                        (long long)options.epochs,
                        options.epochs == 1 ? "" : "s", (long long)batches,
                        (long long)batch);
    if (ranks > 1)
      out << formatString(" (%lld ranks of %lld samples each, %lld bytes "
                          "sent per rank and step)",
                          (long long)ranks, (long long)share,
                          (long long)parallel->messageBytes());
    if (dropped)
      out << formatString(" (%lld of %lld samples left out each epoch, a "
                          "different %lld each time)",
                          (long long)dropped, (long long)trainSplit.count,
                          (long long)dropped);
    if (options.stopAfter && *options.stopAfter < options.epochs)
      out << formatString("; this run stops after epoch %lld",
                          (long long)*options.stopAfter);
    out << "\n"
        << formatString("schedule: lr %s, barrier t = min(%g, %g * %g^epoch)"
                        " (lambda %g, bound %g), seed %llu",
                        state.lrSchedule.describe().c_str(), barrier.tMax,
                        barrier.t0, barrier.gamma, barrier.lambda,
                        barrier.bound, (unsigned long long)options.seed)
        << "\n";
    if (testSplit.count) {
      int64_t testBatches = (testSplit.count + batch - 1) / batch;
      out << formatString("evaluation: %lld test samples in %lld batches",
                          (long long)testSplit.count, (long long)testBatches);
      if (testSplit.count % batch)
        out << " (the last one padded; padding is not counted)";
      out << "\n";
    } else {
      out << "evaluation: none (--test-limit 0)\n";
    }
    if (!options.resumePath.empty())
      out << formatString("resumed: %s after epoch %lld (step %lld)",
                          options.resumePath.c_str(),
                          (long long)state.epochsDone, (long long)state.step)
          << "\n";
    if (!options.savePath.empty())
      out << formatString("checkpoints: %s after every epoch (%lld bytes)",
                          options.savePath.c_str(),
                          (long long)checkpointBytes(model))
          << "\n";
    out.flush();
  }

  const bool skipNonFinite = options.onNonFinite == NonFiniteAction::SkipStep;
  StateSnapshot snapshot;
  std::vector<EpochResult> history;
  const int64_t lastEpoch =
      std::min(options.epochs, options.stopAfter.value_or(options.epochs));
  for (int64_t epoch = state.epochsDone; epoch < lastEpoch; ++epoch) {
    Clock::time_point epochStart = Clock::now();
    EpochResult r;
    r.epoch = epoch + 1;
    r.t = barrierT(barrier, epoch);

    std::vector<int64_t> order =
        epochOrder(trainSplit.count, options.seed, uint64_t(epoch));
    double lossSum = 0, ceSum = 0, barrierSum = 0, correct = 0;
    int64_t firstBatch = 0;
    if (state.progress.batchesDone > 0) {
      // A checkpoint written inside this epoch: go on after its last step,
      // with its sums, as if the run had not stopped.
      const EpochProgress &p = state.progress;
      firstBatch = p.batchesDone;
      r.skippedSteps = p.skippedSteps;
      lossSum = p.lossSum;
      ceSum = p.ceSum;
      barrierSum = p.barrierSum;
      correct = p.correct;
      r.counters = p.counters;
      state.progress = EpochProgress();
    }
    int lastShown = 0;
    for (int64_t b = firstBatch; b < batches; ++b) {
      gatherBatch(trainSplit, order.data() + b * batch + rank * share, share,
                  model.inputs(), model.labels(), data.normalization);
      // The epoch reports the rate of its last step.
      r.lr = state.lrSchedule.at(state.step, batches);
      auto stopped = [&](const std::string &what) {
        return makeError(
            "epoch ", epoch + 1, ", step ", state.step - 1, " (batch ", b + 1,
            " of ", batches, "): ", what, "; training stopped",
            options.savePath.empty() || epoch == 0
                ? std::string()
                : " (the checkpoint " + options.savePath + " of epoch " +
                      std::to_string(epoch) + " is left as it was)");
      };
      StepStats stats;
      // A signal: the step's rank's own, or (data-parallel) any rank's,
      // which every rank learns in the exchange.
      int signal = pendingStopSignal();
      if (parallel) {
        double before = parallel->exchangeSeconds();
        Expected<DataParallelResult> result =
            parallel->run(float(r.lr), float(r.t), state.step, signal != 0);
        if (!result)
          return result.error();
        r.exchangeSeconds += parallel->exchangeSeconds() - before;
        ++r.exchangeSteps;
        ++state.step;
        if (result->stop && !signal)
          signal = SIGTERM;
        if (result->nonFinite) {
          // No rank applied the step.
          if (!skipNonFinite)
            return stopped(formatString(
                "the combined loss (%g) or gradient of the %lld ranks is not "
                "finite",
                result->stats.loss, (long long)ranks));
          ++r.skippedSteps;
          continue;
        }
        stats = result->stats;
      } else {
        if (skipNonFinite)
          snapshot.take(model);
        Expected<StepStats> step =
            model.trainStep(float(r.lr), float(r.t), state.step);
        if (!step)
          return step.error();
        ++state.step;
        stats = *step;
        // Scanning every weight after every step would cost the float32
        // trainer a pass over its parameters per step: a non-finite weight
        // shows in the next step's loss, and the weights are scanned before
        // each checkpoint. skip-step must undo the very step, so it scans.
        std::optional<std::string> bad;
        if (skipNonFinite || !std::isfinite(stats.loss))
          bad = findNonFinite(model, stats);
        if (bad) {
          if (!skipNonFinite)
            return stopped(*bad + " is not finite");
          if (Error e = snapshot.restore(model))
            return e;
          ++r.skippedSteps;
          continue;
        }
      }
      if (options.maxSaturation && quantized)
        if (std::optional<std::string> over =
                findOverSaturation(stats, *options.maxSaturation / 100))
          return stopped(*over);
      lossSum += stats.loss;
      ceSum += stats.ce;
      barrierSum += stats.barrier;
      correct += stats.correct;
      r.counters.add(stats);

      // SIGINT or SIGTERM: a checkpoint of this very point, then stop. Not
      // after an epoch's last step: that epoch finishes (and saves) first.
      if (signal && b + 1 < batches) {
        state.progress = {b + 1,      r.skippedSteps, lossSum,   ceSum,
                          barrierSum, correct,        r.counters};
        std::string where = formatString(
            "stopped by %s in epoch %lld after batch %lld of "
            "%lld (step %lld)",
            signalName(signal), (long long)(epoch + 1), (long long)(b + 1),
            (long long)batches, (long long)state.step);
        if (!options.savePath.empty()) {
          if (writer)
            if (Error e = saveCheckpoint(options.savePath, model, state))
              return e;
          out << (interactive ? "\r\033[K" : "") << where
              << ": checkpoint saved to " << options.savePath
              << "; go on with --resume " << options.savePath
              << " and the same flags\n";
        } else {
          out << (interactive ? "\r\033[K" : "") << where
              << ": nothing saved (no --save)\n";
        }
        out.flush();
        setStoppedBySignal(signal);
        return std::move(history);
      }

      // A terminal gets a bar redrawn at every percent, a log a line per
      // 10%; neither on the last batch, which the epoch line replaces.
      int shown = int((b + 1) * (interactive ? 100 : 10) / batches);
      if (!options.quiet && shown > lastShown && b + 1 < batches) {
        lastShown = shown;
        std::string line =
            progressLine(r, options.epochs, b + 1, batches, lossSum, correct,
                         batch, secondsSince(epochStart), interactive);
        if (interactive)
          out << "\r" << line << "\033[K" << std::flush;
        else
          out << line << "\n" << std::flush;
      }
    }
    r.trainSeconds = secondsSince(epochStart);
    // Skipped steps do not count in the epoch's means.
    int64_t taken = std::max<int64_t>(batches - r.skippedSteps, 1);
    r.trainSamples = taken * batch;
    r.trainLoss = lossSum / double(taken);
    r.trainCe = ceSum / double(taken);
    r.trainBarrier = barrierSum / double(taken);
    r.trainAccuracy = correct / double(r.trainSamples);
    r.steps = state.step;

    if (testSplit.count) {
      Expected<EvalResult> test =
          evaluate(model, testSplit, data.normalization, comm);
      if (!test)
        return test.error();
      r.test = *test;
    }
    r.seconds = secondsSince(epochStart);

    if (interactive && !options.quiet)
      out << "\r\033[K";
    out << epochLine(r, options.epochs, quantized, lossLabel(info))
        << "\n" << std::flush;
    if (metrics.is_open()) {
      metrics << metricsLine(r, quantized, parallel ? ranks : 0) << "\n"
              << std::flush;
      if (!metrics)
        return makeError("--metrics ", options.metricsPath, ": write failed");
    }
    if (std::optional<std::string> bad = findNonFiniteWeight(model))
      return makeError("epoch ", epoch + 1, ", after its last step: ", *bad,
                       " is not finite; training stopped before saving");
    if (parallel)
      if (Error e = checkSameState(model, *comm))
        return makeError("epoch ", epoch + 1, ": ", e.message(),
                         "; training stopped before saving");
    state.epochsDone = epoch + 1;
    state.t = r.t;
    state.lr = r.lr;
    state.counters += r.counters;
    if (!options.savePath.empty() && writer)
      if (Error e = saveCheckpoint(options.savePath, model, state))
        return e;
    history.push_back(r);
  }

  EvalResult finalTest;
  if (!history.empty()) {
    finalTest = history.back().test;
  } else {
    // No training in this run (--epochs 0, or a checkpoint that is already
    // done): report the parameters as they are, and save them if asked.
    if (testSplit.count) {
      Expected<EvalResult> test =
          evaluate(model, testSplit, data.normalization, comm);
      if (!test)
        return test.error();
      finalTest = *test;
      EpochResult r;
      r.epoch = state.epochsDone;
      r.steps = state.step;
      r.test = *test;
      history.push_back(r);
    }
    if (!options.savePath.empty() && writer)
      if (Error e = saveCheckpoint(options.savePath, model, state))
        return e;
  }

  double rss = peakRssMiB();
  std::string line = "final: ";
  if (finalTest.count)
    line +=
        formatString("test acc %.2f%% (%lld of %lld)  test loss %.4f",
                     100 * finalTest.accuracy(), (long long)finalTest.correct,
                     (long long)finalTest.count, finalTest.loss);
  else
    line += "test -";
  if (quantized)
    line += "  act sat " + formatRate(state.counters.activationSaturation());
  line += formatString("  peak RSS %.1f MiB", rss);
  out << line << "\n" << std::flush;
  if (metrics.is_open()) {
    std::string s =
        "{\"final\": true, \"epochs\": " + std::to_string(state.epochsDone) +
        ", \"steps\": " + std::to_string(state.step);
    if (parallel)
      s += ", \"ranks\": " + std::to_string(ranks);
    if (finalTest.count)
      s += ", \"test_loss\": " + jsonNumber(finalTest.loss) +
           ", \"test_acc\": " + jsonNumber(finalTest.accuracy()) +
           ", \"test_samples\": " + std::to_string(finalTest.count);
    addRateFields(s, state.counters, quantized);
    s += ", \"peak_rss_mib\": " + jsonNumber(rss) + "}";
    metrics << s << "\n" << std::flush;
    if (!metrics)
      return makeError("--metrics ", options.metricsPath, ": write failed");
  }
  return std::move(history);
}

} // namespace logbtq::runtime
