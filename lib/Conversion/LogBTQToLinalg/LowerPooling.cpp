//===- LowerPooling.cpp - max_pool2d and avg_pool2d to Linalg -------------===//
//
// Both pad the input (`tensor.pad`) and pool it: windows of up to 16 offsets
// as an elementwise generic with the window unrolled in its body (vector
// code), bigger ones with a named pooling op; either way in the named op's
// order, so the results are the same:
// - max_pool2d pads with -inf (padding never wins) and takes the maximum
//   (`arith.maximumf`, `linalg.pooling_nchw_max`) from -inf;
// - avg_pool2d pads with zeros, sums (`linalg.pooling_nchw_sum`) and
//   divides by each window's count, known at compile time: a scalar when all
//   windows count the same, otherwise an [OH, OW] constant table.
// `ceil_mode` adds end padding so that the last, partial window exists; the
// output size itself is the op's result type (shape::inferPool2D, which
// follows PyTorch: a window that would start in the end padding is dropped).
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "Patterns.h"
#include "PoolRows.h"

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::lowering;

namespace {

/// The window geometry of a pooling op along H (index 0) and W (index 1).
struct PoolGeometry {
  int64_t input[2];  // H, W
  int64_t output[2]; // OH, OW
  int64_t kernel[2], stride[2];
  int64_t padBegin[2]; // top, left
  int64_t padEnd[2];   // bottom, right, as the op states them
  /// End padding that the last window needs beyond padEnd (ceil_mode).
  int64_t extraEnd[2];

  template <typename PoolOp>
  static PoolGeometry get(PoolOp op) {
    PoolGeometry g;
    auto in = cast<RankedTensorType>(op.getInput().getType()).getShape();
    auto out = cast<RankedTensorType>(op.getType()).getShape();
    ArrayRef<int64_t> pads = op.getPads();
    for (int i = 0; i < 2; ++i) {
      g.input[i] = in[2 + i];
      g.output[i] = out[2 + i];
      g.kernel[i] = op.getKernel()[i];
      g.stride[i] = op.getStrides()[i];
      g.padBegin[i] = pads[i];
      g.padEnd[i] = pads[2 + i];
      int64_t needed = (g.output[i] - 1) * g.stride[i] + g.kernel[i];
      int64_t padded = g.input[i] + g.padBegin[i] + g.padEnd[i];
      g.extraEnd[i] = std::max<int64_t>(0, needed - padded);
    }
    return g;
  }

  /// Pads the input so that every window lies inside it.
  Value pad(OpBuilder &b, Location loc, Value input, Value padValue) const {
    return padSpatial(b, loc, input, {padBegin[0], padBegin[1]},
                      {padEnd[0] + extraEnd[0], padEnd[1] + extraEnd[1]},
                      padValue);
  }

  /// How many elements window `o` along `i` averages over: as PyTorch, with
  /// `countPad` the window clipped to the padded input (the stated padding,
  /// not the ceil_mode extra), otherwise to the input itself.
  int64_t count(int i, int64_t o, bool countPad) const {
    int64_t start = o * stride[i] - padBegin[i];
    int64_t end = start + kernel[i];
    if (countPad)
      return std::min(end, input[i] + padEnd[i]) - start;
    return std::min(end, input[i]) - std::max<int64_t>(start, 0);
  }
};

} // namespace

