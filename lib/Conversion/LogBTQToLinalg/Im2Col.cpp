//===- Im2Col.cpp - Convolutions as matrix products -----------------------===//

#include "Im2Col.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::lowering;

static Value collapse(OpBuilder &b, Location loc, Value v,
                      ArrayRef<ReassociationIndices> groups) {
  return tensor::CollapseShapeOp::create(b, loc, v, groups);
}

Value lowering::createIm2Col(OpBuilder &b, Location loc, Value input,
                             const ConvGeometry &g) {
  MLIRContext *ctx = b.getContext();
  ArrayRef<int64_t> x = shapeOf(input);
  auto elementType = cast<RankedTensorType>(input.getType()).getElementType();
  SmallVector<int64_t> colShape = {x[0], x[1],        g.window[0],
                                   g.window[1], g.output[0], g.output[1]};
  AffineExpr n, c, kh, kw, oh, ow;
  bindDims(ctx, n, c, kh, kw, oh, ow);
  AffineMap read = AffineMap::get(
      6, 0,
      {n, c, oh * g.strides[0] + kh * g.dilations[0],
       ow * g.strides[1] + kw * g.dilations[1]},
      ctx);
  Value col = createElementwise(
      b, loc, RankedTensorType::get(colShape, elementType), ValueRange{input},
      {read}, [](OpBuilder &, Location, ValueRange args) {
        return SmallVector<Value>{args[0]};
      });
  return collapse(b, loc, col, {{0}, {1, 2, 3}, {4, 5}});
}

Value lowering::createIm2ColConv(OpBuilder &b, Location loc, Value input,
                                 Value filter, const ConvGeometry &g,
                                 Value zero, MacFn mac) {
  MLIRContext *ctx = b.getContext();
  Value col = createIm2Col(b, loc, input, g);
  Value weights = collapse(b, loc, filter, {{0}, {1, 2, 3}});
  int64_t batch = shapeOf(input)[0];
  int64_t filters = shapeOf(filter)[0];
  int64_t pixels = g.output[0] * g.output[1];
  // Loops (n, f, k, p): the reduction k outside the contiguous p.
  AffineExpr n, f, k, p;
  bindDims(ctx, n, f, k, p);
  Value init = createFilled(b, loc, {batch, filters, pixels}, zero);
  Value out =
      createGeneric(b, loc, ValueRange{weights, col}, ValueRange{init},
                    {AffineMap::get(4, 0, {f, k}, ctx),
                     AffineMap::get(4, 0, {n, k, p}, ctx),
                     AffineMap::get(4, 0, {n, f, p}, ctx)},
                    {utils::IteratorType::parallel,
                     utils::IteratorType::parallel,
                     utils::IteratorType::reduction,
                     utils::IteratorType::parallel},
                    [&](OpBuilder &nb, Location l, ValueRange args) {
                      return SmallVector<Value>{
                          mac(nb, l, args[0], args[1], args[2])};
                    })
          .front();
  auto resultType = RankedTensorType::get(
      {batch, filters, g.output[0], g.output[1]},
      cast<RankedTensorType>(out.getType()).getElementType());
  return tensor::ExpandShapeOp::create(b, loc, resultType, out,
                                       ArrayRef<ReassociationIndices>{
                                           {0}, {1}, {2, 3}});
}

Value lowering::createIm2ColFilterGrad(OpBuilder &b, Location loc, Value grad,
                                       Value input, const ConvGeometry &g,
                                       Value zero, MacFn mac) {
  MLIRContext *ctx = b.getContext();
  Value col = createIm2Col(b, loc, input, g);
  Value dy = collapse(b, loc, grad, {{0}, {1}, {2, 3}});
  ArrayRef<int64_t> x = shapeOf(input);
  int64_t filters = shapeOf(grad)[1];
  int64_t taps = x[1] * g.window[0] * g.window[1];
  // Loops (f, k, n, p): a dot product along the contiguous p.
  AffineExpr f, k, n, p;
  bindDims(ctx, f, k, n, p);
  Value init = createFilled(b, loc, {filters, taps}, zero);
  Value out =
      createGeneric(b, loc, ValueRange{dy, col}, ValueRange{init},
                    {AffineMap::get(4, 0, {n, f, p}, ctx),
                     AffineMap::get(4, 0, {n, k, p}, ctx),
                     AffineMap::get(4, 0, {f, k}, ctx)},
                    {utils::IteratorType::parallel,
                     utils::IteratorType::parallel,
                     utils::IteratorType::reduction,
                     utils::IteratorType::reduction},
                    [&](OpBuilder &nb, Location l, ValueRange args) {
                      return SmallVector<Value>{
                          mac(nb, l, args[0], args[1], args[2])};
                    })
          .front();
  auto resultType = RankedTensorType::get(
      {filters, x[1], g.window[0], g.window[1]},
      cast<RankedTensorType>(out.getType()).getElementType());
  return tensor::ExpandShapeOp::create(b, loc, resultType, out,
                                       ArrayRef<ReassociationIndices>{
                                           {0}, {1, 2, 3}});
}

Value lowering::floatMac(OpBuilder &b, Location loc, Value lhs, Value rhs,
                         Value acc) {
  Value product = arith::MulFOp::create(b, loc, lhs, rhs);
  return arith::AddFOp::create(b, loc, acc, product);
}
