//===- LowerIntegerKernel.cpp - MU8 products in integers ------------------===//
//
// `logbtq.integer_kernel` (LogBTQQuantOps.td): codes become int16 on the
// 13-fraction-bit grid through a 256-entry table, and the product or
// convolution runs in the packed vector kernel of PackedProduct.h, whose
// int64 sums are exact, so that an int32 overflow is detected rather than
// wrapping silently; each output beyond the int32 range is counted and
// saturated. The epilogue scales the
// int32 accumulator by 2^(e_a + e_b - 26) into f32 for the quantize that
// follows. The product's loops hold no float operation.
//
//===----------------------------------------------------------------------===//

#include "Im2Col.h"
#include "LoweringUtils.h"
#include "MU8Kernels.h"
#include "PackedProduct.h"
#include "Patterns.h"

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::lowering;

namespace {

/// The i8 codes as int16 grid values.
Value toGrid(OpBuilder &b, Location loc, const Tables &tables, Value codes) {
  auto type = cast<RankedTensorType>(codes.getType());
  auto gridType = RankedTensorType::get(type.getShape(), b.getI16Type());
  return createElementwise(b, loc, gridType, ValueRange{codes},
                           {b.getMultiDimIdentityMap(type.getRank())},
                           [&](OpBuilder &nb, Location l, ValueRange args) {
                             Value grid = createTableLookup(
                                 nb, l, tables.decodeGrid, args[0]);
                             return SmallVector<Value>{arith::TruncIOp::create(
                                 nb, l, nb.getI16Type(), grid)};
                           });
}

struct IntegerKernelLowering : OpConversionPattern<IntegerKernelOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(IntegerKernelOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    if (!resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs a static shape");
    Type i16 = rewriter.getI16Type(), i32 = rewriter.getI32Type(),
         i64 = rewriter.getI64Type();
    Tables tables = createTables(rewriter, loc);

    // Grid values and range exponents of the inputs, by body argument.
    SmallVector<Value> grids, exponents;
    unsigned nextDynamic = 0;
    for (auto [input, codes] : llvm::zip(op.getInputs(), adaptor.getInputs())) {
      grids.push_back(toGrid(rewriter, loc, tables, codes));
      MU8Type type = getMU8ElementType(input.getType());
      exponents.push_back(type.isDynamic()
                              ? adaptor.getExponents()[nextDynamic++]
                              : arith::ConstantIntOp::create(rewriter, loc, i32,
                                                             type.getExponent())
                                    .getResult());
    }
    auto gridOf = [&](Value bodyArg) {
      return grids[cast<BlockArgument>(bodyArg).getArgNumber()];
    };
    auto exponentOf = [&](Value bodyArg) {
      return exponents[cast<BlockArgument>(bodyArg).getArgNumber()];
    };

    Value gridZero = arith::ConstantIntOp::create(rewriter, loc, i16, 0);
    Value accZero = arith::ConstantIntOp::create(rewriter, loc, i64, 0);
    Operation *kernel = op.getKernel();
    Value acc, ea, eb, bias;
    if (auto mm = dyn_cast<MatmulOp>(kernel)) {
      acc = createMatmulProduct(rewriter, loc, gridOf(mm.getLhs()),
                                gridOf(mm.getRhs()), mm.getTransposeLhs(),
                                mm.getTransposeRhs(),
                                ProductKind::ExactInteger);
      ea = exponentOf(mm.getLhs());
      eb = exponentOf(mm.getRhs());
    } else if (auto bmm = dyn_cast<BatchMatmulOp>(kernel)) {
      acc = createBatchMatmulProduct(
          rewriter, loc, gridOf(bmm.getLhs()), gridOf(bmm.getRhs()),
          bmm.getTransposeLhs(), bmm.getTransposeRhs(),
          ProductKind::ExactInteger);
      ea = exponentOf(bmm.getLhs());
      eb = exponentOf(bmm.getRhs());
    } else if (auto conv = dyn_cast<Conv2DOp>(kernel)) {
      ArrayRef<int64_t> pads = conv.getPads();
      Value input =
          padSpatial(rewriter, loc, gridOf(conv.getInput()), pads.take_front(2),
                     pads.drop_front(2), gridZero);
      ArrayRef<int64_t> window = shapeOf(conv.getFilter()).drop_front(2);
      ArrayRef<int64_t> out = resultType.getShape().drop_front(2);
      ConvGeometry geometry{
          {window.begin(), window.end()},
          {out.begin(), out.end()},
          {conv.getStrides().begin(), conv.getStrides().end()},
          {conv.getDilations().begin(), conv.getDilations().end()}};
      acc = createIm2ColConv(rewriter, loc, input, gridOf(conv.getFilter()),
                             geometry, ProductKind::ExactInteger);
      ea = exponentOf(conv.getInput());
      eb = exponentOf(conv.getFilter());
      if (Value b = conv.getBias())
        bias = b;
    } else if (auto gi = dyn_cast<Conv2DGradInputOp>(kernel)) {
      acc = createConvGradInput(
          rewriter, loc, gridOf(gi.getGrad()), gridOf(gi.getFilter()),
          resultType.getShape(), gi.getStrides(), gi.getPads(),
          gi.getDilations(), gridZero, accZero,
          ProductKind::ExactInteger);
      ea = exponentOf(gi.getGrad());
      eb = exponentOf(gi.getFilter());
    } else if (auto gf = dyn_cast<Conv2DGradFilterOp>(kernel)) {
      acc = createConvGradFilter(
          rewriter, loc, gridOf(gf.getGrad()), gridOf(gf.getInput()),
          resultType.getShape(), gf.getStrides(), gf.getPads(),
          gf.getDilations(), gridZero, accZero,
          ProductKind::ExactInteger);
      ea = exponentOf(gf.getGrad());
      eb = exponentOf(gf.getInput());
    } else {
      return rewriter.notifyMatchFailure(op, "unknown kernel");
    }

    unsigned rank = resultType.getRank();
    MLIRContext *ctx = getContext();
    Value limitHi = arith::ConstantIntOp::create(
        rewriter, loc, i64, std::numeric_limits<int32_t>::max());
    Value limitLo = arith::ConstantIntOp::create(
        rewriter, loc, i64, std::numeric_limits<int32_t>::min());

    // Outputs whose sum left the int32 range.
    Value countInit = createFilled(
        rewriter, loc, {}, arith::ConstantIntOp::create(rewriter, loc, i32, 0));
    Value overflowTensor =
        createGeneric(rewriter, loc, ValueRange{acc}, ValueRange{countInit},
                      {rewriter.getMultiDimIdentityMap(rank),
                       AffineMap::get(rank, 0, {}, ctx)},
                      SmallVector<utils::IteratorType>(
                          rank, utils::IteratorType::reduction),
                      [&](OpBuilder &b, Location l, ValueRange args) {
                        Value hi = arith::CmpIOp::create(
                            b, l, arith::CmpIPredicate::sgt, args[0], limitHi);
                        Value lo = arith::CmpIOp::create(
                            b, l, arith::CmpIPredicate::slt, args[0], limitLo);
                        Value out = arith::ExtUIOp::create(
                            b, l, i32, arith::OrIOp::create(b, l, hi, lo));
                        return SmallVector<Value>{
                            arith::AddIOp::create(b, l, args[1], out)};
                      })
            .front();
    Value overflows =
        tensor::ExtractOp::create(rewriter, loc, overflowTensor, ValueRange{});

    // The epilogue: saturate to int32, scale to f32.
    Value shift = arith::SubIOp::create(
        rewriter, loc, arith::AddIOp::create(rewriter, loc, ea, eb),
        arith::ConstantIntOp::create(rewriter, loc, i32, 2 * kGridBits));
    Value scale = createExp2(rewriter, loc, shift, rewriter.getF64Type());
    SmallVector<Value> inputs{acc};
    SmallVector<AffineMap> maps{rewriter.getMultiDimIdentityMap(rank)};
    if (bias) {
      // The bias is an MU8 input too: its f32 value, added per channel.
      Value codes =
          adaptor.getInputs()[cast<BlockArgument>(bias).getArgNumber()];
      Value e = exponentOf(bias);
      Value decoded = createDecodedTensor(rewriter, loc, tables, codes, e);
      inputs.push_back(decoded);
      maps.push_back(getSingleDimMap(ctx, rank, 1));
    }
    Value result = createElementwise(
        rewriter, loc, resultType, inputs, maps,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value clamped = arith::MinSIOp::create(
              b, l, arith::MaxSIOp::create(b, l, args[0], limitLo), limitHi);
          Value wide = arith::SIToFPOp::create(b, l, b.getF64Type(), clamped);
          Value scaled = arith::TruncFOp::create(
              b, l, b.getF32Type(), arith::MulFOp::create(b, l, wide, scale));
          if (args.size() > 2)
            scaled = arith::AddFOp::create(b, l, scaled, args[1]);
          return SmallVector<Value>{scaled};
        });
    rewriter.replaceOp(op, {result, overflows});
    return success();
  }
};

} // namespace

void lowering::populateIntegerKernelPatterns(TypeConverter &converter,
                                             RewritePatternSet &patterns) {
  patterns.add<IntegerKernelLowering>(converter, patterns.getContext());
}
