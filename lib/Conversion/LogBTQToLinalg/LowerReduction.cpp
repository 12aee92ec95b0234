//===- LowerReduction.cpp - logbtq.reduce to Linalg -----------------------===//
//
// One linalg.reduce over the axes (sum, max or min; max and min propagate
// NaN as ONNX's ReduceMax does), the mean a division of the sum after it.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "Patterns.h"

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <limits>

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::lowering;

Value lowering::createReduction(OpBuilder &b, Location loc, Value input,
                                ArrayRef<int64_t> unsortedAxes,
                                RankedTensorType resultType, StringRef kind) {
  SmallVector<int64_t> axes(unsortedAxes);
  llvm::sort(axes);
  if (axes.empty())
    return input;
  double inf = std::numeric_limits<double>::infinity();
  double initial = kind == "max" ? -inf : kind == "min" ? inf : 0.0;
  Value init = createFilled(b, loc, resultType.getShape(),
                            createF32Constant(b, loc, initial));
  auto reduce = linalg::ReduceOp::create(
      b, loc, ValueRange{input}, ValueRange{init}, axes,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value v;
        if (kind == "max")
          v = arith::MaximumFOp::create(nb, l, args[0], args[1]);
        else if (kind == "min")
          v = arith::MinimumFOp::create(nb, l, args[0], args[1]);
        else
          v = arith::AddFOp::create(nb, l, args[0], args[1]);
        linalg::YieldOp::create(nb, l, ValueRange{v});
      });
  Value result = reduce.getResult(0);
  if (kind != "mean")
    return result;
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t count = 1;
  for (int64_t axis : axes)
    count *= inputType.getDimSize(axis);
  Value n = createF32Constant(b, loc, double(count));
  return createElementwise(
      b, loc, resultType, {result},
      [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
        return arith::DivFOp::create(nb, l, args[0], n);
      });
}

namespace {

struct ReduceLowering : F32OpLowering<ReduceOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(ReduceOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    return SmallVector<Value>{
        createReduction(rewriter, op.getLoc(), adaptor.getInput(), op.getAxes(),
                        cast<RankedTensorType>(op.getType()), op.getKind())};
  }
};

} // namespace

void lowering::populateReductionPatterns(TypeConverter &converter,
                                         RewritePatternSet &patterns) {
  patterns.add<ReduceLowering>(converter, patterns.getContext());
}
