//===- TrainingOptions.cpp - Training settings carried in the IR ----------===//

#include "logbtq/Dialect/LogBTQ/Transforms/TrainingOptions.h"
#include "logbtq/Dialect/LogBTQ/IR/LogBTQAttributes.h"

#include "mlir/IR/Builders.h"

using namespace mlir;

void mlir::logbtq::recordTrainingOption(ModuleOp module, StringRef key,
                                        double value) {
  Builder b(module.getContext());
  NamedAttrList entries;
  if (auto dict =
          module->getAttrOfType<DictionaryAttr>(logbtq::attrs::kTraining))
    entries.assign(dict.getValue());
  entries.set(key, b.getF64FloatAttr(value));
  module->setAttr(logbtq::attrs::kTraining,
                  entries.getDictionary(module.getContext()));
}

std::optional<double> mlir::logbtq::getTrainingOption(ModuleOp module,
                                                      StringRef key) {
  auto dict = module->getAttrOfType<DictionaryAttr>(logbtq::attrs::kTraining);
  if (!dict)
    return std::nullopt;
  if (auto value = dict.getAs<FloatAttr>(key))
    return value.getValueAsDouble();
  return std::nullopt;
}
