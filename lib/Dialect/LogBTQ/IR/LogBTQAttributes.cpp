//===- LogBTQAttributes.cpp - Verification of logbtq.* attributes ---------===//
//
// Passes find parameters, inputs and ranges by these attributes: a misspelt
// one would silently turn a parameter into something else, so the dialect
// rejects any `logbtq.*` attribute it does not know, and any it knows in the
// wrong place or with the wrong kind of value.
//
//===----------------------------------------------------------------------===//

#include "logbtq/Dialect/LogBTQ/IR/LogBTQAttributes.h"

#include "mlir/IR/BuiltinOps.h"

using namespace mlir;
using namespace mlir::logbtq;

namespace {

enum Place : unsigned { OnArgument = 1, OnResult = 2, OnModule = 4, OnOp = 8 };

struct AttrSpec {
  StringLiteral name;
  unsigned places;
  bool (*accepts)(Attribute);
  /// What the value must be, for the diagnostic.
  StringLiteral expected;
};

template <typename T>
bool isA(Attribute value) {
  return isa<T>(value);
}

bool isNumberFormat(Attribute value) {
  auto s = dyn_cast<StringAttr>(value);
  return s && (s.getValue() == "mu8" || s.getValue() == "f32");
}

bool isDictOfFloats(Attribute value) {
  auto dict = dyn_cast<DictionaryAttr>(value);
  return dict && llvm::all_of(dict, [](NamedAttribute entry) {
           return isa<FloatAttr>(entry.getValue());
         });
}

constexpr StringLiteral kUnit = "a unit attribute (no value)";

const AttrSpec kSpecs[] = {
    {attrs::kParam, OnArgument, isA<StringAttr>, "the parameter's name"},
    {attrs::kInit, OnArgument, isA<ElementsAttr>, "an elements attribute"},
    {attrs::kFrozen, OnArgument, isA<UnitAttr>, kUnit},
    {attrs::kStatistic, OnArgument, isA<UnitAttr>, kUnit},
    {attrs::kInput, OnArgument, isA<StringAttr>, "the input's name"},
    {attrs::kOutput, OnResult, isA<StringAttr>, "the output's name"},
    {attrs::kLabels, OnArgument, isA<UnitAttr>, kUnit},
    {attrs::kLr, OnArgument, isA<UnitAttr>, kUnit},
    {attrs::kBarrierT, OnArgument, isA<UnitAttr>, kUnit},
    {attrs::kBarrierPenalty, OnResult, isA<UnitAttr>, kUnit},
    {attrs::kMomentum, OnArgument, isA<StringAttr>, "its parameter's name"},
    {attrs::kGradient, OnArgument, isA<StringAttr>, "its parameter's name"},
    {attrs::kRange, OnArgument, isA<IntegerAttr>, "an integer exponent"},
    {attrs::kRanges, OnArgument | OnResult, isA<UnitAttr>, kUnit},
    {attrs::kStep, OnArgument, isA<UnitAttr>, kUnit},
    {attrs::kStats, OnResult, isA<UnitAttr>, kUnit},
    {attrs::kQuant, OnModule, isNumberFormat, "\"mu8\" or \"f32\""},
    {attrs::kWeightRange, OnModule, isA<IntegerAttr>, "an integer exponent"},
    {attrs::kSource, OnModule, isA<StringAttr>, "a file name"},
    {attrs::kOpset, OnModule, isA<IntegerAttr>, "an integer"},
    {attrs::kTraining, OnModule, isDictOfFloats,
     "a dictionary of float settings"},
    {attrs::kModelInfo, OnModule, isA<StringAttr>, "the description text"},
    {attrs::kInitialParams, OnModule, isA<ElementsAttr>,
     "an elements attribute"},
    {attrs::kOnnxExport, OnModule, isA<StringAttr>,
     "the ONNX export template (bytes)"},
};

StringRef placeName(Place place) {
  switch (place) {
  case OnArgument:
    return "a function argument";
  case OnResult:
    return "a function result";
  case OnModule:
    return "the module";
  case OnOp:
    return "an operation";
  }
  llvm_unreachable("unknown place");
}

/// Checks `attr` found at `place` of `op` (`what` names it in diagnostics).
LogicalResult verifyAttr(Operation *op, Place place, const Twine &what,
                         NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  const AttrSpec *spec = llvm::find_if(
      kSpecs, [&](const AttrSpec &s) { return s.name == name; });
  if (spec == std::end(kSpecs)) {
    InFlightDiagnostic diag =
        op->emitError() << "unknown attribute '" << name << "' on " << what
                        << "; the logbtq dialect knows: ";
    llvm::interleaveComma(kSpecs, diag,
                          [&](const AttrSpec &s) { diag << s.name; });
    return diag;
  }
  if (!(spec->places & place)) {
    InFlightDiagnostic diag = op->emitError()
                              << "'" << name << "' does not belong on "
                              << placeName(place) << " (" << what
                              << "); it goes on ";
    SmallVector<StringRef> places;
    for (Place p : {OnArgument, OnResult, OnModule})
      if (spec->places & p)
        places.push_back(placeName(p));
    llvm::interleave(places, diag, " or ");
    return diag;
  }
  if (!spec->accepts(attr.getValue()))
    return op->emitError() << "'" << name << "' on " << what << " must be "
                           << spec->expected << ", got " << attr.getValue();
  return success();
}

} // namespace

LogicalResult LogBTQDialect::verifyOperationAttribute(Operation *op,
                                                      NamedAttribute attr) {
  if (isa<ModuleOp>(op))
    return verifyAttr(op, OnModule, "the module", attr);
  return verifyAttr(op, OnOp, "'" + op->getName().getStringRef() + "'", attr);
}

LogicalResult LogBTQDialect::verifyRegionArgAttribute(Operation *op, unsigned,
                                                      unsigned argIndex,
                                                      NamedAttribute attr) {
  return verifyAttr(op, OnArgument, "argument " + Twine(argIndex), attr);
}

LogicalResult LogBTQDialect::verifyRegionResultAttribute(Operation *op,
                                                         unsigned,
                                                         unsigned resultIndex,
                                                         NamedAttribute attr) {
  return verifyAttr(op, OnResult, "result " + Twine(resultIndex), attr);
}

std::optional<std::vector<float>>
mlir::logbtq::attrs::readInitialValues(Attribute init) {
  if (auto resource = dyn_cast_or_null<DenseF32ResourceElementsAttr>(init)) {
    std::optional<ArrayRef<float>> data = resource.tryGetAsArrayRef();
    if (!data)
      return std::nullopt;
    return std::vector<float>(data->begin(), data->end());
  }
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(init);
      dense && dense.getElementType().isF32()) {
    auto range = dense.getValues<float>();
    return std::vector<float>(range.begin(), range.end());
  }
  return std::nullopt;
}
