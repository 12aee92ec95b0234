//===- OptionEnums.h - Enumerated options of the logbtq passes --*- C++ -*-===//
//
// The values an enumerated option may take, with the spelling the command
// line accepts: a pass option, a pipeline option and a logbtq-compile flag
// all parse through these lists, so an unknown value is rejected with the
// list of valid ones.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_DIALECT_LOGBTQ_TRANSFORMS_OPTIONENUMS_H
#define LOGBTQ_DIALECT_LOGBTQ_TRANSFORMS_OPTIONENUMS_H

#include "llvm/Support/CommandLine.h"

namespace mlir::logbtq {

/// How the training program stores its tensors.
enum class NumberFormat { MU8, F32 };
#define LOGBTQ_NUMBER_FORMAT_VALUES                                            \
  clEnumValN(::mlir::logbtq::NumberFormat::MU8, "mu8",                         \
             "8-bit mu-law codes (fully quantized training)"),                 \
      clEnumValN(::mlir::logbtq::NumberFormat::F32, "f32",                     \
                 "float32 (the baseline)")

/// The loss of the training program (in the order of the runtime's
/// kLogbtqLossNames, TrainerABI.h: the model description names it by index).
enum class LossKind { SoftmaxCrossEntropy, MSE, L1, BCEWithLogits };
#define LOGBTQ_LOSS_VALUES                                                     \
  clEnumValN(::mlir::logbtq::LossKind::SoftmaxCrossEntropy,                    \
             "softmax-cross-entropy", "mean softmax cross-entropy"),           \
      clEnumValN(::mlir::logbtq::LossKind::MSE, "mse",                         \
                 "mean squared error against one-hot labels"),                 \
      clEnumValN(::mlir::logbtq::LossKind::L1, "l1",                           \
                 "mean absolute error against one-hot labels"),                \
      clEnumValN(::mlir::logbtq::LossKind::BCEWithLogits, "bce-with-logits",   \
                 "binary cross-entropy with logits against one-hot labels")

/// The optimizer of the training program.
enum class OptimizerKind { SGD, Adam, AdamW };
#define LOGBTQ_OPTIMIZER_VALUES                                                \
  clEnumValN(::mlir::logbtq::OptimizerKind::SGD, "sgd",                        \
             "SGD with momentum and weight decay"),                            \
      clEnumValN(::mlir::logbtq::OptimizerKind::Adam, "adam",                  \
                 "Adam with bias correction (L2 weight decay)"),               \
      clEnumValN(::mlir::logbtq::OptimizerKind::AdamW, "adamw",                \
                 "AdamW (decoupled weight decay)")

/// The parser of an enumerated command-line option that names the valid
/// values when it meets another: `--quant=int4` is "'int4' is not one of:
/// mu8, f32". (LLVM's own says only that it found no such value.)
template <typename T> class ListingParser : public llvm::cl::parser<T> {
public:
  using llvm::cl::parser<T>::parser;

  bool parse(llvm::cl::Option &option, llvm::StringRef, llvm::StringRef arg,
             T &value) {
    std::string valid;
    for (const auto &entry : this->Values) {
      if (entry.Name == arg) {
        value = entry.V.getValue();
        return false;
      }
      valid += (valid.empty() ? "" : ", ") + entry.Name.str();
    }
    return option.error("'" + arg + "' is not one of: " + valid);
  }
};

} // namespace mlir::logbtq

#endif // LOGBTQ_DIALECT_LOGBTQ_TRANSFORMS_OPTIONENUMS_H
