//===- TrainingOptions.cpp - Training settings carried in the IR ----------===//

#include "logbtq/Dialect/LogBTQ/Transforms/TrainingOptions.h"
#include "logbtq/Dialect/LogBTQ/IR/LogBTQAttributes.h"

#include "mlir/IR/Builders.h"

using namespace mlir;

static constexpr StringLiteral kTrainingAttr = logbtq::attrs::kTraining;

void mlir::logbtq::recordTrainingOption(ModuleOp module, StringRef key,
                                        double value) {
  Builder b(module.getContext());
  NamedAttrList entries;
  if (auto dict = module->getAttrOfType<DictionaryAttr>(kTrainingAttr))
    entries.assign(dict.getValue());
  entries.set(key, b.getF64FloatAttr(value));
  module->setAttr(kTrainingAttr, entries.getDictionary(module.getContext()));
}

std::optional<double> mlir::logbtq::getTrainingOption(ModuleOp module,
                                                      StringRef key) {
  auto dict = module->getAttrOfType<DictionaryAttr>(kTrainingAttr);
  if (!dict)
    return std::nullopt;
  if (auto value = dict.getAs<FloatAttr>(key))
    return value.getValueAsDouble();
  return std::nullopt;
}
