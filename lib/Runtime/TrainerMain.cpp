//===- TrainerMain.cpp - The trainer program ------------------------------===//

#include "logbtq/Runtime/TrainerMain.h"

#include "Format.h"
#include "logbtq/Runtime/CPUFeatures.h"
#include "logbtq/Runtime/Checkpoint.h"
#include "logbtq/Runtime/Dataset.h"
#include "logbtq/Runtime/NpyDataset.h"
#include "logbtq/Runtime/ONNXExport.h"
#include "logbtq/Runtime/Options.h"
#include "logbtq/Runtime/Signals.h"
#include "logbtq/Runtime/StepDump.h"
#include "logbtq/Runtime/TrainLoop.h"

#include <exception>
#include <iostream>
#include <new>
#include <unistd.h>

// The OpenMP runtime the compiled model links (libomp). Weak, so that the
// runtime's own tests link without it.
extern "C" void omp_set_num_threads(int) __attribute__((weak));
// The CPU features the model was compiled for (logbtq-compile
// --target-cpu). Weak: the runtime's tests link models without it.
extern "C" const char logbtq_cpu_features[] __attribute__((weak));

namespace logbtq::runtime {
namespace {

std::string programName(const std::vector<std::string> &args) {
  if (args.empty() || args[0].empty())
    return "trainer";
  size_t slash = args[0].rfind('/');
  return slash == std::string::npos ? args[0] : args[0].substr(slash + 1);
}

std::string modelSummary(const ModelInfo &info) {
  const OptimizerInfo &o = info.optimizer;
  std::string optimizer =
      o.name == "sgd"
          ? formatString("sgd momentum %g weight decay %g", o.momentum,
                         o.weightDecay)
          : formatString("%s beta1 %g beta2 %g eps %g weight decay %g",
                         o.name.c_str(), o.beta1, o.beta2, o.eps,
                         o.weightDecay);
  std::string s = formatString(
      "model: batch %lld, input %s, %lld classes, quant %s, %lld parameters "
      "(%lld trainable), %s",
      (long long)info.batch, formatShape(info.input).c_str(),
      (long long)info.classes, info.quantString().c_str(),
      (long long)info.paramCount, (long long)info.trainableCount(),
      optimizer.c_str());
  if (o.weightDecay > 0)
    s += o.decayAll ? " on every parameter" : " on weights only";
  if (info.loss != "softmax-cross-entropy")
    s += ", loss " + info.loss;
  if (info.optimizer.clipGradNorm > 0)
    s += formatString(", gradients clipped to norm %g",
                      info.optimizer.clipGradNorm);
  if (int64_t n = info.statisticCount())
    s += formatString(", %lld batch norm statistics trained", (long long)n);
  return s;
}

Error exportTrainedModel(const Model &model, const ModelEntryPoints &entry,
                         const TrainerOptions &options,
                         const Normalization &norm, std::ostream &out) {
  if (Error e =
          exportONNX(options.exportOnnxPath, model, entry.onnxExport, norm))
    return e;
  out << "exported: " << options.exportOnnxPath << " (ONNX, float32"
      << (norm.empty() ? "" : ", with the input normalization") << ")\n";
  return Error::success();
}

std::string dataSource(const TrainerOptions &options) {
  if (!options.dataDir.empty())
    return options.dataDir;
  return options.trainSamples +
         (options.testSamples.empty() ? "" : ", " + options.testSamples);
}

/// The data set the flags name, with their normalization.
Expected<Dataset> loadTrainingData(const TrainerOptions &options,
                                   const ModelInfo &info) {
  Expected<Dataset> data =
      options.dataDir.empty()
          ? loadNpyDataset(options.trainSamples, options.trainLabels,
                           options.testSamples, options.testLabels, info.input,
                           info.classes)
          : loadDataset(options.dataDir, info.input, info.classes);
  if (!data || options.normalize.empty())
    return data;
  Expected<Normalization> norm =
      makeNormalization(options.normalize, info.input);
  if (!norm)
    return norm.error();
  data->normalization = std::move(*norm);
  return data;
}

Error run(const std::vector<std::string> &args, const ModelEntryPoints &entry,
          std::ostream &out, bool interactive, Communicator *comm) {
  Expected<TrainerOptions> parsed = parseOptions(std::vector<std::string>(
      args.begin() + (args.empty() ? 0 : 1), args.end()));
  if (!parsed)
    return parsed.error();
  const TrainerOptions &options = *parsed;
  if (options.help) {
    out << usage(programName(args));
    return Error::success();
  }
  // Before the first call into the model, whose code may use them.
  if (logbtq_cpu_features)
    if (Error e = checkCPUFeatures(logbtq_cpu_features))
      return e;
  if (options.threads && omp_set_num_threads)
    omp_set_num_threads(int(*options.threads));

  Expected<std::unique_ptr<Model>> model = Model::create(entry);
  if (!model)
    return model.error();
  const ModelInfo &info = (*model)->info();
  int64_t processes = comm ? comm->size() : 1;
  if (info.ranks && processes != info.ranks && !options.printModel)
    return makeError("the model was compiled for ", info.ranks,
                     " ranks (--ranks); run it with mpirun -np ", info.ranks,
                     ", not on ", processes, " process",
                     processes == 1 ? "" : "es");
  if (!info.ranks && processes > 1)
    return makeError("the model was compiled for one process; compile it with "
                     "--ranks ",
                     processes, " to train on ", processes);
  if (options.printModel) {
    printModelInfo(info, out);
    return Error::success();
  }
  if (options.isStepDump())
    return runStepDump(**model, options, out, comm);
  if (options.dataDir.empty() && options.trainSamples.empty()) {
    // --export-onnx --epochs 0 without data: the checkpoint's weights (or
    // the initial ones).
    if (!options.resumePath.empty())
      if (Expected<RunState> saved =
              loadCheckpoint(options.resumePath, **model);
          !saved)
        return saved.error();
    Normalization norm;
    if (!options.normalize.empty()) {
      Expected<Normalization> made =
          makeNormalization(options.normalize, info.input);
      if (!made)
        return made.error();
      norm = std::move(*made);
    }
    return exportTrainedModel(**model, entry, options, norm, out);
  }

  Expected<Dataset> data = loadTrainingData(options, info);
  if (!data)
    return data.error();
  if (!options.quiet) {
    out << modelSummary(info) << "\n"
        << formatString("data: %s (%s): %lld training and %lld test samples "
                        "of %s",
                        dataSource(options).c_str(), data->format.c_str(),
                        (long long)data->train.count,
                        (long long)data->test.count,
                        formatShape(data->train.shape).c_str());
    if (!data->normalization.empty())
      out << ", normalized";
  }
  if (options.trainLimit)
    data->train.truncate(*options.trainLimit);
  if (options.testLimit)
    data->test.truncate(*options.testLimit);
  if (!options.quiet) {
    if (options.trainLimit || options.testLimit)
      out << formatString("; using %lld and %lld", (long long)data->train.count,
                          (long long)data->test.count);
    out << "\n";
  }
  if (data->train.count < info.batch && options.epochs > 0)
    return makeError("the training split has ", data->train.count,
                     " samples, fewer than one batch of ", info.batch,
                     options.trainLimit ? " (see --train-limit)" : "");

  Expected<std::vector<EpochResult>> history =
      train(**model, *data, options, out, interactive, comm);
  if (!history)
    return history.error();
  if (!options.exportOnnxPath.empty() && !stoppedBySignal())
    return exportTrainedModel(**model, entry, options, data->normalization,
                              out);
  return Error::success();
}

} // namespace

void printModelInfo(const ModelInfo &info, std::ostream &out) {
  out << modelSummary(info) << "\n";
  for (const ParamInfo &p : info.params)
    out << formatString("  param %-24s %-16s offset %-10lld %s", p.name.c_str(),
                        formatShape(p.shape).c_str(), (long long)p.offset,
                        p.statistic   ? "running statistic"
                        : p.trainable ? "trainable"
                                      : "frozen")
        << "\n";
  const BarrierInfo &b = info.barrier;
  out << formatString("barrier: lambda %g, bound %g, t0 %g, gamma %g, "
                      "t_max %g",
                      b.lambda, b.bound, b.t0, b.gamma, b.tMax)
      << "\n";
}

int runTrainer(const std::vector<std::string> &args,
               const ModelEntryPoints &model, std::ostream &out,
               std::ostream &err, bool interactive, Communicator *comm) {
  setStoppedBySignal(0);
  Error e = run(args, model, out, interactive, comm);
  out.flush();
  // Stopped by a signal after saving: the shell's status for it.
  if (!e)
    return stoppedBySignal() ? 128 + stoppedBySignal() : 0;
  err << programName(args) << ": error: ";
  if (comm && comm->size() > 1)
    err << "rank " << comm->rank() << " of " << comm->size() << ": ";
  err << e.message() << "\n";
  err.flush();
  return kErrorExitCode;
}

int trainerMain(int argc, char **argv, const ModelEntryPoints &model) {
  // An MPI job's processes, when the trainer links MPI (--ranks).
  std::unique_ptr<Communicator> comm(
      logbtq_create_mpi_communicator
          ? logbtq_create_mpi_communicator(&argc, &argv)
          : createSingleProcessCommunicator().release());
  std::vector<std::string> args(argv, argv + argc);
  installStopSignalHandlers();
  // The other ranks print nothing but their errors.
  std::ostream silent(nullptr);
  bool first = comm->rank() == 0;
  int status = kErrorExitCode;
  try {
    // mpirun gives its ranks a terminal even when its own output goes to a
    // file: a job of several ranks prints plain progress lines.
    bool interactive =
        first && comm->size() == 1 && isatty(STDOUT_FILENO) == 1;
    status = runTrainer(args, model, first ? std::cout : silent, std::cerr,
                        interactive, comm.get());
  } catch (const std::bad_alloc &) {
    std::cout.flush();
    std::cerr << programName(args) << ": error: out of memory\n";
  } catch (const std::exception &ex) {
    std::cout.flush();
    std::cerr << programName(args) << ": error: " << ex.what() << "\n";
  }
  // A rank that stops on an error takes the others with it, rather than
  // leave them waiting in the next exchange.
  if (status == kErrorExitCode && comm->size() > 1)
    comm->abort(status);
  return status;
}

} // namespace logbtq::runtime
