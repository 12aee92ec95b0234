//===- TrainerAPI.cpp - Training a compiled model from C ------------------===//
//
// The C API of TrainerAPI.h over the runtime's Model, Checkpoint and
// ONNXExport: the same code the trainer executable runs, so a checkpoint or
// an export of one is one of the other. It binds the linked model's symbols
// (TrainerABI.h), which is why it is an archive of its own
// (liblogbtq_trainer_api.a), like main().
//
//===----------------------------------------------------------------------===//

#include "logbtq/Runtime/TrainerAPI.h"

#include "logbtq/Numerics/MU8.h"
#include "logbtq/Runtime/Checkpoint.h"
#include "logbtq/Runtime/LinkedModel.h"
#include "logbtq/Runtime/ONNXExport.h"
#include "logbtq/Runtime/TrainLoop.h"

#include <cstring>
#include <exception>
#include <new>

using namespace logbtq::runtime;

struct logbtq_trainer {
  std::unique_ptr<Model> model;
  RunState state;
  int64_t epoch = 0;
  /// Set by const calls too (a failed save).
  mutable std::string error;
};

namespace {

/// Runs `body`, turning an Error or a C++ exception into LOGBTQ_ERROR with
/// the message kept on the trainer.
template <typename Body>
int guarded(const logbtq_trainer *t, const char *what, Body body) {
  if (!t)
    return LOGBTQ_ERROR;
  try {
    if (Error e = body()) {
      t->error = e.message();
      return LOGBTQ_ERROR;
    }
  } catch (const std::bad_alloc &) {
    t->error = std::string(what) + ": out of memory";
    return LOGBTQ_ERROR;
  } catch (const std::exception &ex) {
    t->error = std::string(what) + ": " + ex.what();
    return LOGBTQ_ERROR;
  }
  t->error.clear();
  return LOGBTQ_OK;
}

/// guarded() for a call on a created trainer: `body` gets its model.
template <typename Trainer, typename Body>
int withModel(Trainer *t, const char *call, Body body) {
  return guarded(t, call, [&]() -> Error {
    if (!t->model)
      return makeError(call,
                       ": the trainer has no model (its creation "
                       "failed: ",
                       t->error, ")");
    return body(*t->model);
  });
}

Error needPointer(const void *p, const char *call, const char *name) {
  if (!p)
    return makeError(call, ": ", name, " is NULL");
  return Error::success();
}

void fillStats(const StepStats &s, logbtq_step_stats *out) {
  if (!out)
    return;
  auto count = [&](int stat) { return int64_t(s.values[size_t(stat)]); };
  out->loss = s.loss;
  out->data_loss = s.ce;
  out->barrier = s.barrier;
  out->correct = int64_t(s.correct);
  out->saturated_weights = count(LOGBTQ_STAT_SAT_WEIGHTS);
  out->saturated_activations = count(LOGBTQ_STAT_SAT_ACTIVATIONS);
  out->saturated_gradients = count(LOGBTQ_STAT_SAT_GRADIENTS);
  out->saturated_momentum = count(LOGBTQ_STAT_SAT_MOMENTUM);
  out->encoded_weights = count(LOGBTQ_STAT_ENC_WEIGHTS);
  out->encoded_activations = count(LOGBTQ_STAT_ENC_ACTIVATIONS);
  out->encoded_gradients = count(LOGBTQ_STAT_ENC_GRADIENTS);
  out->encoded_momentum = count(LOGBTQ_STAT_ENC_MOMENTUM);
  out->accumulator_overflows = count(LOGBTQ_STAT_ACC_OVERFLOW);
  out->accumulator_outputs = count(LOGBTQ_STAT_ACC_OUTPUTS);
}

Error checkLabels(const char *call, const int32_t *labels,
                  const ModelInfo &info) {
  for (int64_t i = 0; i < info.batch; ++i)
    if (labels[i] < 0 || labels[i] >= info.classes)
      return makeError(call, ": label ", labels[i], " of sample ", i,
                       " is out of range for a model with ", info.classes,
                       " classes");
  return Error::success();
}

/// Copies a batch into the model's input buffers (labels: zeros if NULL).
void loadBatch(Model &model, const float *x, const int32_t *labels) {
  const ModelInfo &info = model.info();
  std::memcpy(model.inputs(), x,
              size_t(info.batch * info.inputSize()) * sizeof(float));
  if (labels)
    std::memcpy(model.labels(), labels, size_t(info.batch) * sizeof(int32_t));
  else
    std::memset(model.labels(), 0, size_t(info.batch) * sizeof(int32_t));
}

} // namespace

