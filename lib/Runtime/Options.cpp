//===- Options.cpp - Command-line flags of the trainer --------------------===//

#include "logbtq/Runtime/Options.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <map>

namespace logbtq::runtime {
namespace {

Error parseCount(const std::string &flag, const std::string &s, int64_t &out) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0)
    return makeError(flag, ": expected a non-negative integer, got '", s, "'");
  out = v;
  return Error::success();
}

Error parseNumber(const std::string &flag, const std::string &s, double &out,
                  bool positive) {
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v) ||
      v < 0 || (positive && v == 0))
    return makeError(flag, ": expected a ",
                     positive ? "positive" : "non-negative", " number, got '",
                     s, "'");
  out = v;
  return Error::success();
}

/// Numbers separated by commas, each `valid`; false on anything else.
template <typename T, typename Valid>
bool parseNumberList(const std::string &s, std::vector<T> &out, Valid valid) {
  out.clear();
  size_t start = 0;
  while (true) {
    size_t comma = s.find(',', start);
    std::string item = s.substr(start, comma - start);
    T v{};
    auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
    if (ec != std::errc() || end != item.data() + item.size() || !valid(v))
      return false;
    out.push_back(v);
    if (comma == std::string::npos)
      return true;
    start = comma + 1;
  }
}

/// "3,5,8": positive 1-based epochs, sorted and without duplicates.
Error parseEpochList(const std::string &flag, const std::string &s,
                     std::vector<int64_t> &out) {
  if (!parseNumberList(s, out, [](int64_t v) { return v > 0; }))
    return makeError(flag,
                     ": expected epochs (1-based) separated by "
                     "commas, got '",
                     s, "'");
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return Error::success();
}

} // namespace

