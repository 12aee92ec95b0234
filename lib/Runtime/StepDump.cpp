//===- StepDump.cpp - One step on a given batch, written as .npy ----------===//

#include "logbtq/Runtime/StepDump.h"
#include "logbtq/Runtime/DataParallel.h"

#include "Format.h"
#include "logbtq/Runtime/Npy.h"

#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <optional>
#include <set>

namespace logbtq::runtime {

std::string fileNameOf(const std::string &paramName) {
  std::string s = paramName;
  for (char &c : s)
    if (!std::isalnum((unsigned char)c) && c != '.' && c != '_' && c != '-')
      c = '_';
  return s;
}

Error loadStepInputs(Model &model, const std::string &xPath,
                     const std::string &yPath, int64_t ranks, int64_t rank) {
  const ModelInfo &info = model.info();
  const int64_t batch = info.batch * ranks;
  const int64_t first = info.batch * rank;
  std::vector<int64_t> expected = {batch};
  expected.insert(expected.end(), info.input.begin(), info.input.end());

  Expected<NpyArray> x = readNpy(xPath);
  if (!x)
    return x.error();
  if (x->type != NpyType::F32)
    return makeError(xPath, ": dtype ", npyDescr(x->type),
                     ", expected float32 ('<f4')");
  int64_t rest = 1;
  for (size_t i = 1; i < x->shape.size(); ++i)
    rest *= x->shape[i];
  if (x->shape.size() < 2 || x->shape[0] != batch || rest != info.inputSize())
    return makeError(xPath, ": shape (", formatShape(x->shape),
                     ") does not match the model's batch of inputs (",
                     formatShape(expected), ")");
  size_t sampleBytes = size_t(info.inputSize()) * sizeof(float);
  std::memcpy(model.inputs(), x->bytes.data() + size_t(first) * sampleBytes,
              size_t(info.batch) * sampleBytes);

  Expected<NpyArray> y = readNpy(yPath);
  if (!y)
    return y.error();
  if (y->type == NpyType::F32)
    return makeError(yPath, ": dtype <f4, expected int64 ('<i8'), int32 "
                            "('<i4') or uint8 ('|u1') labels");
  if (y->shape != std::vector<int64_t>{batch})
    return makeError(yPath, ": shape (", formatShape(y->shape),
                     ") does not match the model's batch of labels (", batch,
                     ")");
  int32_t *labels = model.labels();
  for (int64_t i = first; i < first + info.batch; ++i) {
    int64_t label = y->integerAt(i);
    if (label < 0 || label >= info.classes)
      return makeError(
          yPath, ": byte ", y->dataOffset + i * int64_t(npyItemSize(y->type)),
          ": label ", label, " at index ", i,
          " is out of range for a model with ", info.classes, " classes");
    labels[i - first] = int32_t(label);
  }
  return Error::success();
}

namespace {

/// Writes `grads` (param-count values) as DIR/grad.<name>.npy per trainable
/// parameter; returns how many files it wrote.
Expected<int> writeGradients(const ModelInfo &info, const std::string &dir,
                             const std::vector<float> &grads) {
  int written = 0;
  for (const ParamInfo &p : info.params) {
    if (!p.trainable)
      continue;
    if (Error e = writeNpy(dir + "grad." + fileNameOf(p.name) + ".npy",
                           NpyType::F32, p.shape, grads.data() + p.offset))
      return e;
    ++written;
  }
  return written;
}

/// One flat state buffer (parameters or momentum) as DIR/<kind>.<name>.npy
/// per parameter, undecoded: MU8 codes widened to int32 (the .npy writer
/// has no int8), f32 values as they are.
Error writeRawBuffer(const ModelInfo &info, const std::string &dir,
                     const std::string &kind, const unsigned char *bytes) {
  for (const ParamInfo &p : info.params) {
    std::string path = dir + kind + "." + fileNameOf(p.name) + ".npy";
    Error e = Error::success();
    if (info.quant == QuantKind::MU8) {
      const auto *codes = reinterpret_cast<const int8_t *>(bytes) + p.offset;
      std::vector<int32_t> wide(codes, codes + p.numElements());
      e = writeNpy(path, NpyType::I32, p.shape, wide.data());
    } else {
      e = writeNpy(path, NpyType::F32, p.shape,
                   bytes + p.offset * int64_t(sizeof(float)));
    }
    if (e)
      return e;
  }
  return Error::success();
}

/// DIR/state.<i>/: what a reference needs to replay the next train step
/// from exactly this state (the raw parameters, momentum and momentum
/// ranges, and the gradients of the batch here), plus the stats of the
/// train step that led to it.
Error writeState(Model &model, float t, const std::string &dir,
                 const StepStats *stats) {
  const ModelInfo &info = model.info();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return makeError("--dump ", dir, ": cannot create: ", ec.message());
  std::string prefix = dir + "/";
  if (Error e = writeRawBuffer(info, prefix, "param", model.paramBytes()))
    return e;
  // SGD's momentum; Adam's first moment, then the square root of its
  // second (moment2.<name>.npy).
  if (Error e =
          writeRawBuffer(info, prefix, "momentum", model.momentumBytes()))
    return e;
  if (model.slots() > 1)
    if (Error e = writeRawBuffer(info, prefix, "moment2",
                                 model.momentumBytes() + model.stateBytes()))
      return e;
  if (Error e = writeNpy(prefix + "ranges.npy", NpyType::I32,
                         {model.rangeCount()}, model.rangeValues()))
    return e;
  std::vector<float> grads;
  Expected<StepStats> gradStats = model.gradStep(t, grads);
  if (!gradStats)
    return gradStats.error();
  if (Expected<int> n = writeGradients(info, prefix, grads); !n)
    return n.error();
  if (!stats)
    return Error::success();
  // Every entry is an f32 the model returned, so the cast is exact.
  std::vector<float> values(stats->values.begin(), stats->values.end());
  return writeNpy(prefix + "stats.npy", NpyType::F32,
                  {int64_t(values.size())}, values.data());
}

} // namespace

Error runStepDump(Model &model, const TrainerOptions &options,
                  std::ostream &out, Communicator *comm) {
  const ModelInfo &info = model.info();
  // A data-parallel model dumps the step of the whole job: each rank's
  // share of the batch, the ranks' mean gradient, the update from it.
  const bool parallel = model.hasDataParallelSteps();
  std::unique_ptr<Communicator> single;
  if (!comm) {
    single = createSingleProcessCommunicator();
    comm = single.get();
  }
  if (parallel && options.dumpSteps)
    return makeError("--dump-steps: a data-parallel model dumps one step");
  const int ranks = parallel ? comm->size() : 1;
  if (Error e = loadStepInputs(model, options.stepInputs, options.stepLabels,
                               ranks, parallel ? comm->rank() : 0))
    return e;

  // Parameter names must stay distinct as file names.
  std::set<std::string> files;
  for (const ParamInfo &p : info.params)
    if (!files.insert(fileNameOf(p.name)).second)
      return makeError("parameter '", p.name, "' has the same file name '",
                       fileNameOf(p.name), "' as another parameter");

  // Rank 0 writes the files.
  const bool writer = !parallel || comm->rank() == 0;
  std::string dir = options.dumpDir + "/";
  if (writer) {
    std::error_code ec;
    std::filesystem::create_directories(options.dumpDir, ec);
    if (ec)
      return makeError("--dump ", options.dumpDir,
                       ": cannot create: ", ec.message());
  }

  float t = float(resolveBarrier(options, info.barrier).t0);
  std::optional<DataParallelStep> step;
  DataParallelResult combined;
  std::vector<float> grads;
  StepStats stats;
  if (parallel) {
    step.emplace(model, *comm, options.exchange);
    Expected<DataParallelResult> result = step->exchange(t, false);
    if (!result)
      return result.error();
    combined = *result;
    stats = combined.stats;
    grads = step->meanGradients();
  } else {
    Expected<StepStats> local = model.gradStep(t, grads);
    if (!local)
      return local.error();
    stats = *local;
  }
  int written = 0;
  if (writer) {
    float loss = float(stats.loss);
    if (Error e = writeNpy(dir + "loss.npy", NpyType::F32, {}, &loss))
      return e;
    Expected<int> n = writeGradients(info, dir, grads);
    if (!n)
      return n.error();
    written = *n;
  }

  // From zero momentum and ranges, as step --dump-step (0: the first step of
  // a run and its stochastic rounding draws). MU8 codes are decoded, so
  // every param.*.npy is f32.
  int64_t firstStep = options.dumpStep.value_or(0);
  int64_t steps = options.dumpSteps.value_or(1);
  auto stateDir = [&](int64_t i) { return dir + "state." + std::to_string(i); };
  if (options.dumpSteps)
    if (Error e = writeState(model, t, stateDir(0), nullptr))
      return e;
  for (int64_t i = 0; i < steps; ++i) {
    Expected<StepStats> trained = StepStats();
    if (parallel) {
      if (Error e = step->apply(combined, float(options.lr), firstStep + i))
        return e;
    } else {
      trained = model.trainStep(float(options.lr), t, firstStep + i);
      if (!trained)
        return trained.error();
    }
    if (i == 0 && writer) {
      std::vector<float> params = model.paramValues();
      for (const ParamInfo &p : info.params)
        if (Error e =
                writeNpy(dir + "param." + fileNameOf(p.name) + ".npy",
                         NpyType::F32, p.shape, params.data() + p.offset))
          return e;
    }
    if (options.dumpSteps)
      if (Error e = writeState(model, t, stateDir(i + 1), &*trained))
        return e;
  }

  out << formatString("step dump: t %g, lr %g: loss %.6g (ce %.6g, barrier "
                      "%.6g), %lld correct of %lld",
                      double(t), options.lr, stats.loss, stats.ce,
                      stats.barrier, (long long)std::llround(stats.correct),
                      (long long)(info.batch * ranks));
  if (parallel)
    out << " on " << ranks << " ranks";
  out << "\n"
      << "wrote " << dir << "loss.npy, " << written << " grad.*.npy, "
      << info.params.size() << " param.*.npy";
  if (options.dumpSteps)
    out << ", state.0 to state." << steps << " (steps " << firstStep << " to "
        << firstStep + steps - 1 << ")";
  out << "\n";
  return Error::success();
}

} // namespace logbtq::runtime
