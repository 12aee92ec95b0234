//===- LoweringUtils.cpp - The toolkit of the logbtq lowering -------------===//

#include "LoweringUtils.h"

#include "mlir/IR/Matchers.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::lowering;

LogicalResult lowering::checkStaticF32(Operation *op, PatternRewriter &rewriter,
                                       ArrayRef<unsigned> integerOperands) {
  auto check = [&](Type type, bool allowInteger) -> LogicalResult {
    auto shaped = dyn_cast<ShapedType>(type);
    if (!shaped)
      return success();
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor || !tensor.hasStaticShape())
      return rewriter.notifyMatchFailure(
          op, "only tensors of static shape are lowered");
    Type element = tensor.getElementType();
    if (element.isF32() ||
        (allowInteger && (element.isInteger(1) || element.isInteger(32) ||
                          element.isInteger(64))))
      return success();
    return rewriter.notifyMatchFailure(op, "only f32 tensors are lowered");
  };
  for (OpOperand &operand : op->getOpOperands())
    if (failed(check(
            operand.get().getType(),
            llvm::is_contained(integerOperands, operand.getOperandNumber()))))
      return failure();
  for (Type type : op->getResultTypes())
    if (failed(check(type, /*allowInteger=*/false)))
      return failure();
  return success();
}

Value lowering::createFloatConstant(OpBuilder &b, Location loc, Type type,
                                    double value) {
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, value));
}

Value lowering::createIndexConstant(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

Value lowering::createNegInf(OpBuilder &b, Location loc, Type type) {
  return createFloatConstant(b, loc, type,
                             -std::numeric_limits<double>::infinity());
}

Value lowering::createEmpty(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                            Type elementType) {
  return tensor::EmptyOp::create(b, loc, shape, elementType);
}

Value lowering::createFilled(OpBuilder &b, Location loc,
                             ArrayRef<int64_t> shape, Value value) {
  Value empty = createEmpty(b, loc, shape, value.getType());
  return linalg::FillOp::create(b, loc, ValueRange{value}, ValueRange{empty})
      .getResult(0);
}

SmallVector<utils::IteratorType>
lowering::getIteratorTypes(unsigned rank, ArrayRef<unsigned> reduced) {
  SmallVector<utils::IteratorType> types(rank, utils::IteratorType::parallel);
  for (unsigned d : reduced)
    types[d] = utils::IteratorType::reduction;
  return types;
}

AffineMap lowering::getProjectionMap(MLIRContext *ctx, unsigned rank,
                                     ArrayRef<unsigned> dims) {
  SmallVector<AffineExpr> exprs;
  for (unsigned d : dims)
    exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(rank, /*symbolCount=*/0, exprs, ctx);
}

AffineMap lowering::getBroadcastMap(MLIRContext *ctx,
                                    ArrayRef<int64_t> operandShape,
                                    ArrayRef<int64_t> resultShape) {
  unsigned rank = resultShape.size();
  unsigned offset = rank - operandShape.size();
  SmallVector<AffineExpr> exprs;
  for (auto [i, size] : llvm::enumerate(operandShape)) {
    unsigned dim = offset + i;
    if (size == 1 && resultShape[dim] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(dim, ctx));
  }
  return AffineMap::get(rank, /*symbolCount=*/0, exprs, ctx);
}

AffineMap lowering::getDropDimMap(MLIRContext *ctx, unsigned rank,
                                  unsigned dim) {
  SmallVector<unsigned> kept;
  for (unsigned d = 0; d < rank; ++d)
    if (d != dim)
      kept.push_back(d);
  return getProjectionMap(ctx, rank, kept);
}

AffineMap lowering::getSingleDimMap(MLIRContext *ctx, unsigned rank,
                                    unsigned dim) {
  return getProjectionMap(ctx, rank, {dim});
}

/// Wraps a BodyFn as the region builder of linalg::GenericOp.
static void buildBody(OpBuilder &b, Location loc, ValueRange args,
                      BodyFn body) {
  linalg::YieldOp::create(b, loc, body(b, loc, args));
}

Value lowering::createElementwise(OpBuilder &b, Location loc,
                                  RankedTensorType resultType,
                                  ValueRange inputs,
                                  ArrayRef<AffineMap> inputMaps, BodyFn body) {
  unsigned rank = resultType.getRank();
  Value init =
      createEmpty(b, loc, resultType.getShape(), resultType.getElementType());
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(b.getMultiDimIdentityMap(rank));
  return createGeneric(b, loc, inputs, ValueRange{init}, maps,
                       getIteratorTypes(rank), body)
      .front();
}

Value lowering::createElementwise(
    OpBuilder &b, Location loc, RankedTensorType resultType, ValueRange inputs,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  SmallVector<AffineMap> maps(inputs.size(),
                              b.getMultiDimIdentityMap(resultType.getRank()));
  return createElementwise(b, loc, resultType, inputs, maps,
                           [&](OpBuilder &nb, Location nloc, ValueRange args) {
                             return SmallVector<Value>{
                                 body(nb, nloc, args.drop_back())};
                           });
}

Value lowering::createIndexed(
    OpBuilder &b, Location loc, RankedTensorType resultType,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  return createElementwise(
      b, loc, resultType, ValueRange{}, {},
      [&](OpBuilder &nb, Location nloc, ValueRange) {
        SmallVector<Value> indices;
        for (unsigned d = 0; d < resultType.getRank(); ++d)
          indices.push_back(linalg::IndexOp::create(nb, nloc, d));
        return SmallVector<Value>{body(nb, nloc, indices)};
      });
}

SmallVector<Value>
lowering::createGeneric(OpBuilder &b, Location loc, ValueRange inputs,
                        ValueRange inits, ArrayRef<AffineMap> maps,
                        ArrayRef<utils::IteratorType> iterators, BodyFn body) {
  auto generic = linalg::GenericOp::create(
      b, loc, inits.getTypes(), inputs, inits, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        buildBody(nb, nloc, args, body);
      });
  return llvm::to_vector_of<Value>(generic.getResults());
}