Expected<TrainerOptions> parseOptions(const std::vector<std::string> &args) {
  TrainerOptions o;
  using Handler =
      std::function<Error(const std::string &, const std::string &)>;
  auto count = [](int64_t &field) -> Handler {
    return [&field](const std::string &f, const std::string &v) {
      return parseCount(f, v, field);
    };
  };
  auto optionalCount = [](std::optional<int64_t> &field) -> Handler {
    return [&field](const std::string &f, const std::string &v) {
      int64_t n = 0;
      if (Error e = parseCount(f, v, n))
        return e;
      field = n;
      return Error::success();
    };
  };
  auto positive = [](std::optional<double> &field) -> Handler {
    return [&field](const std::string &f, const std::string &v) {
      double x = 0;
      if (Error e = parseNumber(f, v, x, /*positive=*/true))
        return e;
      field = x;
      return Error::success();
    };
  };
  auto text = [](std::string &field) -> Handler {
    return [&field](const std::string &f, const std::string &v) {
      if (v.empty())
        return makeError(f, ": expected a non-empty value");
      field = v;
      return Error::success();
    };
  };

  bool decayFactorGiven = false;
  // Flags with a value.
  std::map<std::string, Handler> valued = {
      {"--data", text(o.dataDir)},
      {"--epochs", count(o.epochs)},
      {"--lr",
       [&](const std::string &f, const std::string &v) {
         return parseNumber(f, v, o.lr, /*positive=*/false);
       }},
      {"--seed",
       [&](const std::string &f, const std::string &v) {
         uint64_t s = 0;
         auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), s);
         if (ec != std::errc() || end != v.data() + v.size())
           return makeError(f, ": expected an unsigned 64-bit integer, got '",
                            v, "'");
         o.seed = s;
         return Error::success();
       }},
      {"--threads",
       [&](const std::string &f, const std::string &v) {
         int64_t n = 0;
         if (Error e = parseCount(f, v, n))
           return e;
         if (n < 1 || n > 1024)
           return makeError(f, ": expected 1 to 1024 threads, got '", v, "'");
         o.threads = n;
         return Error::success();
       }},
      {"--train-limit", optionalCount(o.trainLimit)},
      {"--test-limit", optionalCount(o.testLimit)},
      {"--metrics", text(o.metricsPath)},
      {"--save", text(o.savePath)},
      {"--resume", text(o.resumePath)},
      {"--export-onnx", text(o.exportOnnxPath)},
      {"--on-nonfinite",
       [&](const std::string &f, const std::string &v) {
         if (v == "stop")
           o.onNonFinite = NonFiniteAction::Stop;
         else if (v == "skip-step")
           o.onNonFinite = NonFiniteAction::SkipStep;
         else
           return makeError(f, ": '", v, "' is not one of: stop, skip-step");
         return Error::success();
       }},
      {"--exchange",
       [&](const std::string &f, const std::string &v) {
         if (v == "gather")
           o.exchange = GradientExchange::Gather;
         else if (v == "allreduce-f32")
           o.exchange = GradientExchange::AllReduceF32;
         else if (v == "allreduce-grid")
           o.exchange = GradientExchange::AllReduceGrid;
         else if (v == "scatter")
           o.exchange = GradientExchange::Scatter;
         else
           return makeError(f, ": '", v,
                            "' is not one of: gather, scatter, allreduce-f32, "
                            "allreduce-grid");
         return Error::success();
       }},
      {"--max-saturation",
       [&](const std::string &f, const std::string &v) {
         double p = 0;
         if (Error e = parseNumber(f, v, p, /*positive=*/true))
           return e;
         if (p > 100)
           return makeError(f, ": a percentage (0 to 100), got '", v, "'");
         o.maxSaturation = p;
         return Error::success();
       }},
      {"--stop-after", optionalCount(o.stopAfter)},
      {"--lr-decay-epochs",
       [&](const std::string &f, const std::string &v) {
         return parseEpochList(f, v, o.lrDecayEpochs);
       }},
      {"--lr-decay-factor",
       [&](const std::string &f, const std::string &v) {
         decayFactorGiven = true;
         return parseNumber(f, v, o.lrDecayFactor, /*positive=*/true);
       }},
      {"--lr-schedule",
       [&](const std::string &f, const std::string &v) {
         if (v == "step")
           o.lrSchedule = LrScheduleKind::Step;
         else if (v == "cosine")
           o.lrSchedule = LrScheduleKind::Cosine;
         else
           return makeError(f, ": '", v, "' is not one of: step, cosine");
         return Error::success();
       }},
      {"--lr-min",
       [&](const std::string &f, const std::string &v) {
         return parseNumber(f, v, o.lrMin, /*positive=*/false);
       }},
      {"--warmup-steps", count(o.warmupSteps)},
      {"--normalize",
       [&](const std::string &f, const std::string &v) {
         if (!parseNumberList(v, o.normalize,
                              [](double x) { return std::isfinite(x); }))
           return makeError(f, ": expected numbers separated by commas "
                               "(MEAN,STD or M1,...,MC,S1,...,SC), got '",
                            v, "'");
         size_t n = o.normalize.size();
         if (n % 2 != 0)
           return makeError(f, ": expected as many means as standard "
                               "deviations, got ",
                            n, " numbers");
         for (size_t i = n / 2; i < n; ++i)
           if (o.normalize[i] <= 0)
             return makeError(f, ": standard deviation ", o.normalize[i],
                              " is not positive");
         return Error::success();
       }},
      {"--barrier-t0", positive(o.barrierT0)},
      {"--barrier-gamma", positive(o.barrierGamma)},
      {"--barrier-t-max", positive(o.barrierTMax)},
      {"--dump", text(o.dumpDir)},
      {"--dump-step", optionalCount(o.dumpStep)},
      {"--dump-steps", optionalCount(o.dumpSteps)},
  };
  // Flags without a value.
  std::map<std::string, bool *> switches = {
      {"--help", &o.help},
      {"-h", &o.help},
      {"--quiet", &o.quiet},
      {"--lr-decay-last", &o.lrDecayLast},
      {"--model-info", &o.printModel},
  };

  for (size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::optional<std::string> value;
    if (flag.rfind("--", 0) == 0) {
      size_t eq = flag.find('=');
      if (eq != std::string::npos) {
        value = flag.substr(eq + 1);
        flag = flag.substr(0, eq);
      }
    }
    if (auto it = switches.find(flag); it != switches.end()) {
      if (value)
        return makeError(flag, " takes no value");
      *it->second = true;
      continue;
    }
    // Flags with two values: samples (or inputs) and labels.
    std::map<std::string, std::pair<std::string *, std::string *>> pairs = {
        {"--step-inputs", {&o.stepInputs, &o.stepLabels}},
        {"--train", {&o.trainSamples, &o.trainLabels}},
        {"--test", {&o.testSamples, &o.testLabels}},
    };
    if (auto it = pairs.find(flag); it != pairs.end()) {
      if (value || i + 2 >= args.size())
        return makeError(flag, " takes two values: X.npy Y.npy");
      *it->second.first = args[i + 1];
      *it->second.second = args[i + 2];
      i += 2;
      continue;
    }
    auto it = valued.find(flag);
    if (it == valued.end()) {
      if (flag.rfind("-", 0) == 0)
        return makeError("unknown flag '", flag, "' (see --help)");
      return makeError("unexpected argument '", flag, "' (see --help)");
    }
    if (!value) {
      if (i + 1 >= args.size())
        return makeError(flag, ": missing value");
      value = args[++i];
    }
    if (Error e = it->second(flag, *value))
      return e;
  }

  if (o.help || o.printModel)
    return o;
  if (o.lrSchedule == LrScheduleKind::Cosine &&
      (!o.lrDecayEpochs.empty() || o.lrDecayLast || decayFactorGiven))
    return makeError("--lr-decay-epochs, --lr-decay-factor and "
                     "--lr-decay-last go with --lr-schedule step, not cosine");
  if (o.lrMin > o.lr)
    return makeError("--lr-min ", o.lrMin, " is above --lr ", o.lr);
  if (o.lrDecayEpochs.size() > kMaxLrDecayEpochs)
    return makeError("--lr-decay-epochs: at most ", kMaxLrDecayEpochs,
                     " epochs, got ", o.lrDecayEpochs.size());
  bool stepDump = !o.stepInputs.empty() || !o.dumpDir.empty();
  if (stepDump) {
    if (o.stepInputs.empty())
      return makeError("--dump needs --step-inputs X.npy Y.npy");
    if (o.dumpDir.empty())
      return makeError("--step-inputs needs --dump DIR");
    if (!o.dataDir.empty() || !o.trainSamples.empty())
      return makeError("--data/--train and --step-inputs are separate modes; "
                       "give one");
    if (!o.savePath.empty() || !o.resumePath.empty() ||
        !o.exportOnnxPath.empty())
      return makeError("--save, --resume and --export-onnx go with --data, "
                       "not the step dump");
    if (o.dumpSteps && (*o.dumpSteps < 1 || *o.dumpSteps > 1000))
      return makeError("--dump-steps: expected 1 to 1000 steps, got ",
                       *o.dumpSteps);
    return o;
  }
  if (o.dumpStep || o.dumpSteps)
    return makeError("--dump-step and --dump-steps go with the step dump "
                     "(--step-inputs X.npy Y.npy --dump DIR)");
  if (!o.dataDir.empty() && !o.trainSamples.empty())
    return makeError("--data DIR and --train X.npy Y.npy are two sources of "
                     "data; give one");
  if (!o.testSamples.empty() && o.trainSamples.empty())
    return makeError("--test X.npy Y.npy goes with --train X.npy Y.npy");
  // Exporting a checkpoint (or the initial weights) needs no data.
  bool exportOnly = !o.exportOnnxPath.empty() && o.epochs == 0;
  if (o.dataDir.empty() && o.trainSamples.empty() && !exportOnly)
    return makeError("missing --data DIR or --train X.npy Y.npy (or "
                     "--step-inputs X.npy Y.npy --dump DIR); see --help");
  if (o.epochs > 1000000)
    return makeError("--epochs: at most 1000000");
  return o;
}

