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

/// One packed product per index of the batch dims.
struct BatchMatmulLowering : F32OpLowering<BatchMatmulOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(BatchMatmulOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    return SmallVector<Value>{createBatchMatmulProduct(
        rewriter, op.getLoc(), adaptor.getLhs(), adaptor.getRhs(),
        op.getTransposeLhs(), op.getTransposeRhs(), ProductKind::Float)};
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
