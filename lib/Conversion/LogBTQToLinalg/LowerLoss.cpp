//===- LowerLoss.cpp - barrier, cross-entropy, count_correct to Linalg ----===//
//
// The ops with a scalar result reduce into a 0-d tensor and read it back
// with `tensor.extract`:
// - barrier: mean of psi_t(|x| - bound) (docs/MU8.md) with the
//   vectorizable log of VectorMath.h, accumulated in f64 in any order (the
//   sum is `reassoc`, so -logbtq-vectorize runs it 16 lanes wide); the mean
//   is truncated to f32 at the end. Only the reported loss depends on it,
//   never a gradient or a code. Of decoded MU8 codes (weights, activations,
//   inputs), psi is a 256-entry table per call computed in f64, read by
//   code; of f32 tensors, psi is computed per element in f32 (twice the
//   lanes of f64; its relative error, about 1e-7, is far below what the
//   reported loss shows) and summed in f64.
// - softmax_cross_entropy: per row max, sum of exp(x - max) and the logit at
//   the label (selected by index, so no out-of-bounds read can happen), then
//   the mean of max + log(sum) - logit[label] accumulated in f64.
// - count_correct: a first-maximum argmax per row (ties to the lowest index;
//   NaN counts as the largest, as torch.argmax), then the number of rows
//   whose argmax is the label, counted in i32 and returned as f32.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "Patterns.h"
#include "MU8Kernels.h"
#include "VectorMath.h"

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::lowering;

/// The column index of the current element of a generic, as i32.
static Value getColumnIndex(OpBuilder &b, Location loc) {
  Value index = linalg::IndexOp::create(b, loc, 1);
  return arith::IndexCastOp::create(b, loc, b.getI32Type(), index);
}

namespace {

/// The per-call constants of psi_t, in one float type.
struct PsiConstants {
  Value bound, t, invT, switchPoint, logCoeff, linearShift;

  /// The same constants rounded to `type`, computed once outside the loops.
  PsiConstants truncated(OpBuilder &b, Location loc, FloatType type) const {
    auto in = [&](Value v) -> Value {
      return arith::TruncFOp::create(b, loc, type, v);
    };
    return {in(bound),       in(t),        in(invT),
            in(switchPoint), in(logCoeff), in(linearShift)};
  }
};

struct BarrierLowering : F32OpLowering<BarrierOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(BarrierOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(adaptor.getInput().getType());
    FloatType f32 = rewriter.getF32Type(), f64 = rewriter.getF64Type();
    int64_t n = type.getNumElements();
    if (n == 0) { // The penalty of an empty tensor is 0.
      return SmallVector<Value>{createFloatConstant(rewriter, loc, f32, 0.0)};
    }

    // The per-call constants of psi_t, in f64 like the numerics library.
    auto f64Const = [&](double v) {
      return createFloatConstant(rewriter, loc, f64, v);
    };
    PsiConstants wide;
    wide.t = arith::ExtFOp::create(rewriter, loc, f64, adaptor.getT());
    Value one = f64Const(1.0);
    Value tt = arith::MulFOp::create(rewriter, loc, wide.t, wide.t);
    wide.invT = arith::DivFOp::create(rewriter, loc, one, wide.t);
    // z <= -1/t^2 takes the log branch.
    wide.switchPoint =
        arith::DivFOp::create(rewriter, loc, f64Const(-1.0), tt);
    wide.logCoeff = arith::NegFOp::create(rewriter, loc, wide.invT);
    // (1/t) log(1/t^2), subtracted on the linear branch.
    wide.linearShift = arith::MulFOp::create(
        rewriter, loc, wide.invT,
        math::LogOp::create(rewriter, loc,
                            arith::DivFOp::create(rewriter, loc, one, tt)));
    wide.bound = f64Const(op.getBound().convertToDouble());

    // psi_t(|x| - bound) of one f32 element, computed in the type of `c`
    // (f64 for the 256 values of a table, f32, 16 lanes wide, per element)
    // and returned in f64.
    auto psiOf = [&](OpBuilder &b, Location loc, Value x,
                     const PsiConstants &c) -> Value {
      Type type = c.t.getType();
      Value abs = math::AbsFOp::create(b, loc, x);
      Value magnitude =
          type == f32 ? abs : arith::ExtFOp::create(b, loc, type, abs);
      Value z = arith::SubFOp::create(b, loc, magnitude, c.bound);
      // -(1/t) log(-z)
      Value logBranch = arith::MulFOp::create(
          b, loc, c.logCoeff,
          createLog(b, loc, arith::NegFOp::create(b, loc, z)));
      // t z - (1/t) log(1/t^2) + 1/t
      Value linear = arith::AddFOp::create(
          b, loc,
          arith::SubFOp::create(b, loc, arith::MulFOp::create(b, loc, c.t, z),
                                c.linearShift),
          c.invT);
      // A NaN z fails the comparison and stays NaN on the linear branch.
      Value onLog = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLE,
                                          z, c.switchPoint);
      Value psi = arith::SelectOp::create(b, loc, onLog, logBranch, linear);
      return type == f64 ? psi : arith::ExtFOp::create(b, loc, f64, psi);
    };
    auto accumulate = [&](OpBuilder &b, Location loc, Value acc, Value psi) {
      return SmallVector<Value>{
          arith::AddFOp::create(b, loc, acc, psi, arith::FastMathFlags::reassoc)};
    };

