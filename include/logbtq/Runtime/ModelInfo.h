//===- ModelInfo.h - The description a compiled model exports ---*- C++ -*-===//
//
// Parses `logbtq_model_info` (TrainerABI.h), the text a compiled model
// exports to tell the runtime its batch, input and parameter shapes, and its
// barrier and optimizer settings.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_RUNTIME_MODELINFO_H
#define LOGBTQ_RUNTIME_MODELINFO_H

#include "logbtq/Runtime/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace logbtq::runtime {

/// One `param <name> <dims> <offset> trainable|frozen` record: a slice of the
/// flat parameter buffer.
struct ParamInfo {
  std::string name;
  std::vector<int64_t> shape;
  /// First element in the flat buffer.
  int64_t offset = 0;
  bool trainable = true;
  /// A batch norm's running statistic (`statistic`, not trainable): the
  /// train step updates it; in MU8 its range exponent is a state range.
  bool statistic = false;
  /// MU8 range exponent of the codes (the weight exponent when the record
  /// does not give one).
  std::optional<int> exponent;

  /// Number of elements (the product of `shape`).
  int64_t numElements() const;
};

/// `barrier <lambda> <bound> <t0> <gamma> <t_max>`: the penalty weight and
/// bound compiled into the model and the default schedule of t.
struct BarrierInfo {
  double lambda = 0;
  double bound = 1;
  double t0 = 5;
  double gamma = 1.1;
  double tMax = 100;
};

/// `optimizer sgd <momentum> <weight_decay>` or
/// `optimizer adam|adamw <beta1> <beta2> <eps> <weight_decay>`, compiled
/// into the model.
struct OptimizerInfo {
  std::string name = "sgd";
  double momentum = 0;
  double weightDecay = 0;
  double beta1 = 0, beta2 = 0, eps = 0; ///< adam and adamw
  /// Optimizer state tensors per parameter: SGD's momentum (1), Adam's
  /// first moment and square root of the second (2).
  int64_t slots() const { return name == "sgd" ? 1 : 2; }
  /// The `weight-decay-all` record: the decay applies to every parameter,
  /// not only to the weights (rank >= 2).
  bool decayAll = false;
  /// The `clip-grad-norm <C>` record: gradients scaled to a global L2 norm
  /// of at most C; 0 (no record) for none.
  double clipGradNorm = 0;
};

/// How parameters and momentum are stored (the `quant` record): f32 values,
/// or int8 MU8 codes (docs/MU8.md).
enum class QuantKind { F32 = 0, MU8 = 1 };

/// The record's spelling of `kind`: "f32" or "mu8".
const char *quantName(QuantKind kind);

/// The whole description. Version 2 requires every record below and rejects
/// unknown ones.
struct ModelInfo {
  int64_t version = 2;
  int64_t batch = 0;
  /// Shape of one sample; a batch of inputs is [batch, input...].
  std::vector<int64_t> input;
  int64_t classes = 0;
  /// `quant f32` or `quant mu8 <weight range exponent>`.
  QuantKind quant = QuantKind::F32;
  /// The range exponent of every parameter's codes (quant mu8): a code c
  /// stands for mu8::decode(c, weightExponent). 0 for f32.
  int weightExponent = 0;
  int64_t paramCount = 0;
  /// The `ranks <N>` record of a model compiled for data-parallel training
  /// (it has the local and apply steps; `batch` is one rank's share): N,
  /// or 0 for none.
  int64_t ranks = 0;
  std::vector<ParamInfo> params;
  BarrierInfo barrier;
  OptimizerInfo optimizer;
  /// The `loss <name>` record (the --loss flag's names); softmax
  /// cross-entropy without it.
  std::string loss = "softmax-cross-entropy";

  /// Elements of one sample (the product of `input`).
  int64_t inputSize() const;
  /// Number of trainable parameter elements.
  int64_t trainableCount() const;
  /// Number of `statistic` parameters (records, not elements).
  int64_t statisticCount() const;
  /// Bytes of one parameter or optimizer-state element: 4 (f32) or 1 (mu8
  /// codes).
  size_t elementSize() const { return quant == QuantKind::MU8 ? 1 : 4; }
  /// "f32" or "mu8 <weight exponent>", as in the record.
  std::string quantString() const;
};

/// The model info version this runtime reads (`logbtq-model 3`).
constexpr int64_t kModelInfoVersion = 3;

/// Parses the text of `logbtq_model_info`. Errors name the line:
/// "model info line 7: ...". Checks that the records are complete and
/// consistent (parameters inside `param-count`, not overlapping, names
/// unique; positive sizes; a valid barrier schedule).
Expected<ModelInfo> parseModelInfo(std::string_view text);

/// Formats a shape as "1,28,28" (the model info spelling).
std::string formatShape(const std::vector<int64_t> &shape);

} // namespace logbtq::runtime

#endif // LOGBTQ_RUNTIME_MODELINFO_H
