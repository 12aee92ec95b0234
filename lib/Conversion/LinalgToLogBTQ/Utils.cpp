//===- Utils.cpp - Shared matchers of the Linalg raising ------------------===//

#include "Utils.h"

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::raise;

/// Prints anything MLIR can print (types, maps) into a message.
template <typename T>
static std::string print(const T &value) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << value;
  return text;
}

std::string raise::formatFloat(const APFloat &value) {
  if (value.isNaN())
    return "nan";
  if (value.isInfinity())
    return value.isNegative() ? "-inf" : "inf";
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.9g", value.convertToDouble());
  std::string text = buffer;
  // `4` reads as an integer in a message about float values; say `4.0`.
  if (text.find_first_of(".en") == std::string::npos)
    text += ".0";
  return text;
}

//===----------------------------------------------------------------------===//
// Types and constants
//===----------------------------------------------------------------------===//

LogicalResult raise::checkF32Tensors(Operation *op, Reason &why) {
  auto check = [&](Type type, StringRef what, unsigned index) {
    auto shaped = dyn_cast<ShapedType>(type);
    if (!shaped)
      return success();
    if (!isa<RankedTensorType>(shaped))
      return fail(why, Twine(what) + " #" + Twine(index) + " has type '" +
                           print(type) +
                           "'; raising works on ranked tensors, before "
                           "bufferization");
    if (!shaped.getElementType().isF32())
      return fail(why, Twine(what) + " #" + Twine(index) + " has type '" +
                           print(type) + "'; only f32 tensors are raised");
    return success();
  };
  for (auto [i, operand] : llvm::enumerate(op->getOperands()))
    if (failed(check(operand.getType(), "operand", i)))
      return failure();
  for (auto [i, result] : llvm::enumerate(op->getResults()))
    if (failed(check(result.getType(), "result", i)))
      return failure();
  return success();
}

std::optional<APFloat> raise::getSplatValue(Value value) {
  APFloat scalar(0.0f);
  if (matchPattern(value, m_ConstantFloat(&scalar)))
    return scalar;
  Attribute attr;
  if (matchPattern(value, m_Constant(&attr))) {
    if (auto splat = dyn_cast<SplatElementsAttr>(attr))
      if (isa<FloatType>(splat.getElementType()))
        return splat.getSplatValue<APFloat>();
    return std::nullopt;
  }
  if (auto fill = value.getDefiningOp<linalg::FillOp>())
    if (fill.hasPureTensorSemantics() && fill.getInputs().size() == 1)
      return getSplatValue(fill.getInputs()[0]);
  // A broadcast of a splat is the same splat.
  if (std::optional<CopySource> copy = getCopySource(value))
    return getSplatValue(copy->source);
  return std::nullopt;
}

bool raise::isZeroSplat(Value value) {
  std::optional<APFloat> splat = getSplatValue(value);
  return splat && splat->isZero();
}

bool raise::isMaxNeutral(const APFloat &value) {
  return (value.isInfinity() && value.isNegative()) ||
         value.bitwiseIsEqual(
             APFloat::getLargest(value.getSemantics(), /*Negative=*/true));
}

bool raise::isMaxNeutralSplat(Value value) {
  std::optional<APFloat> splat = getSplatValue(value);
  return splat && isMaxNeutral(*splat);
}

//===----------------------------------------------------------------------===//
// Producers a raised op absorbs
//===----------------------------------------------------------------------===//

FailureOr<SpatialPad> raise::getSpatialPad(Value input, Reason &why) {
  SpatialPad result;
  result.source = input;
  auto pad = input.getDefiningOp<tensor::PadOp>();
  if (!pad)
    return result;
  ArrayRef<int64_t> low = pad.getStaticLow(), high = pad.getStaticHigh();
  if (low.size() != 4)
    return fail(why, "the tensor.pad of its input is not 4-D");
  if (llvm::any_of(low, ShapedType::isDynamic) ||
      llvm::any_of(high, ShapedType::isDynamic))
    return fail(why, "the tensor.pad of its input has dynamic padding");
  if (low[0] || low[1] || high[0] || high[1])
    return fail(why, "the tensor.pad of its input pads the N or C dims");
  APFloat value(0.0f);
  Value padValue = pad.getConstantPaddingValue();
  if (!padValue || !matchPattern(padValue, m_ConstantFloat(&value)))
    return fail(why, "the tensor.pad of its input does not pad with a "
                     "constant");
  result.source = pad.getSource();
  result.pads = {low[2], low[3], high[2], high[3]};
  result.value = value;
  return result;
}