/// The pooling of `padded` into windows with the op's strides: each output
/// is `init` combined with the window's elements in row-major order, as
/// the named op `NamedPoolOp` computes it. A window of at most
/// kMaxUnrolledWindow offsets is unrolled into an elementwise body that
/// reads its elements at their positions, in the same order, so that
/// -logbtq-vectorize runs it 16 lanes wide (the reads become gathers); a
/// larger one stays the named op, whose reduction loops stay scalar.
/// When the windows tile the input (PoolRows.h), the same combination as
/// vector code over blocks of 16 neighbouring windows of an output row,
/// each offset one load and a shuffle, instead of gathers.
template <typename NamedPoolOp, typename CombineOp>
static Value createPool(OpBuilder &b, Location loc, const PoolGeometry &g,
                        RankedTensorType resultType, Value padded,
                        Value initValue) {
  Type f32 = resultType.getElementType();
  auto axis = [&](int i) {
    return PoolAxis{g.input[i],    g.output[i],   g.kernel[i],
                    g.stride[i],   g.padBegin[i], g.padEnd[i]};
  };
  if (tilesWithoutOverlap(axis(0), axis(1), kMaxUnrolledWindow)) {
    auto lanes = VectorType::get({kPoolLanes}, f32);
    Value out = createEmpty(b, loc, resultType.getShape(), f32);
    return forEachWindowBlock(
        b, loc, out, g.output[0], g.output[1], /*rowsPerTile=*/1,
        g.output[1],
        [&](OpBuilder &nb, Location l, Value n, Value c, Value oh, Value ow0,
            Value tile) -> Value {
          Value acc = vector::BroadcastOp::create(nb, l, lanes, initValue);
          for (int64_t kh = 0; kh < g.kernel[0]; ++kh)
            for (int64_t kw = 0; kw < g.kernel[1]; ++kw)
              acc = CombineOp::create(
                  nb, l, acc,
                  readWindowOffset(nb, l, padded, n, c, oh, ow0, g.kernel[0],
                                   g.kernel[1], kh, kw, initValue));
          Value c0 = createIndexConstant(nb, l, 0);
          // Lanes past the row's last window are not stored.
          return vector::TransferWriteOp::create(nb, l, acc, tile,
                                                 ValueRange{c0, c0, c0, ow0},
                                                 ArrayRef<bool>{false})
              .getResult();
        });
  }
  if (g.kernel[0] * g.kernel[1] <= kMaxUnrolledWindow) {
    return createIndexed(
        b, loc, resultType, [&](OpBuilder &nb, Location l, ValueRange iv) {
          auto at = [&](int axis, int64_t k) -> Value {
            return arith::AddIOp::create(
                nb, l,
                arith::MulIOp::create(
                    nb, l, iv[2 + axis],
                    createIndexConstant(nb, l, g.stride[axis])),
                createIndexConstant(nb, l, k));
          };
          Value acc = initValue;
          for (int64_t kh = 0; kh < g.kernel[0]; ++kh)
            for (int64_t kw = 0; kw < g.kernel[1]; ++kw) {
              Value v = tensor::ExtractOp::create(
                  nb, l, padded,
                  ValueRange{iv[0], iv[1], at(0, kh), at(1, kw)});
              acc = CombineOp::create(nb, l, acc, v);
            }
          return acc;
        });
  }
  Value init = createFilled(b, loc, resultType.getShape(), initValue);
  // The window operand only carries the kernel shape.
  Value window = createEmpty(b, loc, {g.kernel[0], g.kernel[1]}, f32);
  return NamedPoolOp::create(b, loc, TypeRange{resultType},
                             ValueRange{padded, window}, ValueRange{init},
                             getI64VectorAttr(b, {g.stride[0], g.stride[1]}),
                             getI64VectorAttr(b, {1, 1}))
      .getResult(0);
}

namespace {

struct MaxPool2DLowering : F32OpLowering<MaxPool2DOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(MaxPool2DOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    PoolGeometry g = PoolGeometry::get(op);
    Value negInf = createNegInf(rewriter, loc, resultType.getElementType());
    Value padded = g.pad(rewriter, loc, adaptor.getInput(), negInf);
    return SmallVector<Value>{
        createPool<linalg::PoolingNchwMaxOp, arith::MaximumFOp>(
            rewriter, loc, g, resultType, padded, negInf)};
  }
};

struct AvgPool2DLowering : F32OpLowering<AvgPool2DOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(AvgPool2DOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type f32 = resultType.getElementType();
    PoolGeometry g = PoolGeometry::get(op);
    Value zero = createFloatConstant(rewriter, loc, f32, 0.0);
    Value padded = g.pad(rewriter, loc, adaptor.getInput(), zero);
    Value sum = createPool<linalg::PoolingNchwSumOp, arith::AddFOp>(
        rewriter, loc, g, resultType, padded, zero);

    // The divisor of each output position, row-major over [OH, OW].
    bool countPad = op.getCountIncludePad();
    SmallVector<float> counts;
    for (int64_t oh = 0; oh < g.output[0]; ++oh)
      for (int64_t ow = 0; ow < g.output[1]; ++ow)
        counts.push_back(static_cast<float>(g.count(0, oh, countPad) *
                                            g.count(1, ow, countPad)));
    bool uniform = llvm::all_equal(counts);

    SmallVector<Value> inputs{sum};
    SmallVector<AffineMap> maps{rewriter.getMultiDimIdentityMap(4)};
    Value divisor;
    if (uniform) {
      divisor = createFloatConstant(rewriter, loc, f32, counts.front());
    } else {
      auto tableType = RankedTensorType::get({g.output[0], g.output[1]}, f32);
      inputs.push_back(arith::ConstantOp::create(
          rewriter, loc,
          DenseElementsAttr::get(tableType, ArrayRef<float>(counts))));
      MLIRContext *ctx = rewriter.getContext();
      maps.push_back(AffineMap::get(
          4, 0, {getAffineDimExpr(2, ctx), getAffineDimExpr(3, ctx)}, ctx));
    }
    Value result = createElementwise(
        rewriter, loc, resultType, inputs, maps,
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value d = uniform ? divisor : args[1];
          return SmallVector<Value>{arith::DivFOp::create(b, loc, args[0], d)};
        });
    return SmallVector<Value>{result};
  }
};

} // namespace

void lowering::populatePoolingPatterns(TypeConverter &converter,
                                       RewritePatternSet &patterns) {
  patterns.add<MaxPool2DLowering, AvgPool2DLowering>(converter,
                                                     patterns.getContext());
}
