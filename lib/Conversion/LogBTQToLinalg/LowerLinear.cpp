//===- LowerLinear.cpp - matmul and conv2d to Linalg ----------------------===//
//
// `logbtq.matmul` becomes the packed f32 product of PackedProduct.h (a
// transposed operand is only another way of reading it while packing);
// `logbtq.batch_matmul` one linalg contraction (not packed yet).
// `logbtq.conv2d` zero-pads the input with `tensor.pad`, convolves as the
// packed product of the filter and the windows, read in place (Im2Col.h),
// and adds the bias per channel afterwards, in the order PyTorch sums.
// `logbtq.conv_transpose2d` is the product conv2d_grad_input builds (the
// gradient of a convolution is a transposed one), then the bias.
//
//===----------------------------------------------------------------------===//

#include "Im2Col.h"
#include "LoweringUtils.h"
#include "PackedProduct.h"
#include "Patterns.h"

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::lowering;

namespace {

struct MatmulLowering : F32OpLowering<MatmulOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(MatmulOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    return SmallVector<Value>{createMatmulProduct(
        rewriter, op.getLoc(), adaptor.getLhs(), adaptor.getRhs(),
        op.getTransposeLhs(), op.getTransposeRhs(), ProductKind::Float)};
  }
};

/// One contraction over (batch, m, n, k), the batch dims collapsed into one:
/// the transposes are only other indexing maps.
struct BatchMatmulLowering : F32OpLowering<BatchMatmulOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(BatchMatmulOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t rank = resultType.getRank();
    SmallVector<ReassociationIndices> collapse = {{}, {rank - 2}, {rank - 1}};
    for (int64_t d = 0; d < rank - 2; ++d)
      collapse[0].push_back(d);
    auto collapsed = [&](Value v) -> Value {
      if (rank == 3)
        return v;
      return tensor::CollapseShapeOp::create(rewriter, loc, v, collapse);
    };
    Value lhs = collapsed(adaptor.getLhs()), rhs = collapsed(adaptor.getRhs());
    ArrayRef<int64_t> shape = resultType.getShape();
    int64_t batch = 1;
    for (int64_t d : shape.drop_back(2))
      batch *= d;
    SmallVector<int64_t> flat = {batch, shape[rank - 2], shape[rank - 1]};
    Value init = createFilled(rewriter, loc, flat,
                              createF32Constant(rewriter, loc, 0.0));
    AffineExpr b, m, n, k;
    bindDims(ctx, b, m, n, k);
    auto map = [&](ArrayRef<AffineExpr> exprs) {
      return AffineMap::get(4, 0, exprs, ctx);
    };
    SmallVector<AffineMap> maps = {
        op.getTransposeLhs() ? map({b, k, m}) : map({b, m, k}),
        op.getTransposeRhs() ? map({b, n, k}) : map({b, k, n}), map({b, m, n})};
    SmallVector<utils::IteratorType> iterators(3,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    Value product =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{init.getType()}, ValueRange{lhs, rhs},
            ValueRange{init}, maps, iterators,
            [](OpBuilder &bb, Location l, ValueRange args) {
              Value p = arith::MulFOp::create(bb, l, args[0], args[1]);
              linalg::YieldOp::create(
                  bb, l, ValueRange{arith::AddFOp::create(bb, l, args[2], p)});
            })
            .getResult(0);
    if (rank > 3)
      product = tensor::ExpandShapeOp::create(rewriter, loc, resultType,
                                              product, collapse);
    return SmallVector<Value>{product};
  }
};

/// `result + bias[c]` over NCHW, or `result` without a bias.
Value addChannelBias(OpBuilder &b, Location loc, Value result, Value bias) {
  if (!bias)
    return result;
  auto type = cast<RankedTensorType>(result.getType());
  return createElementwise(
      b, loc, type, ValueRange{result, bias},
      {b.getMultiDimIdentityMap(4), getSingleDimMap(b.getContext(), 4, 1)},
      [](OpBuilder &b, Location loc, ValueRange args) {
        return SmallVector<Value>{
            arith::AddFOp::create(b, loc, args[0], args[1])};
      });
}

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
                                    geometry, ProductKind::Float);

    return SmallVector<Value>{
        addChannelBias(rewriter, loc, result, adaptor.getBias())};
  }
};

/// conv2d_grad_input's builder (the transposed convolution), then the bias.
struct ConvTranspose2DLowering : F32OpLowering<ConvTranspose2DOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(ConvTranspose2DOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value zero = createF32Constant(rewriter, loc, 0.0);
    Value result = createConvGradInput(
        rewriter, loc, adaptor.getInput(), adaptor.getFilter(),
        shapeOf(op.getResult()), op.getStrides(), op.getPads(),
        op.getDilations(), zero, zero, ProductKind::Float);
    return SmallVector<Value>{
        addChannelBias(rewriter, loc, result, adaptor.getBias())};
  }
};

} // namespace

void lowering::populateLinearPatterns(TypeConverter &converter,
                                      RewritePatternSet &patterns) {
  patterns.add<MatmulLowering, BatchMatmulLowering, Conv2DLowering,
               ConvTranspose2DLowering>(converter, patterns.getContext());
}
