//===- LowerGradUtils.cpp - Shared pieces of the training lowering --------===//

#include "LowerGradUtils.h"
#include "LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::gradlowering;

LogicalResult gradlowering::checkStaticF32(Operation *op,
                                           PatternRewriter &rewriter,
                                           bool allowI32) {
  auto check = [&](Type type) -> LogicalResult {
    auto shaped = dyn_cast<ShapedType>(type);
    if (!shaped)
      return success(); // scalars (f32 operands) need no check
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor || !tensor.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs static ranked tensors");
    Type element = tensor.getElementType();
    if (element.isF32() || (allowI32 && element.isSignlessInteger(32)))
      return success();
    return rewriter.notifyMatchFailure(op, "needs f32 tensors");
  };
  for (Type type : op->getOperandTypes())
    if (failed(check(type)))
      return failure();
  for (Type type : op->getResultTypes())
    if (failed(check(type)))
      return failure();
  return success();
}

Value gradlowering::constantF32(OpBuilder &b, Location loc, double value) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(value));
}

Value gradlowering::constantIndex(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

SmallVector<utils::IteratorType>
gradlowering::iteratorTypes(unsigned rank, ArrayRef<unsigned> reduced) {
  SmallVector<utils::IteratorType> types(rank, utils::IteratorType::parallel);
  for (unsigned d : reduced)
    types[d] = utils::IteratorType::reduction;
  return types;
}

AffineMap gradlowering::projection(MLIRContext *ctx, unsigned rank,
                                   ArrayRef<unsigned> dims) {
  SmallVector<AffineExpr> exprs;
  for (unsigned d : dims)
    exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(rank, 0, exprs, ctx);
}

Value gradlowering::buildElementwise(
    OpBuilder &b, Location loc, RankedTensorType resultType, ValueRange inputs,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  SmallVector<AffineMap> maps(inputs.size(),
                              b.getMultiDimIdentityMap(resultType.getRank()));
  return lowering::createElementwise(
      b, loc, resultType, inputs, maps,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        return SmallVector<Value>{body(nb, nloc, args.drop_back())};
      });
}

std::pair<Value, Value> gradlowering::windowCovering(OpBuilder &b,
                                                     Location loc,
                                                     const PoolAxis &axis,
                                                     Value i, Value k) {
  using arith::CmpIPredicate;
  // p = i + padBegin - k: the position of `i` within the padded input,
  // relative to the start of the window that has `i` at offset `k`.
  Value shifted = i;
  if (axis.padBegin != 0)
    shifted =
        arith::AddIOp::create(b, loc, i, constantIndex(b, loc, axis.padBegin));
  Value p = arith::SubIOp::create(b, loc, shifted, k);
  Value zero = constantIndex(b, loc, 0);
  Value valid =
      arith::CmpIOp::create(b, loc, CmpIPredicate::sge, p, zero);
  Value o = p;
  if (axis.stride != 1) {
    Value stride = constantIndex(b, loc, axis.stride);
    Value rem = arith::RemSIOp::create(b, loc, p, stride);
    valid = arith::AndIOp::create(
        b, loc, valid,
        arith::CmpIOp::create(b, loc, CmpIPredicate::eq, rem, zero));
    o = arith::DivSIOp::create(b, loc, p, stride);
  }
  valid = arith::AndIOp::create(
      b, loc, valid,
      arith::CmpIOp::create(b, loc, CmpIPredicate::slt, o,
                            constantIndex(b, loc, axis.outSize)));
  Value clamped = arith::SelectOp::create(b, loc, valid, o, zero);
  return {valid, clamped};
}
