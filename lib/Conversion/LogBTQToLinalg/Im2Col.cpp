//===- Im2Col.cpp - Convolutions as matrix products -----------------------===//

#include "Im2Col.h"
#include "PackedProduct.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::lowering;

static Value collapse(OpBuilder &b, Location loc, Value v,
                      ArrayRef<ReassociationIndices> groups) {
  return tensor::CollapseShapeOp::create(b, loc, v, groups);
}


namespace {

/// `input[n, c, oh*s + kh*d, ow*s + kw*d]` of the padded NCHW `input`, for
/// the tap `k = (c, kh, kw)` and the output pixel `p = (oh, ow)`: the
/// element im2col would have copied, read in place. The index arithmetic
/// is in i32 (the sizes are far below 2^31): divisions by constants of
/// 32-bit lanes vectorize, 64-bit ones do not.
Value readWindow(OpBuilder &b, Location loc, Value input, const ConvGeometry &g,
                 Value n, Value k, Value p) {
  Type i32 = b.getI32Type();
  auto c32 = [&](int64_t v) {
    return arith::ConstantIntOp::create(b, loc, i32, v).getResult();
  };
  auto to32 = [&](Value v) {
    return arith::IndexCastOp::create(b, loc, i32, v).getResult();
  };
  auto toIndex = [&](Value v) {
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), v).getResult();
  };
  auto div = [&](Value v, int64_t d) {
    return arith::DivUIOp::create(b, loc, v, c32(d)).getResult();
  };
  auto rem = [&](Value v, int64_t d) {
    return arith::RemUIOp::create(b, loc, v, c32(d)).getResult();
  };
  auto at = [&](Value out, int64_t stride, Value tap, int64_t dilation) {
    return toIndex(arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, out, c32(stride)),
        arith::MulIOp::create(b, loc, tap, c32(dilation))));
  };
  Value k32 = to32(k), p32 = to32(p);
  int64_t taps = g.window[0] * g.window[1];
  Value c = div(k32, taps);
  Value kh = div(rem(k32, taps), g.window[1]);
  Value kw = rem(k32, g.window[1]);
  Value oh = div(p32, g.output[1]);
  Value ow = rem(p32, g.output[1]);
  return tensor::ExtractOp::create(
      b, loc, input,
      ValueRange{n, toIndex(c), at(oh, g.strides[0], kh, g.dilations[0]),
                 at(ow, g.strides[1], kw, g.dilations[1])});
}

/// `[N, F, OH*OW]`: the filter against every window, read straight into
/// the panels.
Value packedConv(OpBuilder &b, Location loc, Value input, Value filter,
                 const ConvGeometry &g, ProductKind kind) {
  ArrayRef<int64_t> x = shapeOf(input), w = shapeOf(filter);
  int64_t taps = w[1] * w[2] * w[3];
  Value weights = collapse(b, loc, filter, {{0}, {1, 2, 3}});
  ProductShape shape{x[0], w[0], g.output[0] * g.output[1], taps};
  auto readFilter = [&](OpBuilder &nb, Location l, Value, Value f, Value k) {
    return tensor::ExtractOp::create(nb, l, weights, ValueRange{f, k})
        .getResult();
  };
  auto readInput = [&](OpBuilder &nb, Location l, Value n, Value p, Value k) {
    return readWindow(nb, l, input, g, n, k, p);
  };
  return createProduct(b, loc, kind, shape, /*lhsBatched=*/false, readFilter,
                       readInput);
}

/// `[F, C*KH*KW]`: sums over r = (n, oh, ow) of the output gradient times
/// the window element.
Value packedFilterGrad(OpBuilder &b, Location loc, Value grad, Value input,
                       const ConvGeometry &g, ProductKind kind) {
  ArrayRef<int64_t> x = shapeOf(input);
  int64_t filters = shapeOf(grad)[1];
  int64_t pixels = g.output[0] * g.output[1];
  int64_t taps = x[1] * g.window[0] * g.window[1];
  Value dy = collapse(b, loc, grad, {{0}, {1}, {2, 3}});
  ProductShape shape{1, filters, taps, x[0] * pixels};
  // r = (n, p), split in i32 like readWindow's arithmetic.
  auto split = [&](OpBuilder &nb, Location l, Value r) {
    Value r32 = arith::IndexCastOp::create(nb, l, nb.getI32Type(), r);
    Value size = arith::ConstantIntOp::create(nb, l, nb.getI32Type(), pixels);
    auto toIndex = [&](Value v) -> Value {
      return arith::IndexCastOp::create(nb, l, nb.getIndexType(), v);
    };
    Value n = toIndex(arith::DivUIOp::create(nb, l, r32, size));
    Value p = toIndex(arith::RemUIOp::create(nb, l, r32, size));
    return std::pair<Value, Value>(n, p);
  };
  auto readGrad = [&](OpBuilder &nb, Location l, Value, Value f, Value r) {
    auto [n, p] = split(nb, l, r);
    return tensor::ExtractOp::create(nb, l, dy, ValueRange{n, f, p})
        .getResult();
  };
  auto readInput = [&](OpBuilder &nb, Location l, Value, Value k, Value r) {
    auto [n, p] = split(nb, l, r);
    return readWindow(nb, l, input, g, n, k, p);
  };
  Value product = createProduct(b, loc, kind, shape, /*lhsBatched=*/false,
                                readGrad, readInput);
  return collapse(b, loc, product, {{0, 1}, {2}});
}

} // namespace

Value lowering::createIm2ColConv(OpBuilder &b, Location loc, Value input,
                                 Value filter, const ConvGeometry &g,
                                 ProductKind kind) {
  Value out = packedConv(b, loc, input, filter, g, kind);
  auto resultType = RankedTensorType::get(
      {shapeOf(input)[0], shapeOf(filter)[0], g.output[0], g.output[1]},
      cast<RankedTensorType>(out.getType()).getElementType());
  return tensor::ExpandShapeOp::create(
      b, loc, resultType, out,
      ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}});
}

Value lowering::createIm2ColFilterGrad(OpBuilder &b, Location loc, Value grad,
                                       Value input, const ConvGeometry &g,
                                       ProductKind kind) {
  Value out = packedFilterGrad(b, loc, grad, input, g, kind);
  ArrayRef<int64_t> x = shapeOf(input);
  auto resultType = RankedTensorType::get(
      {shapeOf(grad)[1], x[1], g.window[0], g.window[1]},
      cast<RankedTensorType>(out.getType()).getElementType());
  return tensor::ExpandShapeOp::create(
      b, loc, resultType, out, ArrayRef<ReassociationIndices>{{0}, {1, 2, 3}});
}
