//===- Model.h - A compiled model and its buffers ---------------*- C++ -*-===//
//
// Owns the state a compiled model trains: the flat parameter and momentum
// buffers and one batch of inputs and labels, and calls the step functions
// of TrainerABI.h on them. Every buffer is malloc'd memory (64-byte aligned
// through posix_memalign, so free() releases it); a train step returns new
// parameter and momentum buffers and the old ones are freed.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_RUNTIME_MODEL_H
#define LOGBTQ_RUNTIME_MODEL_H

#include "logbtq/Runtime/Error.h"
#include "logbtq/Runtime/ModelInfo.h"
#include "logbtq/Runtime/TrainerABI.h"

#include <memory>
#include <vector>

namespace logbtq::runtime {

/// The symbols a compiled model exports (TrainerABI.h). The trainer's main
/// fills this from the linked model; tests substitute a fake.
struct ModelEntryPoints {
  decltype(&_mlir_ciface_logbtq_train_step) trainStep = nullptr;
  decltype(&_mlir_ciface_logbtq_grad_step) gradStep = nullptr;
  decltype(&_mlir_ciface_logbtq_eval_step) evalStep = nullptr;
  /// NUL-terminated `logbtq_model_info` text.
  const char *info = nullptr;
  /// `param-count` floats: `logbtq_initial_params`.
  const float *initialParams = nullptr;
};

/// The `stats` vector of one step (TrainerABI.h's LogbtqStat).
struct StepStats {
  double loss = 0;    ///< total loss (eval: cross-entropy), batch mean
  double correct = 0; ///< correct predictions in the batch
  double ce = 0;      ///< mean cross-entropy (train and grad steps)
  double barrier = 0; ///< lambda * barrier penalties (train and grad steps)
};

class Model {
public:
  /// Parses the model info, copies the initial parameters and zeroes the
  /// momentum (which has `param-count` elements, like the parameters).
  static Expected<std::unique_ptr<Model>> create(const ModelEntryPoints &entry);
  ~Model();
  Model(const Model &) = delete;
  Model &operator=(const Model &) = delete;

  const ModelInfo &info() const { return modelInfo; }

  /// The batch the next step reads: batch * inputSize floats in the model's
  /// input layout, and batch int32 labels.
  float *inputs() { return static_cast<float *>(x.aligned); }
  int32_t *labels() { return static_cast<int32_t *>(y.aligned); }

  /// One SGD step on the current batch; replaces parameters and momentum.
  Expected<StepStats> trainStep(float lr, float t);
  /// Loss and gradients of the current batch; `grads` gets param-count
  /// values laid out like the parameters.
  Expected<StepStats> gradStep(float t, std::vector<float> &grads);
  /// Forward pass on the current batch.
  Expected<StepStats> evalStep();

  /// The current value of parameter element `i` (0 <= i < param-count).
  float param(int64_t i) const {
    return static_cast<const float *>(params.aligned)[params.offset + i];
  }
  /// A copy of the current parameters (param-count values).
  std::vector<float> paramValues() const;

private:
  Model(const ModelEntryPoints &entry, ModelInfo info);

  /// Checks a buffer the model returned: `n` elements, unit stride.
  Error checkResult(const char *step, const char *what, const LogbtqMemRef1D &d,
                    int64_t n, bool atLeast = false);
  /// Copies `n` stats out of a returned buffer and frees it.
  StepStats takeStats(LogbtqMemRef1D &stats, int64_t n);

  ModelEntryPoints entry;
  ModelInfo modelInfo;
  LogbtqMemRef1D params{};
  LogbtqMemRef1D momentum{};
  LogbtqMemRef1D x{};
  LogbtqMemRef1D y{};
};

/// Frees the memory of a buffer a model returned, unless it is one of MLIR's
/// global constants (allocated == 0xdeadbeef) or null.
void freeModelBuffer(void *allocated);

} // namespace logbtq::runtime

#endif // LOGBTQ_RUNTIME_MODEL_H
