//===- LowerMU8.cpp - MU8 tensors and their conversions to Linalg ---------===//
//
// A tensor of `!logbtq.mu8` becomes a tensor of i8 codes; its range exponent
// is static (in the type, gone after lowering) or an i32 value next to it.
// `decode` reads a 256-entry table, `encode` and `quantize` compare with the
// thresholds of the numerics library in f64 (MU8Kernels.h), and
// `range_exponent` reads the exponent bits of the largest magnitude.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "MU8Kernels.h"
#include "Patterns.h"

#include "logbtq/Conversion/LogBTQToLinalg/LogBTQToLinalg.h"
#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"
#include "logbtq/Numerics/MU8.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::lowering;
namespace mu8 = ::logbtq::mu8;

namespace {

/// The range exponent of an MU8 value as an i32: from its type when static,
/// else the op's `exponent` operand (already converted).
Value rangeExponent(OpBuilder &b, Location loc, Type mu8Tensor, Value operand) {
  MU8Type type = getMU8ElementType(mu8Tensor);
  if (!type.isDynamic())
    return arith::ConstantIntOp::create(b, loc, b.getI32Type(),
                                        type.getExponent());
  return operand;
}

Value negate(OpBuilder &b, Location loc, Value i32) {
  return arith::SubIOp::create(
      b, loc, arith::ConstantIntOp::create(b, loc, b.getI32Type(), 0), i32);
}

/// The row-major linear index of the current element of a generic, as i64.
Value linearIndex(OpBuilder &b, Location loc, ArrayRef<int64_t> shape) {
  Type i64 = b.getI64Type();
  Value index = arith::ConstantIntOp::create(b, loc, i64, 0);
  for (auto [d, size] : llvm::enumerate(shape)) {
    Value i = arith::IndexCastOp::create(b, loc, i64,
                                         linalg::IndexOp::create(b, loc, d));
    index = arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(b, loc, index,
                              arith::ConstantIntOp::create(b, loc, i64, size)),
        i);
  }
  return index;
}

/// Codes of `x` (f32 tensor) at range 2^e: an i8 tensor.
Value encodeTensor(OpBuilder &b, Location loc, Value x, Value exponent,
                   Value seed, bool keepNonzero = false) {
  auto type = cast<RankedTensorType>(x.getType());
  Tables tables = createTables(b, loc);
  Value invScale = createExp2(b, loc, negate(b, loc, exponent), b.getF64Type());
  auto codesType = RankedTensorType::get(type.getShape(), b.getI8Type());
  unsigned rank = type.getRank();
  return createElementwise(
      b, loc, codesType, ValueRange{x}, {b.getMultiDimIdentityMap(rank)},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value index;
        if (seed)
          index = linearIndex(nb, l, type.getShape());
        return SmallVector<Value>{
            createEncode(nb, l, tables, args[0], invScale, seed, index,
                         keepNonzero)};
      });
}

/// A 0-d i32 tensor's single element.
Value countOf(OpBuilder &b, Location loc, Value zeroD) {
  return tensor::ExtractOp::create(b, loc, zeroD, ValueRange{});
}

struct DecodeLowering : OpConversionPattern<DecodeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(DecodeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = dyn_cast<RankedTensorType>(op.getType());
    if (!type || !type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs a static shape");
    Location loc = op.getLoc();
    Tables tables = createTables(rewriter, loc);
    Value e = rangeExponent(rewriter, loc, op.getInput().getType(),
                            adaptor.getExponent());
    rewriter.replaceOp(
        op, createDecodedTensor(rewriter, loc, tables, adaptor.getInput(), e));
    return success();
  }
};

struct EncodeLowering : OpConversionPattern<EncodeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(EncodeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = dyn_cast<RankedTensorType>(op.getInput().getType());
    if (!type || !type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs a static shape");
    Location loc = op.getLoc();
    Value e = rangeExponent(rewriter, loc, op.getType(), adaptor.getExponent());
    rewriter.replaceOp(
        op, encodeTensor(rewriter, loc, adaptor.getInput(), e, Value()));
    return success();
  }
};

struct QuantizeLowering : OpConversionPattern<QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = dyn_cast<RankedTensorType>(op.getInput().getType());
    if (!type || !type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs a static shape");
    Location loc = op.getLoc();
    Value e = rangeExponent(rewriter, loc, op.getResult().getType(),
                            adaptor.getExponent());
    Value x = adaptor.getInput();
    Value codes =
        encodeTensor(rewriter, loc, x, e, adaptor.getSeed(), op.getKeepNonzero());

    // The counters: one pass over the values and their codes.
    Type i32 = rewriter.getI32Type();
    Value invScale = createExp2(rewriter, loc, negate(rewriter, loc, e),
                                rewriter.getF64Type());
    Value zero = arith::ConstantIntOp::create(rewriter, loc, i32, 0);
    Value init = createFilled(rewriter, loc, {}, zero);
    unsigned rank = type.getRank();
    MLIRContext *ctx = getContext();
    AffineMap all = rewriter.getMultiDimIdentityMap(rank);
    AffineMap scalar = AffineMap::get(rank, 0, {}, ctx);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::reduction);
    SmallVector<Value> counts = createGeneric(
        rewriter, loc, ValueRange{x, codes}, ValueRange{init, init},
        {all, all, scalar, scalar}, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value sat = arith::ExtUIOp::create(
              b, l, i32, createSaturates(b, l, args[0], invScale));
          Value isZero = arith::ExtUIOp::create(
              b, l, i32,
              arith::CmpIOp::create(
                  b, l, arith::CmpIPredicate::eq, args[1],
                  arith::ConstantIntOp::create(b, l, b.getI8Type(), 0)));
          return SmallVector<Value>{
              arith::AddIOp::create(b, l, args[2], sat),
              arith::AddIOp::create(b, l, args[3], isZero)};
        });
    rewriter.replaceOp(op, {codes, countOf(rewriter, loc, counts[0]),
                            countOf(rewriter, loc, counts[1])});
    return success();
  }
};

