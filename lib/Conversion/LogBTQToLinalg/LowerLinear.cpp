//===- LowerLinear.cpp - matmul and conv2d to Linalg ----------------------===//
//
// `logbtq.matmul` becomes `linalg.matmul` (a transposed operand is an
// indexing map, as MLIR 22 spells matmul_transpose_a/b) into a zero-filled
// init. `logbtq.conv2d` zero-pads the input with `tensor.pad`, convolves as a
// matrix product over im2col columns (Im2Col.h) and adds the bias per
// channel afterwards, in the order PyTorch sums.
//
//===----------------------------------------------------------------------===//

#include "Im2Col.h"
#include "LoweringUtils.h"
#include "Patterns.h"

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::lowering;

namespace {

struct MatmulLowering : F32OpLowering<MatmulOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(MatmulOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type f32 = resultType.getElementType();
    Value init = createFilled(rewriter, loc, resultType.getShape(),
                              createFloatConstant(rewriter, loc, f32, 0.0));
    auto matmul = linalg::MatmulOp::create(
        rewriter, loc, TypeRange{resultType},
        ValueRange{adaptor.getLhs(), adaptor.getRhs()}, ValueRange{init});
    if (op.getTransposeLhs() || op.getTransposeRhs()) {
      MLIRContext *ctx = rewriter.getContext();
      AffineExpr m, n, k;
      bindDims(ctx, m, n, k);
      auto map = [&](AffineExpr a, AffineExpr b) {
        return AffineMap::get(3, 0, {a, b}, ctx);
      };
      AffineMap lhs = op.getTransposeLhs() ? map(k, m) : map(m, k);
      AffineMap rhs = op.getTransposeRhs() ? map(n, k) : map(k, n);
      matmul.setIndexingMapsAttr(
          rewriter.getAffineMapArrayAttr({lhs, rhs, map(m, n)}));
    }
    return SmallVector<Value>{matmul.getResult(0)};
  }
};

struct Conv2DLowering : F32OpLowering<Conv2DOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(Conv2DOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type f32 = resultType.getElementType();
    Value zero = createFloatConstant(rewriter, loc, f32, 0.0);

    ArrayRef<int64_t> pads = op.getPads();
    Value input = padSpatial(rewriter, loc, adaptor.getInput(),
                             pads.take_front(2), pads.drop_front(2), zero);
    ArrayRef<int64_t> window = shapeOf(adaptor.getFilter()).drop_front(2);
    ConvGeometry geometry{
        {window.begin(), window.end()},
        {resultType.getShape().begin() + 2, resultType.getShape().end()},
        {op.getStrides().begin(), op.getStrides().end()},
        {op.getDilations().begin(), op.getDilations().end()}};
    Value result = createIm2ColConv(rewriter, loc, input, adaptor.getFilter(),
                                    geometry, zero, floatMac);

    if (Value bias = adaptor.getBias()) {
      MLIRContext *ctx = rewriter.getContext();
      result = createElementwise(
          rewriter, loc, resultType, ValueRange{result, bias},
          {rewriter.getMultiDimIdentityMap(4), getSingleDimMap(ctx, 4, 1)},
          [](OpBuilder &b, Location loc, ValueRange args) {
            return SmallVector<Value>{
                arith::AddFOp::create(b, loc, args[0], args[1])};
          });
    }
    return SmallVector<Value>{result};
  }
};

} // namespace

void lowering::populateLinearPatterns(TypeConverter &converter,
                                      RewritePatternSet &patterns) {
  patterns.add<MatmulLowering, Conv2DLowering>(converter,
                                               patterns.getContext());
}