    Value sum;
    if (auto decode = op.getInput().getDefiningOp<DecodeOp>()) {
      // The decoded values of MU8 codes (the weights): psi depends on the
      // code only, so it is computed once per code (256 values, each as
      // the element's own would be) and the sum reads the table.
      Value codes = rewriter.getRemappedValue(decode.getInput());
      MU8Type mu8 = getMU8ElementType(decode.getInput().getType());
      Value exponent =
          mu8.isDynamic()
              ? rewriter.getRemappedValue(decode.getExponent())
              : arith::ConstantIntOp::create(rewriter, loc,
                                             rewriter.getI32Type(),
                                             mu8.getExponent())
                    .getResult();
      Tables tables = createTables(rewriter, loc);
      Value scale = createExp2(rewriter, loc, exponent, rewriter.getF32Type());
      Value psiTable = createElementwise(
          rewriter, loc, RankedTensorType::get({256}, f64),
          ValueRange{tables.decodeF32},
          [&](OpBuilder &b, Location l, ValueRange args) {
            return psiOf(b, l, arith::MulFOp::create(b, l, args[0], scale),
                         wide);
          });
      sum = reduceToScalar(
          rewriter, loc, ValueRange{codes}, f64Const(0.0),
          [&](OpBuilder &b, Location l, ValueRange args) {
            return accumulate(b, l, args[1],
                              createTableLookup(b, l, psiTable, args[0]));
          });
    } else {
      PsiConstants narrow = wide.truncated(rewriter, loc, f32);
      sum = reduceToScalar(
          rewriter, loc, ValueRange{adaptor.getInput()}, f64Const(0.0),
          [&](OpBuilder &b, Location l, ValueRange args) {
            return accumulate(b, l, args[1], psiOf(b, l, args[0], narrow));
          });
    }
    Value mean = arith::DivFOp::create(rewriter, loc, sum,
                                       f64Const(static_cast<double>(n)));
    return SmallVector<Value>{
        arith::TruncFOp::create(rewriter, loc, f32, mean)};
  }
};

struct SoftmaxCrossEntropyLowering : F32OpLowering<SoftmaxCrossEntropyOp> {
  using F32OpLowering::F32OpLowering;

  /// The labels.
  SmallVector<unsigned> integerOperands() const override { return {1}; }

  FailureOr<SmallVector<Value>>
  lower(SoftmaxCrossEntropyOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value logits = adaptor.getLogits(), labels = adaptor.getLabels();
    auto type = cast<RankedTensorType>(logits.getType());
    Type f32 = type.getElementType(), f64 = rewriter.getF64Type();

    Value max = createAxisReduction(
        rewriter, loc, ValueRange{logits}, 1, createNegInf(rewriter, loc, f32),
        [](OpBuilder &b, Location loc, ValueRange args) {
          return SmallVector<Value>{
              arith::MaximumFOp::create(b, loc, args[0], args[1])};
        });
    Value sum = createAxisReduction(
        rewriter, loc, ValueRange{logits, max}, 1,
        createFloatConstant(rewriter, loc, f32, 0.0),
        [](OpBuilder &b, Location loc, ValueRange args) {
          Value shifted = arith::SubFOp::create(b, loc, args[0], args[1]);
          return SmallVector<Value>{arith::AddFOp::create(
              b, loc, args[2], math::ExpOp::create(b, loc, shifted))};
        });
    // logits[n, labels[n]], picked in the row scan.
    Value picked = createAxisReduction(
        rewriter, loc, ValueRange{logits, labels}, 1,
        createFloatConstant(rewriter, loc, f32, 0.0),
        [](OpBuilder &b, Location loc, ValueRange args) {
          Value isLabel =
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                    getColumnIndex(b, loc), args[1]);
          return SmallVector<Value>{
              arith::SelectOp::create(b, loc, isLabel, args[0], args[2])};
        });

