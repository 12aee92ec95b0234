//===- LogBTQTypes.cpp - logbtq types -------------------------------------===//

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"
#include "logbtq/Numerics/MU8.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::logbtq;

namespace mu8 = ::logbtq::mu8;

#define GET_TYPEDEF_CLASSES
#include "logbtq/Dialect/LogBTQ/IR/LogBTQTypes.cpp.inc"

void LogBTQDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "logbtq/Dialect/LogBTQ/IR/LogBTQTypes.cpp.inc"
      >();
}

LogicalResult MU8Type::verify(function_ref<InFlightDiagnostic()> emitError,
                              int32_t exponent) {
  if (exponent != kDynamic && !mu8::isValidExponent(exponent))
    return emitError() << "MU8 range exponent " << exponent
                       << " is outside [" << mu8::kMinExponent << ", "
                       << mu8::kMaxExponent << "]";
  return success();
}

double MU8Type::getRange() const {
  assert(!isDynamic() && "a dynamic range is only known at run time");
  return std::ldexp(1.0, getExponent());
}

/// `!logbtq.mu8`, `!logbtq.mu8<e>` or `!logbtq.mu8<?>`.
Type MU8Type::parse(AsmParser &parser) {
  MLIRContext *ctx = parser.getContext();
  if (failed(parser.parseOptionalLess()))
    return MU8Type::get(ctx, 0);
  int32_t exponent = kDynamic;
  SMLoc loc = parser.getCurrentLocation();
  if (failed(parser.parseOptionalQuestion())) {
    if (parser.parseInteger(exponent))
      return {};
  }
  if (parser.parseGreater())
    return {};
  return MU8Type::getChecked([&] { return parser.emitError(loc); }, ctx,
                             exponent);
}

void MU8Type::print(AsmPrinter &printer) const {
  if (isDynamic())
    printer << "<?>";
  else if (getExponent() != 0)
    printer << "<" << getExponent() << ">";
}

MU8Type mlir::logbtq::getMU8ElementType(Type type) {
  if (auto shaped = dyn_cast<ShapedType>(type))
    return dyn_cast<MU8Type>(shaped.getElementType());
  return {};
}