bool raise::isCopyGeneric(linalg::GenericOp op) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 1 ||
      op.getNumDpsInits() != 1 ||
      !isa<ShapedType>(op.getDpsInputs()[0].getType()) ||
      op.getNumParallelLoops() != op.getNumLoops())
    return false;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (!maps[1].isIdentity() ||
      !maps[0].isProjectedPermutation(/*allowZeroInResults=*/true))
    return false;
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  return yield.getNumOperands() == 1 &&
         yield.getOperand(0) == body.getArgument(0);
}

std::optional<CopySource> raise::getCopySource(Value value) {
  if (auto broadcast = value.getDefiningOp<linalg::BroadcastOp>()) {
    if (!broadcast.hasPureTensorSemantics())
      return std::nullopt;
    int64_t rank = broadcast.getInit().getType().getRank();
    ArrayRef<int64_t> added = broadcast.getDimensions();
    SmallVector<AffineExpr> kept;
    for (int64_t d = 0; d < rank; ++d)
      if (!llvm::is_contained(added, d))
        kept.push_back(getAffineDimExpr(d, value.getContext()));
    return CopySource{broadcast.getInput(),
                      AffineMap::get(rank, 0, kept, value.getContext())};
  }
  // A copy through a permutation is a transpose, raised on its own.
  if (auto generic = value.getDefiningOp<linalg::GenericOp>())
    if (isCopyGeneric(generic) &&
        !generic.getIndexingMapsArray()[0].isPermutation())
      return CopySource{generic.getDpsInputs()[0],
                        generic.getIndexingMapsArray()[0]};
  return std::nullopt;
}

static bool isSwap(ArrayRef<int64_t> perm) {
  return perm.size() == 2 && perm[0] == 1 && perm[1] == 0;
}