BarrierInfo resolveBarrier(const TrainerOptions &options,
                           const BarrierInfo &model) {
  BarrierInfo b = model;
  if (options.barrierT0)
    b.t0 = *options.barrierT0;
  if (options.barrierGamma)
    b.gamma = *options.barrierGamma;
  if (options.barrierTMax)
    b.tMax = *options.barrierTMax;
  return b;
}

std::string usage(const std::string &program) {
  return "usage: " + program + R"( --data DIR [options]
       )" +
         program +
         R"( --train X.npy Y.npy [--test X.npy Y.npy] [options]
       )" +
         program +
         R"( --step-inputs X.npy Y.npy --dump DIR [--lr X --barrier-t0 T
           --dump-step N --dump-steps K]
       )" +
         program + R"( --model-info

Trains the model compiled into this program on a classification data set.

Data:
  --data DIR            an MNIST-format directory (train-images-idx3-ubyte,
                        train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
                        t10k-labels-idx1-ubyte, each may end in .gz), or
                        CIFAR-10 binary batches (data_batch_1.bin ... and
                        test_batch.bin)
  --train X.npy Y.npy   NumPy arrays instead: X [N, sample...] uint8 (pixels,
                        read as / 255) or float32, Y [N] integer labels
  --test X.npy Y.npy    the test split of --train (none: no evaluation)
  --normalize M,S       (x - M) / S on every input value, after / 255;
                        M1,...,MC,S1,...,SC per channel of a C x H x W input
  --train-limit N       use the first N training samples
  --test-limit N        use the first N test samples (0: no evaluation)