Value lowering::createAxisReduction(OpBuilder &b, Location loc,
                                    ValueRange inputs, unsigned dim,
                                    Value initValue, BodyFn combine) {
  auto type = cast<RankedTensorType>(inputs.front().getType());
  unsigned rank = type.getRank();
  SmallVector<int64_t> shape;
  for (unsigned d = 0; d < rank; ++d)
    if (d != dim)
      shape.push_back(type.getDimSize(d));
  Value init = createFilled(b, loc, shape, initValue);
  SmallVector<utils::IteratorType> iterators = getIteratorTypes(rank);
  iterators[dim] = utils::IteratorType::reduction;
  MLIRContext *ctx = b.getContext();
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  AffineMap reduced = getDropDimMap(ctx, rank, dim);
  SmallVector<AffineMap> maps;
  for (Value input : inputs)
    maps.push_back(cast<RankedTensorType>(input.getType()).getRank() == rank
                       ? identity
                       : reduced);
  maps.push_back(reduced);
  return createGeneric(b, loc, inputs, ValueRange{init}, maps, iterators,
                       combine)
      .front();
}

Value lowering::padSpatial(OpBuilder &b, Location loc, Value input,
                           ArrayRef<int64_t> low, ArrayRef<int64_t> high,
                           Value padValue) {
  if (llvm::all_of(low, [](int64_t p) { return p == 0; }) &&
      llvm::all_of(high, [](int64_t p) { return p == 0; }))
    return input;
  SmallVector<int64_t> lo(low), hi(high);
  // A spatial pad of a spatial pad by the same constant (a convolution's
  // own pads, then as far as its packers read) is one pad: one copy.
  if (auto inner = input.getDefiningOp<tensor::PadOp>()) {
    Attribute innerValue, outerValue;
    Value innerPad = inner.getConstantPaddingValue();
    ArrayRef<int64_t> innerLow = inner.getStaticLow(),
                      innerHigh = inner.getStaticHigh();
    auto spatialOnly = [](ArrayRef<int64_t> pads) {
      return pads.size() == 4 && pads[0] == 0 && pads[1] == 0 &&
             !ShapedType::isDynamic(pads[2]) &&
             !ShapedType::isDynamic(pads[3]);
    };
    if (innerPad && matchPattern(innerPad, m_Constant(&innerValue)) &&
        matchPattern(padValue, m_Constant(&outerValue)) &&
        innerValue == outerValue && spatialOnly(innerLow) &&
        spatialOnly(innerHigh)) {
      input = inner.getSource();
      for (int i = 0; i < 2; ++i) {
        lo[i] += innerLow[2 + i];
        hi[i] += innerHigh[2 + i];
      }
    }
  }
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape(type.getShape());
  SmallVector<OpFoldResult> lowSizes(2, b.getIndexAttr(0));
  SmallVector<OpFoldResult> highSizes(2, b.getIndexAttr(0));
  for (int i = 0; i < 2; ++i) {
    shape[2 + i] += lo[i] + hi[i];
    lowSizes.push_back(b.getIndexAttr(lo[i]));
    highSizes.push_back(b.getIndexAttr(hi[i]));
  }
  auto paddedType = RankedTensorType::get(shape, type.getElementType());
  return tensor::PadOp::create(b, loc, paddedType, input, lowSizes, highSizes,
                               padValue);
}

Value lowering::extractScalar(OpBuilder &b, Location loc, Value tensor) {
  return tensor::ExtractOp::create(b, loc, tensor, ValueRange{});
}

DenseIntElementsAttr lowering::getI64VectorAttr(OpBuilder &b,
                                                ArrayRef<int64_t> values) {
  return b.getI64TensorAttr(values);
}

/// Reduces every dim of the tensors `inputs` (all of one shape) into a 0-d
/// tensor starting from `initValue`, and returns its element. `combine` gets
/// (inputs..., accumulator).
Value lowering::reduceToScalar(OpBuilder &b, Location loc, ValueRange inputs,
                            Value initValue, BodyFn combine) {
  unsigned rank = cast<RankedTensorType>(inputs.front().getType()).getRank();
  Value init = createFilled(b, loc, {}, initValue);
  SmallVector<AffineMap> maps(inputs.size(), b.getMultiDimIdentityMap(rank));
  maps.push_back(AffineMap::get(rank, 0, {}, b.getContext()));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::reduction);
  Value sum =
      createGeneric(b, loc, inputs, ValueRange{init}, maps, iterators, combine)
          .front();
  return extractScalar(b, loc, sum);
}
