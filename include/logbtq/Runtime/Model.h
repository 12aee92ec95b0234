//===- Model.h - A compiled model and its buffers ---------------*- C++ -*-===//
//
// Owns the state a compiled model trains: the flat parameter and momentum
// buffers (f32 values or int8 MU8 codes, after the model's `quant` record),
// the momentum range exponents, and one batch of inputs and labels, and calls
// the step functions of TrainerABI.h on them. Every buffer is malloc'd memory
// (64-byte aligned through posix_memalign, so free() releases it); a train
// step returns new parameter, momentum and range buffers and the old ones
// are freed.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_RUNTIME_MODEL_H
#define LOGBTQ_RUNTIME_MODEL_H

#include "logbtq/Runtime/Error.h"
#include "logbtq/Runtime/ModelInfo.h"
#include "logbtq/Runtime/TrainerABI.h"

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace logbtq::runtime {

/// The symbols a compiled model exports (TrainerABI.h). The trainer's main
/// fills this from the linked model; tests substitute a fake.
struct ModelEntryPoints {
  decltype(&_mlir_ciface_logbtq_train_step) trainStep = nullptr;
  decltype(&_mlir_ciface_logbtq_grad_step) gradStep = nullptr;
  decltype(&_mlir_ciface_logbtq_eval_step) evalStep = nullptr;
  /// Only in models compiled with --ranks.
  decltype(&_mlir_ciface_logbtq_local_step) localStep = nullptr;
  decltype(&_mlir_ciface_logbtq_apply_step) applyStep = nullptr;
  /// NUL-terminated `logbtq_model_info` text.
  const char *info = nullptr;
  /// `logbtq_initial_params`: param-count f32 values or int8 codes.
  const unsigned char *initialParams = nullptr;
  /// `logbtq_onnx_export` (ONNXExportTemplate.h), or null for a model
  /// compiled from MLIR.
  const unsigned char *onnxExport = nullptr;
};

/// The `stats` vector of one step (TrainerABI.h's LogbtqStat).
struct StepStats {
  double loss = 0;    ///< total loss (eval: cross-entropy), batch mean
  double correct = 0; ///< correct predictions in the batch
  double ce = 0;      ///< mean cross-entropy (train and grad steps)
  double barrier = 0; ///< lambda * barrier penalties (train and grad steps)
  /// Every entry, indexed by LogbtqStat; those the step did not return
  /// (the eval step returns 2) are 0.
  std::array<double, LOGBTQ_NUM_STATS> values{};

  /// Sets loss, correct, ce and barrier from their entries of `values`.
  void nameValues() {
    loss = values[LOGBTQ_STAT_LOSS];
    correct = values[LOGBTQ_STAT_CORRECT];
    ce = values[LOGBTQ_STAT_CE];
    barrier = values[LOGBTQ_STAT_BARRIER];
  }
};

class Model {
public:
  /// Parses the model info, copies the initial parameters and zeroes the
  /// momentum (which has `param-count` elements, like the parameters) and
  /// the momentum range exponents (one per `param` record).
  static Expected<std::unique_ptr<Model>> create(const ModelEntryPoints &entry);
  ~Model();
  Model(const Model &) = delete;
  Model &operator=(const Model &) = delete;

  const ModelInfo &info() const { return modelInfo; }
  /// The model info text as the model exports it (a checkpoint keeps its
  /// hash to refuse another model).
  const std::string &infoText() const { return modelInfoText; }

  /// The batch the next step reads: batch * inputSize floats in the model's
  /// input layout, and batch int32 labels.
  float *inputs() { return static_cast<float *>(x.aligned); }
  int32_t *labels() { return static_cast<int32_t *>(y.aligned); }

  /// One SGD step on the current batch; replaces parameters, momentum and
  /// ranges. `step` numbers the step over the whole run (from 0).
  Expected<StepStats> trainStep(float lr, float t, int64_t step);
  /// Loss and gradients of the current batch; `grads` gets param-count
  /// values laid out like the parameters.
  Expected<StepStats> gradStep(float t, std::vector<float> &grads);
  /// Data-parallel training (a model compiled with --ranks).
  bool hasDataParallelSteps() const {
    return entry.localStep && entry.applyStep && modelInfo.ranks > 0;
  }
  /// The loss and gradients of the current batch, kept until the next
  /// local step: localGradients() has param-count elements of
  /// info().elementSize() bytes (MU8 codes or f32), localExponents() one
  /// range exponent per `param` record.
  Expected<StepStats> localStep(float t);
  const unsigned char *localGradients() const { return localGrads.data(); }
  const int32_t *localExponents() const { return localExps.data(); }
  /// The update from `grads` (param-count f32 values); replaces parameters,
  /// momentum and ranges like trainStep.
  Expected<StepStats> applyStep(const float *grads, float lr, int64_t step);

  /// Forward pass on the current batch; with `logits`, also its
  /// batch * classes logits.
  Expected<StepStats> evalStep(std::vector<float> *logits = nullptr);

  /// The current value of parameter element `i` (0 <= i < param-count),
  /// decoded at the weight exponent for quant mu8.
  float param(int64_t i) const;
  /// The MU8 range exponent of flat element `i` (its parameter's).
  int exponentAt(int64_t i) const;
  /// The MU8 range exponent of parameter record `param`: its record's, or
  /// for a statistic the current one from the ranges.
  int exponentOf(size_t param) const;
  /// A copy of the current parameters as f32 (param-count values, MU8 codes
  /// decoded at the weight exponent).
  std::vector<float> paramValues() const;

  /// The raw state a checkpoint holds: param-count elements of
  /// info().elementSize() bytes each for the parameters, `slots` times as
  /// many for the optimizer state (slot after slot, each laid out like the
  /// parameters), and one int32 range per `param` record and slot, then
  /// one per statistic.
  const unsigned char *paramBytes() const;
  const unsigned char *momentumBytes() const;
  const int32_t *rangeValues() const;
  int64_t stateBytes() const {
    return modelInfo.paramCount * int64_t(modelInfo.elementSize());
  }
  int64_t slots() const { return modelInfo.optimizer.slots(); }
  int64_t optimizerStateBytes() const { return slots() * stateBytes(); }
  int64_t rangeCount() const {
    return slots() * int64_t(modelInfo.params.size()) +
           modelInfo.statisticCount();
  }
  /// Replaces parameters, momentum and ranges with copies of the given ones
  /// (sizes as above), in fresh buffers.
  Error restoreState(const unsigned char *params, const unsigned char *momentum,
                     const int32_t *ranges);

private:
  Model(const ModelEntryPoints &entry, ModelInfo info);
  /// Frees params, momentum and ranges (each once).
  void freeState();

  /// Checks a buffer the model returned: `n` elements, unit stride.
  Error checkResult(const char *step, const char *what, const LogbtqMemRef1D &d,
                    int64_t n, bool atLeast = false);
  /// Takes a train or apply step's new parameters, state and ranges in
  /// place of the current ones, after checking them.
  Error installUpdate(const char *step, LogbtqTrainResults &r);
  /// Copies `n` stats out of a returned buffer and frees it.
  StepStats takeStats(LogbtqMemRef1D &stats, int64_t n);

  ModelEntryPoints entry;
  ModelInfo modelInfo;
  std::string modelInfoText;
  LogbtqMemRef1D params{};
  LogbtqMemRef1D momentum{};
  LogbtqMemRef1D ranges{};
  LogbtqMemRef1D x{};
  LogbtqMemRef1D y{};
  std::vector<unsigned char> localGrads;
  std::vector<int32_t> localExps;
};

/// Frees the memory of a buffer a model returned, unless it is one of MLIR's
/// global constants (allocated == 0xdeadbeef) or null.
void freeModelBuffer(void *allocated);

} // namespace logbtq::runtime

#endif // LOGBTQ_RUNTIME_MODEL_H