    Value total = reduceToScalar(
        rewriter, loc, ValueRange{max, sum, picked},
        createFloatConstant(rewriter, loc, f64, 0.0),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          auto ext = [&](Value v) {
            return arith::ExtFOp::create(b, loc, f64, v);
          };
          // logsumexp - logit[label] = max + log(sum) - logit[label]
          Value lse = arith::AddFOp::create(
              b, loc, ext(args[0]), math::LogOp::create(b, loc, ext(args[1])));
          Value row = arith::SubFOp::create(b, loc, lse, ext(args[2]));
          return SmallVector<Value>{
              arith::AddFOp::create(b, loc, args[3], row)};
        });
    Value rows = createFloatConstant(rewriter, loc, f64,
                                     static_cast<double>(type.getDimSize(0)));
    Value mean = arith::DivFOp::create(rewriter, loc, total, rows);
    return SmallVector<Value>{
        arith::TruncFOp::create(rewriter, loc, f32, mean)};
  }
};

struct CountCorrectLowering : F32OpLowering<CountCorrectOp> {
  using F32OpLowering::F32OpLowering;

  /// The labels.
  SmallVector<unsigned> integerOperands() const override { return {1}; }

  FailureOr<SmallVector<Value>>
  lower(CountCorrectOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value logits = adaptor.getLogits();
    auto type = cast<RankedTensorType>(logits.getType());
    Type f32 = type.getElementType(), i32 = rewriter.getI32Type();
    int64_t rows = type.getDimSize(0);

    // argmax per row: (best value, its index) in one scan.
    Value maxInit =
        createFilled(rewriter, loc, {rows}, createNegInf(rewriter, loc, f32));
    Value indexInit =
        createFilled(rewriter, loc, {rows},
                     arith::ConstantOp::create(rewriter, loc,
                                               rewriter.getI32IntegerAttr(0)));
    SmallVector<AffineMap> maps{rewriter.getMultiDimIdentityMap(2),
                                getDropDimMap(ctx, 2, 1),
                                getDropDimMap(ctx, 2, 1)};
    Value argmax =
        createGeneric(
            rewriter, loc, ValueRange{logits}, ValueRange{maxInit, indexInit},
            maps,
            {utils::IteratorType::parallel, utils::IteratorType::reduction},
            [](OpBuilder &b, Location loc, ValueRange args) {
              Value x = args[0], best = args[1], bestIndex = args[2];
              Value index = getColumnIndex(b, loc);
              using P = arith::CmpFPredicate;
              auto cmpf = [&](P p, Value l, Value r) {
                return arith::CmpFOp::create(b, loc, p, l, r).getResult();
              };
              auto orI = [&](Value l, Value r) {
                return arith::OrIOp::create(b, loc, l, r).getResult();
              };
              auto andI = [&](Value l, Value r) {
                return arith::AndIOp::create(b, loc, l, r).getResult();
              };
              Value lower = arith::CmpIOp::create(
                  b, loc, arith::CmpIPredicate::slt, index, bestIndex);
              // Greater, or equal at a lower index: the result does not
              // depend on the order of the scan.
              Value take = orI(cmpf(P::OGT, x, best),
                               andI(cmpf(P::OEQ, x, best), lower));
              // NaN is the largest (ties among NaNs to the lowest index too).
              Value xIsNaN = cmpf(P::UNO, x, x);
              Value bestIsNumber = cmpf(P::ORD, best, best);
              take = orI(take, andI(xIsNaN, orI(bestIsNumber, lower)));
              return SmallVector<Value>{
                  arith::SelectOp::create(b, loc, take, x, best),
                  arith::SelectOp::create(b, loc, take, index, bestIndex)};
            })
            .back();

    Value count = reduceToScalar(
        rewriter, loc, ValueRange{argmax, adaptor.getLabels()},
        arith::ConstantOp::create(rewriter, loc, rewriter.getI32IntegerAttr(0)),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value hit = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                            args[0], args[1]);
          return SmallVector<Value>{arith::AddIOp::create(
              b, loc, args[2], arith::ExtUIOp::create(b, loc, i32, hit))};
        });
    return SmallVector<Value>{
        arith::SIToFPOp::create(rewriter, loc, f32, count)};
  }
};

} // namespace

void lowering::populateLossPatterns(TypeConverter &converter,
                                    RewritePatternSet &patterns) {
  patterns
      .add<BarrierLowering, SoftmaxCrossEntropyLowering, CountCorrectLowering>(
          converter, patterns.getContext());
}