struct RangeExponentLowering : OpConversionPattern<RangeExponentOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(RangeExponentOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = dyn_cast<RankedTensorType>(op.getInput().getType());
    if (!type || !type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs a static shape");
    Location loc = op.getLoc();
    Type f32 = rewriter.getF32Type(), i32 = rewriter.getI32Type();
    unsigned rank = type.getRank();
    Value init = createFilled(rewriter, loc, {},
                              createFloatConstant(rewriter, loc, f32, 0.0));
    // maxnumf skips NaNs.
    Value maxTensor =
        createGeneric(
            rewriter, loc, ValueRange{adaptor.getInput()}, ValueRange{init},
            {rewriter.getMultiDimIdentityMap(rank),
             AffineMap::get(rank, 0, {}, getContext())},
            SmallVector<utils::IteratorType>(rank,
                                             utils::IteratorType::reduction),
            [](OpBuilder &b, Location l, ValueRange args) {
              return SmallVector<Value>{arith::MaxNumFOp::create(
                  b, l, args[1], math::AbsFOp::create(b, l, args[0]))};
            })
            .front();
    Value m = tensor::ExtractOp::create(rewriter, loc, maxTensor, ValueRange{});
    // m = 1.f * 2^(E - 127): the exponent E - 127 if f is 0, else one more.
    auto c = [&](int64_t v) {
      return arith::ConstantIntOp::create(rewriter, loc, i32, v).getResult();
    };
    Value bits = arith::BitcastOp::create(rewriter, loc, i32, m);
    Value biased = arith::ShRUIOp::create(rewriter, loc, bits, c(23));
    Value fraction = arith::AndIOp::create(rewriter, loc, bits, c(0x7fffff));
    Value isPower = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::eq, fraction, c(0));
    Value e = arith::SubIOp::create(
        rewriter, loc, biased,
        arith::SelectOp::create(rewriter, loc, isPower, c(127), c(126)));
    e = arith::MaxSIOp::create(rewriter, loc, e, c(mu8::kMinExponent));
    e = arith::MinSIOp::create(rewriter, loc, e, c(mu8::kMaxExponent));
    rewriter.replaceOp(op, e);
    return success();
  }
};

struct ConstantLowering : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto value = dyn_cast<DenseElementsAttr>(op.getValue());
    if (!value)
      return rewriter.notifyMatchFailure(op, "needs dense codes");
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, value);
    return success();
  }
};

/// Codes stay codes: a bitcast disappears.
struct BitcastLowering : OpConversionPattern<BitcastOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(BitcastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

/// Any other op (func, tensor, ...) whose types mention MU8: the same op on
/// the converted types.
struct RetypeOp : ConversionPattern {
  RetypeOp(TypeConverter &converter, MLIRContext *ctx)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (isa<LogBTQDialect>(op->getDialect()) || op->getNumRegions() != 0)
      return failure();
    SmallVector<Type> resultTypes;
    if (failed(getTypeConverter()->convertTypes(op->getResultTypes(),
                                                resultTypes)))
      return failure();
    OperationState state(op->getLoc(), op->getName().getStringRef(), operands,
                         resultTypes, op->getAttrs(), op->getSuccessors());
    Operation *created = rewriter.create(state);
    rewriter.replaceOp(op, created->getResults());
    return success();
  }
};

} // namespace

Type lowering::convertMU8Type(Type type) {
  if (auto tensor = dyn_cast<RankedTensorType>(type))
    if (isa<MU8Type>(tensor.getElementType()))
      return RankedTensorType::get(tensor.getShape(),
                                   IntegerType::get(type.getContext(), 8));
  if (auto tensor = dyn_cast<UnrankedTensorType>(type))
    if (isa<MU8Type>(tensor.getElementType()))
      return UnrankedTensorType::get(IntegerType::get(type.getContext(), 8));
  return type;
}

void lowering::populateMU8Patterns(TypeConverter &converter,
                                   RewritePatternSet &patterns) {
  patterns
      .add<DecodeLowering, EncodeLowering, QuantizeLowering,
           RangeExponentLowering, ConstantLowering, BitcastLowering, RetypeOp>(
          converter, patterns.getContext());
}