Training:
  --epochs N            epochs (default 5)
  --lr X                learning rate (default 0.05)
  --lr-decay-epochs E1,E2,...
                        multiply the learning rate by F from each of these
                        epochs (1-based) on
  --lr-decay-factor F   the factor of each decay (default 0.1)
  --lr-decay-last       also decay at the last epoch
  --lr-schedule step|cosine
                        step (default): the decay flags above; cosine: from
                        --lr down to --lr-min over the run, step by step
  --lr-min X            where the cosine schedule ends (default 0)
  --warmup-steps N      ramp the rate up linearly over the first N steps
  --seed S              seed of the per-epoch shuffle (default 0)
  --threads N           threads of the big loops (default: every core); the
                        results do not depend on it
  --barrier-t0 T        barrier t in the first epoch (default: the model's)
  --barrier-gamma G     t grows by G each epoch: t = min(t_max, t0 * G^epoch)
  --barrier-t-max T     largest t (default: the model's)

Checkpoints:
  --save FILE           write a checkpoint to FILE after every epoch (atomically)
  --resume FILE         continue from a checkpoint: the run goes on exactly as
                        if it had not stopped (give the same flags; --epochs is
                        the total)
  --stop-after N        stop after epoch N of the --epochs run (with --save,
                        to go on later with --resume and the same flags)

Export:
  --export-onnx FILE    at the end, write the model with its trained weights
                        as ONNX (float32; with --normalize, its Sub and Div in
                        front). --resume CKPT --epochs 0 --export-onnx FILE
                        exports a checkpoint (no data needed)

Data-parallel (a model compiled with --ranks N, run with mpirun -np N):
  --exchange gather|scatter|allreduce-f32|allreduce-grid
                        how the ranks combine their gradients: an all-gather
                        of them as stored (MU8: 1 byte per parameter, an
                        exact sum; the default), the MU8 codes scattered to
                        the rank that sums each share exactly and the sums
                        gathered (for many ranks), an all-reduce of f32
                        values, or of int32 values on a grid the ranks share

Divergence:
  --on-nonfinite stop|skip-step
                        a step whose loss or (float32) weights are NaN or
                        infinite stops the run with a message naming the
                        epoch, step and tensor (stop, the default; the last
                        checkpoint is left as it was), or is undone and
                        counted (skip-step)
  --max-saturation P    stop when a step saturates more than P% of the MU8
                        values of one tensor kind (weights, activations,
                        gradients, momentum)

Output:
  --quiet               only the per-epoch lines and the final result
  --metrics FILE        also write one JSON object per epoch and a final one
                        to FILE (appended to with --resume)

Step dump:
  --step-inputs X.npy Y.npy   one batch: X float32 [batch, input...], Y int64 or
                              int32 [batch]
  --dump DIR            run grad_step on the batch and write DIR/loss.npy and
                        DIR/grad.<name>.npy per trainable parameter, then one
                        train_step and DIR/param.<name>.npy for every parameter
  --dump-step N         the step number of that train step (default 0): with
                        the seed it keys the stochastic rounding
  --dump-steps K        run K train steps on the batch and write the raw state
                        before and after each to DIR/state.0 ... DIR/state.K
                        (parameter and momentum codes, momentum ranges, the
                        gradients, and the stats of the step)

  --model-info          print the model's description and exit
  -h, --help            this text

Errors (bad flags, missing or corrupt files, bad labels, shape mismatches)
print one message to stderr and exit with status 2.
)";
}

} // namespace logbtq::runtime
