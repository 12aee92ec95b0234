//===- TrainLoop.cpp - Epochs of training and evaluation ------------------===//

#include "logbtq/Runtime/TrainLoop.h"

#include "Format.h"
#include "logbtq/Runtime/Shuffle.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <numeric>

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

std::string metricsLine(const EpochResult &r) {
  std::string s = "{\"epoch\": " + std::to_string(r.epoch);
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
  if (r.test.count) {
    field("test_loss", r.test.loss);
    field("test_acc", r.test.accuracy());
    s += ", \"test_samples\": " + std::to_string(r.test.count);
  }
  field("samples_per_s", r.samplesPerSecond());
  field("seconds", r.seconds);
  return s + "}";
}

std::string epochLine(const EpochResult &r, int64_t epochs) {
  std::string s = formatString(
      "epoch %lld/%lld  t %.4g  lr %.4g  train loss %.4f (ce %.4f barrier "
      "%.4f) acc %.2f%%",
      (long long)r.epoch, (long long)epochs, r.t, r.lr, r.trainLoss, r.trainCe,
      r.trainBarrier, 100 * r.trainAccuracy);
  if (r.test.count)
    s += formatString("  test loss %.4f acc %.2f%%", r.test.loss,
                      100 * r.test.accuracy());
  else
    s += "  test -";
  s +=
      formatString("  %.0f samples/s  %.1f s", r.samplesPerSecond(), r.seconds);
  return s;
}

} // namespace

double barrierT(const BarrierInfo &barrier, int64_t epoch) {
  return std::min(barrier.tMax, barrier.t0 * std::pow(barrier.gamma, epoch));
}

double learningRate(const TrainerOptions &options, int64_t epoch) {
  if (options.lrDecayLast && epoch == options.epochs - 1)
    return options.lr * 0.1;
  return options.lr;
}

Expected<EvalResult> evaluate(Model &model, const DataSplit &split) {
  const int64_t batch = model.info().batch;
  EvalResult result;
  double lossSum = 0;
  double correct = 0;
  std::vector<int64_t> indices(static_cast<size_t>(batch));
  for (int64_t start = 0; start < split.count; start += batch) {
    int64_t real = std::min(batch, split.count - start);
    for (int64_t i = 0; i < batch; ++i)
      indices[size_t(i)] = start + std::min(i, real - 1);
    gatherBatch(split, indices.data(), batch, model.inputs(), model.labels());
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
      gatherBatch(split, indices.data(), batch, model.inputs(), model.labels());
      Expected<StepStats> alone = model.evalStep();
      if (!alone)
        return alone.error();
      lossSum -= alone->loss * double(copies);
      correct -= alone->correct * double(copies) / double(batch);
    }
  }
  result.count = split.count;
  result.correct = int64_t(std::llround(std::max(0.0, correct)));
  result.loss = split.count ? lossSum / double(split.count) : 0;
  return result;
}

Expected<std::vector<EpochResult>> train(Model &model, const Dataset &data,
                                         const TrainerOptions &options,
                                         std::ostream &out, bool interactive) {
  const ModelInfo &info = model.info();
  const int64_t batch = info.batch;
  const DataSplit &trainSplit = data.train;
  const DataSplit &testSplit = data.test;
  BarrierInfo barrier = resolveBarrier(options, info.barrier);
  const int64_t batches = trainSplit.count / batch;
  if (batches == 0 && options.epochs > 0)
    return makeError("the training split has ", trainSplit.count,
                     " samples, fewer than one batch of ", batch);

  std::ofstream metrics;
  if (!options.metricsPath.empty()) {
    metrics.open(options.metricsPath, std::ios::trunc);
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
    if (dropped)
      out << formatString(" (%lld of %lld samples left out each epoch, a "
                          "different %lld each time)",
                          (long long)dropped, (long long)trainSplit.count,
                          (long long)dropped);
    out << "\n"
        << formatString("schedule: lr %g%s, barrier t = min(%g, %g * %g^epoch)"
                        " (lambda %g, bound %g), seed %llu",
                        options.lr,
                        options.lrDecayLast ? " (x0.1 in the last epoch)" : "",
                        barrier.tMax, barrier.t0, barrier.gamma, barrier.lambda,
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
    out.flush();
  }

  std::vector<EpochResult> history;
  std::vector<int64_t> indices;
  for (int64_t epoch = 0; epoch < options.epochs; ++epoch) {
    Clock::time_point epochStart = Clock::now();
    EpochResult r;
    r.epoch = epoch + 1;
    r.t = barrierT(barrier, epoch);
    r.lr = learningRate(options, epoch);

    std::vector<int64_t> order =
        epochOrder(trainSplit.count, options.seed, uint64_t(epoch));
    double lossSum = 0, ceSum = 0, barrierSum = 0, correct = 0;
    int lastDecile = 0;
    for (int64_t b = 0; b < batches; ++b) {
      gatherBatch(trainSplit, order.data() + b * batch, batch, model.inputs(),
                  model.labels());
      Expected<StepStats> stats = model.trainStep(float(r.lr), float(r.t));
      if (!stats)
        return stats.error();
      lossSum += stats->loss;
      ceSum += stats->ce;
      barrierSum += stats->barrier;
      correct += stats->correct;

      int decile = int((b + 1) * 10 / batches);
      if (!options.quiet && decile > lastDecile && b + 1 < batches) {
        lastDecile = decile;
        std::string line = formatString(
            "epoch %lld/%lld %3d%% (%lld/%lld batches)  loss %.4f  acc %.2f%%",
            (long long)r.epoch, (long long)options.epochs,
            int((b + 1) * 100 / batches), (long long)(b + 1),
            (long long)batches, lossSum / double(b + 1),
            100 * correct / double((b + 1) * batch));
        if (interactive)
          out << "\r" << line << "\033[K" << std::flush;
        else
          out << line << "\n" << std::flush;
      }
    }
    r.trainSeconds = secondsSince(epochStart);
    r.trainSamples = batches * batch;
    r.trainLoss = lossSum / double(batches);
    r.trainCe = ceSum / double(batches);
    r.trainBarrier = barrierSum / double(batches);
    r.trainAccuracy = correct / double(r.trainSamples);

    if (testSplit.count) {
      Expected<EvalResult> test = evaluate(model, testSplit);
      if (!test)
        return test.error();
      r.test = *test;
    }
    r.seconds = secondsSince(epochStart);

    if (interactive && !options.quiet)
      out << "\r\033[K";
    out << epochLine(r, options.epochs) << "\n" << std::flush;
    if (metrics.is_open()) {
      metrics << metricsLine(r) << "\n" << std::flush;
      if (!metrics)
        return makeError("--metrics ", options.metricsPath, ": write failed");
    }
    history.push_back(r);
  }

  if (options.epochs == 0 && testSplit.count) {
    // No training: report the initial parameters' test accuracy.
    Expected<EvalResult> test = evaluate(model, testSplit);
    if (!test)
      return test.error();
    EpochResult r;
    r.test = *test;
    history.push_back(r);
  }
  if (!history.empty() && history.back().test.count) {
    const EvalResult &test = history.back().test;
    out << formatString("final: test acc %.2f%% (%lld of %lld)  test loss "
                        "%.4f",
                        100 * test.accuracy(), (long long)test.correct,
                        (long long)test.count, test.loss)
        << "\n";
  }
  return std::move(history);
}

} // namespace logbtq::runtime