std::optional<Value> raise::getTransposeSource2D(Value value) {
  if (auto transpose = value.getDefiningOp<linalg::TransposeOp>())
    if (transpose.hasPureTensorSemantics() &&
        isSwap(transpose.getPermutation()))
      return transpose.getInput();
  if (auto transpose = value.getDefiningOp<logbtq::TransposeOp>())
    if (isSwap(transpose.getPerm()))
      return transpose.getInput();
  if (auto generic = value.getDefiningOp<linalg::GenericOp>()) {
    if (!isCopyGeneric(generic))
      return std::nullopt;
    AffineMap map = generic.getIndexingMapsArray()[0];
    if (map.isPermutation() && map.getNumDims() == 2 &&
        map.getDimPosition(0) == 1)
      return generic.getDpsInputs()[0];
  }
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Broadcasting operands
//===----------------------------------------------------------------------===//

shape::Shape BroadcastOperand::getShape() const {
  if (scalar)
    return {};
  if (reshapeTo)
    return *reshapeTo;
  return shape::Shape(cast<RankedTensorType>(value.getType()).getShape());
}

BroadcastOperand raise::scalarOperand(const APFloat &value) {
  BroadcastOperand operand;
  operand.scalar = value;
  return operand;
}

FailureOr<BroadcastOperand>
raise::planBroadcastOperand(Value value, AffineMap map,
                            ArrayRef<int64_t> resultShape, Reason &why) {
  // A linalg.broadcast (or copy generic) producing the operand is one more
  // indexing map to compose: read its source directly.
  if (std::optional<CopySource> copy = getCopySource(value)) {
    value = copy->source;
    map = copy->map.compose(map);
  }
  auto type = cast<RankedTensorType>(value.getType());
  int64_t rank = resultShape.size();
  if (map.getNumDims() != rank)
    return fail(why, "its indexing map " + print(map) +
                         " does not iterate over the result dims");

  // Which result dim each operand dim follows. A constant 0 reads a size-1
  // dim and lines up with the result dim at the same position.
  SmallVector<int64_t> positions;
  for (auto [j, expr] : llvm::enumerate(map.getResults())) {
    if (auto dim = dyn_cast<AffineDimExpr>(expr)) {
      positions.push_back(dim.getPosition());
      continue;
    }
    auto constant = dyn_cast<AffineConstantExpr>(expr);
    if (constant && constant.getValue() == 0 && type.getDimSize(j) == 1 &&
        map.getNumResults() == rank) {
      positions.push_back(j);
      continue;
    }
    return fail(why, "it is read through " + print(map) +
                         ", which is not a broadcast");
  }
  for (size_t j = 1; j < positions.size(); ++j)
    if (positions[j] <= positions[j - 1])
      return fail(why, "it is read through " + print(map) +
                           ", which transposes it; numpy broadcasting "
                           "cannot");

  BroadcastOperand operand;
  operand.value = value;
  int64_t count = positions.size();
  bool trailing = llvm::all_of(llvm::enumerate(positions), [&](auto entry) {
    return entry.value() == rank - count + static_cast<int64_t>(entry.index());
  });
  if (trailing)
    return operand;

  // numpy aligns dims from the right: a dim that follows an inner result dim
  // needs unit dims after it, e.g. a bias [C] of an NCHW result -> [C, 1, 1].
  if (!type.hasStaticShape())
    return fail(why, "it needs unit dims inserted for numpy broadcasting, "
                     "which needs a static shape, not '" +
                         print(type) + "'");
  shape::Shape target(rank - positions.front(), 1);
  for (auto [j, position] : llvm::enumerate(positions))
    target[position - positions.front()] = type.getDimSize(j);
  operand.reshapeTo = target;
  return operand;
}

LogicalResult raise::checkBroadcastResult(MLIRContext *context,
                                          const BroadcastOperand &lhs,
                                          const BroadcastOperand &rhs,
                                          ArrayRef<int64_t> resultShape,
                                          Reason &why) {
  shape::Shape a = lhs.getShape(), b = rhs.getShape();
  FailureOr<shape::Shape> result =
      inferShape(context, why, [&](shape::EmitErrorFn emitError) {
        return shape::inferBroadcast(a, b, emitError);
      });
  if (failed(result))
    return failure();
  if (failed(verifyCompatibleShape(*result, resultShape)))
    return fail(why, "its operands broadcast to " + shape::format(*result) +
                         ", not to the result shape " +
                         shape::format(resultShape));
  return success();
}

Value raise::materialize(OpBuilder &builder, Location loc,
                         const BroadcastOperand &operand) {
  Type f32 = builder.getF32Type();
  if (operand.scalar) {
    auto type = RankedTensorType::get({}, f32);
    return arith::ConstantOp::create(
        builder, loc, DenseElementsAttr::get(type, *operand.scalar));
  }
  if (operand.reshapeTo)
    return logbtq::ReshapeOp::create(
        builder, loc, RankedTensorType::get(*operand.reshapeTo, f32),
        operand.value);
  return operand.value;
}

FailureOr<std::optional<BroadcastOperand>> raise::getInitAddend(Value init,
                                                                Reason &why) {
  if (isZeroSplat(init))
    return std::optional<BroadcastOperand>();
  auto type = cast<RankedTensorType>(init.getType());
  FailureOr<BroadcastOperand> addend = planBroadcastOperand(
      init,
      AffineMap::getMultiDimIdentityMap(type.getRank(), init.getContext()),
      type.getShape(), why);
  if (failed(addend))
    return fail(why, "it accumulates into an init that cannot be added: " +
                         Twine(why));
  return std::optional<BroadcastOperand>(*addend);
}

//===----------------------------------------------------------------------===//
// Elementwise forms
//===----------------------------------------------------------------------===//

/// The body of a linalg.generic as one arithmetic op on its block arguments
/// and constants.
static FailureOr<ElementwiseForm> getGenericForm(linalg::GenericOp op,
                                                 Reason &why) {
  Block &body = op.getRegion().front();
  unsigned numInputs = op.getNumDpsInputs();
  if (!body.getArgument(numInputs).use_empty())
    return fail(why, "its body reads the output, so it accumulates");
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  Operation *root = yield.getNumOperands() == 1
                        ? yield.getOperand(0).getDefiningOp()
                        : nullptr;
  if (!root || root->getBlock() != &body)
    return fail(why, "its body does not compute its result");

  // Constants (torch-mlir puts its zero inside the body) do not count.
  unsigned numOps = llvm::count_if(body.without_terminator(), [](Operation &o) {
    return !isa<arith::ConstantOp>(o);
  });
  auto operand = [&](Value v) -> FailureOr<ElementwiseOperand> {
    APFloat constant(0.0f);
    if (auto arg = dyn_cast<BlockArgument>(v); arg && arg.getOwner() == &body) {
      OpOperand *input = op.getDpsInputOperand(arg.getArgNumber());
      if (isa<ShapedType>(input->get().getType()))
        return ElementwiseOperand{
            input->get(), op.getMatchingIndexingMap(input), {}};
      if (matchPattern(input->get(), m_ConstantFloat(&constant)))
        return ElementwiseOperand{{}, {}, constant};
      return fail(why, "its body reads a scalar input that is not a "
                       "constant");
    }
    if (matchPattern(v, m_ConstantFloat(&constant)))
      return ElementwiseOperand{{}, {}, constant};
    return fail(why, "its body reads a value that is neither an input nor a "
                     "constant");
  };

  ElementwiseForm form;
  form.resultType = cast<RankedTensorType>(op->getResult(0).getType());
  Value lhs, rhs;
  unsigned expectedOps = 1;
  auto binary = [&](BinaryKind kind) {
    form.kind = kind;
    lhs = root->getOperand(0);
    rhs = root->getOperand(1);
  };
  if (isa<arith::AddFOp>(root))
    binary(BinaryKind::Add);
  else if (isa<arith::SubFOp>(root))
    binary(BinaryKind::Sub);
  else if (isa<arith::MulFOp>(root))
    binary(BinaryKind::Mul);
  else if (isa<arith::DivFOp>(root))
    binary(BinaryKind::Div);
  else if (isa<arith::MaximumFOp, arith::MaxNumFOp>(root))
    binary(BinaryKind::Max);

  // torch-mlir's relu: select(cmpf ugt(x, 0), x, 0), or the mirrored
  // select(cmpf olt(x, 0), 0, x). Either is max(x, 0).
  if (auto select = dyn_cast<arith::SelectOp>(root)) {
    auto cmp = select.getCondition().getDefiningOp<arith::CmpFOp>();
    if (cmp && matchPattern(cmp.getRhs(), m_AnyZeroFloat())) {
      using P = arith::CmpFPredicate;
      P p = cmp.getPredicate();
      Value x = cmp.getLhs();
      bool greater = p == P::OGT || p == P::UGT || p == P::OGE || p == P::UGE;
      bool less = p == P::OLT || p == P::ULT || p == P::OLE || p == P::ULE;
      Value kept = greater ? select.getTrueValue() : select.getFalseValue();
      Value zero = greater ? select.getFalseValue() : select.getTrueValue();
      if ((greater || less) && kept == x &&
          matchPattern(zero, m_AnyZeroFloat())) {
        form.kind = BinaryKind::Max;
        lhs = x;
        rhs = zero;
        expectedOps = 2;
      }
    }
  }
  const char *supported = "only a single arith.addf, subf, mulf, divf, "
                          "maximumf or maxnumf (or a cmpf + select relu) is "
                          "raised";
  if (!lhs)
    return fail(why, "its body computes '" +
                         root->getName().getStringRef().str() + "'; " +
                         supported);
  if (numOps != expectedOps)
    return fail(why, "its body has " + Twine(numOps) +
                         " operations besides constants; " + supported);
  FailureOr<ElementwiseOperand> a = operand(lhs), b = operand(rhs);
  if (failed(a) || failed(b))
    return failure();
  form.lhs = *a;
  form.rhs = *b;
  return form;
}

LogicalResult raise::checkElementwiseShape(linalg::LinalgOp op, Reason &why) {
  if (failed(checkF32Tensors(op, why)))
    return failure();
  if (op->getNumResults() != 1 || op.getNumDpsInits() != 1)
    return fail(why, "it does not have exactly one result");
  if (op.getNumParallelLoops() != op.getNumLoops())
    return fail(why, "it has reduction loops");
  AffineMap out = op.getIndexingMapsArray().back();
  if (!out.isIdentity())
    return fail(why, "it writes its result through the non-identity map " +
                         print(out));
  return success();
}

FailureOr<ElementwiseForm> raise::getElementwiseForm(linalg::LinalgOp op,
                                                     Reason &why) {
  if (failed(checkElementwiseShape(op, why)))
    return failure();
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();

  if (auto generic = dyn_cast<linalg::GenericOp>(op.getOperation()))
    return getGenericForm(generic, why);

  std::optional<BinaryKind> kind;
  if (isa<linalg::AddOp>(op))
    kind = BinaryKind::Add;
  else if (isa<linalg::SubOp>(op))
    kind = BinaryKind::Sub;
  else if (isa<linalg::MulOp>(op))
    kind = BinaryKind::Mul;
  else if (isa<linalg::DivOp>(op))
    kind = BinaryKind::Div;
  else if (isa<linalg::MaxOp>(op))
    kind = BinaryKind::Max;
  else if (auto elementwise =
               dyn_cast<linalg::ElementwiseOp>(op.getOperation())) {
    switch (elementwise.getKind()) {
    case linalg::ElementwiseKind::add:
      kind = BinaryKind::Add;
      break;
    case linalg::ElementwiseKind::sub:
      kind = BinaryKind::Sub;
      break;
    case linalg::ElementwiseKind::mul:
      kind = BinaryKind::Mul;
      break;
    case linalg::ElementwiseKind::div:
      kind = BinaryKind::Div;
      break;
    case linalg::ElementwiseKind::max_signed:
      kind = BinaryKind::Max;
      break;
    default:
      return fail(
          why,
          "kind '" +
              linalg::stringifyElementwiseKind(elementwise.getKind()).str() +
              "' has no logbtq equivalent");
    }
  }
  if (!kind || op.getNumDpsInputs() != 2)
    return fail(why, "it is not an elementwise add, sub, mul, div or max");
  ElementwiseForm form;
  form.kind = *kind;
  form.resultType = cast<RankedTensorType>(op->getResult(0).getType());
  form.lhs = {op.getDpsInputs()[0], maps[0], {}};
  form.rhs = {op.getDpsInputs()[1], maps[1], {}};
  return form;
}

//===----------------------------------------------------------------------===//
// Shapes
//===----------------------------------------------------------------------===//

FailureOr<shape::Shape> raise::inferShape(
    MLIRContext *context, Reason &why,
    function_ref<FailureOr<shape::Shape>(shape::EmitErrorFn)> rule) {
  // The innermost handler gets the diagnostic first and swallows it.
  ScopedDiagnosticHandler capture(context, [&](Diagnostic &diag) {
    why = diag.str();
    return success();
  });
  return rule([&] { return mlir::emitError(UnknownLoc::get(context)); });
}

LogicalResult raise::checkResultShape(const shape::Shape &inferred,
                                      RankedTensorType resultType,
                                      Reason &why) {
  if (succeeded(verifyCompatibleShape(inferred, resultType.getShape())))
    return success();
  return fail(why, "the logbtq op would have shape " + shape::format(inferred) +
                       ", not " + shape::format(resultType.getShape()));
}
