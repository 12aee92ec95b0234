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

namespace {

struct ReduceLowering : F32OpLowering<ReduceOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(ReduceOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    SmallVector<int64_t> axes(op.getAxes());
    llvm::sort(axes);
    if (axes.empty())
      return SmallVector<Value>{adaptor.getInput()};
    StringRef kind = op.getKind();
    double inf = std::numeric_limits<double>::infinity();
    double initial = kind == "max" ? -inf : kind == "min" ? inf : 0.0;
    Value init = createFilled(rewriter, loc, resultType.getShape(),
                              createF32Constant(rewriter, loc, initial));
    auto reduce = linalg::ReduceOp::create(
        rewriter, loc, ValueRange{adaptor.getInput()}, ValueRange{init}, axes,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value v;
          if (kind == "max")
            v = arith::MaximumFOp::create(b, l, args[0], args[1]);
          else if (kind == "min")
            v = arith::MinimumFOp::create(b, l, args[0], args[1]);
          else
            v = arith::AddFOp::create(b, l, args[0], args[1]);
          linalg::YieldOp::create(b, l, ValueRange{v});
        });
    Value result = reduce.getResult(0);
    if (kind == "mean") {
      int64_t count = 1;
      for (int64_t axis : axes)
        count *= inputType.getDimSize(axis);
      Value n = createF32Constant(rewriter, loc, double(count));
      result = createElementwise(
          rewriter, loc, resultType, {result},
          [&](OpBuilder &b, Location l, ValueRange args) -> Value {
            return arith::DivFOp::create(b, l, args[0], n);
          });
    }
    return SmallVector<Value>{result};
  }
};

} // namespace

void lowering::populateReductionPatterns(TypeConverter &converter,
                                         RewritePatternSet &patterns) {
  patterns.add<ReduceLowering>(converter, patterns.getContext());
}
