//===- LogBTQAttributes.h - What passes attach to the IR --------*- C++ -*-===//
//
// The names of the `logbtq.*` discardable attributes, declared with their
// value kinds in LogBTQDialect.td and verified by the dialect
// (LogBTQAttributes.cpp). Code refers to them by these names only.
//
//   on a function argument
//     param = "name"        a parameter of the model, by its ONNX name
//     init = <elements>     its initial values (@forward)
//     frozen                a parameter that is not trained
//     statistic             a frozen parameter that the train step updates:
//                           a batch norm's running mean or variance (in MU8
//                           at a range of its own, kept with the momenta's)
//     input = "name"        the data input of the model
//     labels, lr, step      the labels, learning rate and step number
//     barrier_t             the barrier's sharpness t
//     momentum = "name"     the momentum buffer of parameter "name"
//     gradient = "name"     the gradient of parameter "name" (@apply_step)
//     range = e             the fixed MU8 range 2^e of a parameter
//     ranges                the range exponents of the MU8 momenta, then
//                           of the statistics
//   on a function result
//     output = "name"       an output of the model
//     barrier_penalty       the barrier terms of @forward
//     stats                 the statistics vector of a step
//     ranges                the new momentum range exponents
//   on the module
//     source, opset         the ONNX file and opset it was imported from
//     training              {key = f64}: settings of the training passes
//     quant = "mu8"         the program stores MU8 tensors
//     weight_range = e      the default range exponent of the weights
//     model_info = "text"   the model description for the runtime
//     initial_params = <elements>  the flat initial parameter buffer
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQATTRIBUTES_H
#define LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQATTRIBUTES_H

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"

#include <optional>
#include <vector>

namespace mlir::logbtq::attrs {

#define LOGBTQ_ATTR_NAME(Constant, Helper)                                     \
  inline constexpr StringLiteral Constant =                                    \
      LogBTQDialect::Helper##AttrHelper::getNameStr();
LOGBTQ_ATTR_NAME(kParam, Param)
LOGBTQ_ATTR_NAME(kInit, Init)
LOGBTQ_ATTR_NAME(kFrozen, Frozen)
LOGBTQ_ATTR_NAME(kStatistic, Statistic)
LOGBTQ_ATTR_NAME(kInput, Input)
LOGBTQ_ATTR_NAME(kOutput, Output)
LOGBTQ_ATTR_NAME(kLabels, Labels)
LOGBTQ_ATTR_NAME(kLr, Lr)
LOGBTQ_ATTR_NAME(kBarrierT, BarrierT)
LOGBTQ_ATTR_NAME(kBarrierPenalty, BarrierPenalty)
LOGBTQ_ATTR_NAME(kMomentum, Momentum)
LOGBTQ_ATTR_NAME(kGradient, Gradient)
LOGBTQ_ATTR_NAME(kRange, Range)
LOGBTQ_ATTR_NAME(kRanges, Ranges)
LOGBTQ_ATTR_NAME(kStep, Step)
LOGBTQ_ATTR_NAME(kStats, Stats)
LOGBTQ_ATTR_NAME(kQuant, Quant)
LOGBTQ_ATTR_NAME(kWeightRange, WeightRange)
LOGBTQ_ATTR_NAME(kSource, Source)
LOGBTQ_ATTR_NAME(kOpset, Opset)
LOGBTQ_ATTR_NAME(kTraining, Training)
LOGBTQ_ATTR_NAME(kModelInfo, ModelInfo)
LOGBTQ_ATTR_NAME(kInitialParams, InitialParams)
LOGBTQ_ATTR_NAME(kOnnxExport, OnnxExport)
#undef LOGBTQ_ATTR_NAME

/// The f32 values of a parameter's `logbtq.init`: a dense_resource, or dense
/// elements (a splat included). None for anything else, or a resource whose
/// blob is gone.
std::optional<std::vector<float>> readInitialValues(Attribute init);

} // namespace mlir::logbtq::attrs

#endif // LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQATTRIBUTES_H