extern "C" {

void logbtq_model_describe(logbtq_model_description *out) {
  if (!out)
    return;
  std::memset(out, 0, sizeof(*out));
  Expected<ModelInfo> info = parseModelInfo(logbtq_model_info);
  if (!info)
    return;
  out->batch = info->batch;
  out->input_size = info->inputSize();
  out->classes = info->classes;
  out->param_count = info->paramCount;
  out->param_records = int64_t(info->params.size());
  out->quantized = info->quant == QuantKind::MU8;
}

int logbtq_trainer_create(const char *checkpoint, logbtq_trainer **out) {
  if (!out)
    return LOGBTQ_ERROR;
  *out = new (std::nothrow) logbtq_trainer();
  if (!*out)
    return LOGBTQ_ERROR;
  logbtq_trainer *t = *out;
  return guarded(t, "logbtq_trainer_create", [&]() -> Error {
    Expected<std::unique_ptr<Model>> model = Model::create(linkedModel());
    if (!model)
      return model.error();
    t->model = std::move(*model);
    // The barrier schedule is the model's (the executable's flags can
    // change it; the API's runs do not).
    const BarrierInfo &barrier = t->model->info().barrier;
    t->state.t0 = barrier.t0;
    t->state.gamma = barrier.gamma;
    t->state.tMax = barrier.tMax;
    if (checkpoint) {
      Expected<RunState> saved = loadCheckpoint(checkpoint, *t->model);
      if (!saved)
        return saved.error();
      t->state = *saved;
      t->epoch = saved->epochsDone;
    }
    return Error::success();
  });
}

void logbtq_trainer_destroy(logbtq_trainer *trainer) { delete trainer; }

const char *logbtq_trainer_error(const logbtq_trainer *trainer) {
  return trainer ? trainer->error.c_str() : "no trainer (NULL)";
}

int logbtq_trainer_train_step(logbtq_trainer *t, const float *x,
                              const int32_t *labels, float lr,
                              logbtq_step_stats *stats) {
  return withModel(t, "logbtq_trainer_train_step", [&](Model &model) -> Error {
    if (Error e = needPointer(x, "logbtq_trainer_train_step", "x"))
      return e;
    if (Error e = needPointer(labels, "logbtq_trainer_train_step", "labels"))
      return e;
    const ModelInfo &info = model.info();
    if (Error e = checkLabels("logbtq_trainer_train_step", labels, info))
      return e;
    loadBatch(model, x, labels);
    float barrierT = float(::logbtq::runtime::barrierT(info.barrier, t->epoch));
    Expected<StepStats> s = model.trainStep(lr, barrierT, t->state.step);
    if (!s)
      return s.error();
    ++t->state.step;
    t->state.counters.add(*s);
    fillStats(*s, stats);
    return Error::success();
  });
}

int logbtq_trainer_eval(logbtq_trainer *t, const float *x,
                        const int32_t *labels, float *logits,
                        logbtq_step_stats *stats) {
  return withModel(t, "logbtq_trainer_eval", [&](Model &model) -> Error {
    if (Error e = needPointer(x, "logbtq_trainer_eval", "x"))
      return e;
    if (labels)
      if (Error e = checkLabels("logbtq_trainer_eval", labels, model.info()))
        return e;
    loadBatch(model, x, labels);
    std::vector<float> out;
    Expected<StepStats> s = model.evalStep(logits ? &out : nullptr);
    if (!s)
      return s.error();
    if (logits)
      std::memcpy(logits, out.data(), out.size() * sizeof(float));
    if (stats) {
      std::memset(stats, 0, sizeof(*stats));
      if (labels) {
        stats->loss = stats->data_loss = s->loss;
        stats->correct = int64_t(s->correct);
      }
    }
    return Error::success();
  });
}

int logbtq_trainer_set_epoch(logbtq_trainer *t, int64_t epoch) {
  return guarded(t, "logbtq_trainer_set_epoch", [&]() -> Error {
    if (epoch < 0)
      return makeError("logbtq_trainer_set_epoch: epoch ", epoch,
                       " is negative");
    t->epoch = epoch;
    return Error::success();
  });
}

int64_t logbtq_trainer_steps(const logbtq_trainer *t) {
  return t ? t->state.step : 0;
}

int logbtq_trainer_param(const logbtq_trainer *t, int64_t index,
                         logbtq_param *out) {
  return withModel(t, "logbtq_trainer_param", [&](Model &model) -> Error {
    if (Error e = needPointer(out, "logbtq_trainer_param", "out"))
      return e;
    const ModelInfo &info = model.info();
    if (index < 0 || index >= int64_t(info.params.size()))
      return makeError("logbtq_trainer_param: index ", index,
                       " is out of range (the model has ", info.params.size(),
                       " parameters)");
    const ParamInfo &p = info.params[size_t(index)];
    out->name = p.name.c_str();
    out->offset = p.offset;
    out->count = p.numElements();
    out->trainable = p.trainable && !p.statistic;
    return Error::success();
  });
}

int logbtq_trainer_get_weights(const logbtq_trainer *t, float *out) {
  return withModel(t, "logbtq_trainer_get_weights", [&](Model &model) -> Error {
    if (Error e = needPointer(out, "logbtq_trainer_get_weights", "out"))
      return e;
    std::vector<float> values = model.paramValues();
    std::memcpy(out, values.data(), values.size() * sizeof(float));
    return Error::success();
  });
}

int logbtq_trainer_set_weights(logbtq_trainer *t, const float *values) {
  return withModel(t, "logbtq_trainer_set_weights", [&](Model &model) -> Error {
    if (Error e = needPointer(values, "logbtq_trainer_set_weights", "values"))
      return e;
    const ModelInfo &info = model.info();
    std::vector<unsigned char> bytes(size_t(model.stateBytes()));
    if (info.quant == QuantKind::MU8) {
      for (size_t index = 0; index < info.params.size(); ++index) {
        const ParamInfo &p = info.params[index];
        ::logbtq::mu8::encodeNearest(
            values + p.offset,
            reinterpret_cast<int8_t *>(bytes.data()) + p.offset,
            size_t(p.numElements()), model.exponentOf(index));
      }
    } else {
      std::memcpy(bytes.data(), values, bytes.size());
    }
    return model.restoreState(bytes.data(), model.momentumBytes(),
                              model.rangeValues());
  });
}

int logbtq_trainer_save(const logbtq_trainer *t, const char *path) {
  return withModel(t, "logbtq_trainer_save", [&](Model &model) -> Error {
    if (Error e = needPointer(path, "logbtq_trainer_save", "path"))
      return e;
    RunState state = t->state;
    state.epochsDone = t->epoch;
    return saveCheckpoint(path, model, state);
  });
}

int logbtq_trainer_load(logbtq_trainer *t, const char *path) {
  return withModel(t, "logbtq_trainer_load", [&](Model &model) -> Error {
    if (Error e = needPointer(path, "logbtq_trainer_load", "path"))
      return e;
    Expected<RunState> saved = loadCheckpoint(path, model);
    if (!saved)
      return saved.error();
    t->state = *saved;
    t->epoch = saved->epochsDone;
    return Error::success();
  });
}

int logbtq_trainer_export_onnx(const logbtq_trainer *t, const char *path) {
  return withModel(t, "logbtq_trainer_export_onnx", [&](Model &model) -> Error {
    if (Error e = needPointer(path, "logbtq_trainer_export_onnx", "path"))
      return e;
    return exportONNX(path, model, logbtq_onnx_export, Normalization());
  });
}

} // extern "C"
