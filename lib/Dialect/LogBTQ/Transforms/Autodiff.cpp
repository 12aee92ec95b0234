//===- Autodiff.cpp - Reverse-mode differentiation of a block -------------===//
//
// A tape-free reverse sweep: the forward ops of one block are already in
// program order, so walking them backwards visits every use of a value
// before the value itself, and gradients can be accumulated in one pass.
//
//===----------------------------------------------------------------------===//

#include "logbtq/Dialect/LogBTQ/Transforms/Autodiff.h"
#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/ADT/DenseSet.h"

using namespace mlir;
using namespace mlir::logbtq;

namespace {

Value zerosLike(OpBuilder &b, Location loc, Type type) {
  if (auto shaped = dyn_cast<ShapedType>(type))
    return arith::ConstantOp::create(
        b, loc, type,
        DenseElementsAttr::get(shaped, b.getZeroAttr(shaped.getElementType())));
  return arith::ConstantOp::create(b, loc, type, b.getZeroAttr(type));
}

/// Sums two gradients of one value.
Value accumulate(OpBuilder &b, Location loc, Value a, Value c) {
  if (isa<FloatType>(a.getType()))
    return arith::AddFOp::create(b, loc, a, c);
  return AddOp::create(b, loc, a.getType(), a, c);
}

/// The scalar arithmetic that combines loss terms (f32 add, sub, mul).
std::optional<LogicalResult> scalarVJP(OpBuilder &b, Operation *op,
                                       Value grad,
                                       SmallVectorImpl<Value> &operandGrads) {
  Location loc = op->getLoc();
  if (isa<arith::AddFOp>(op)) {
    operandGrads.append({grad, grad});
    return success();
  }
  if (isa<arith::SubFOp>(op)) {
    operandGrads.append({grad, arith::NegFOp::create(b, loc, grad)});
    return success();
  }
  if (isa<arith::MulFOp>(op)) {
    operandGrads.append({arith::MulFOp::create(b, loc, grad, op->getOperand(1)),
                         arith::MulFOp::create(b, loc, grad, op->getOperand(0))});
    return success();
  }
  return std::nullopt;
}

} // namespace

FailureOr<SmallVector<Value>>
mlir::logbtq::buildGradients(OpBuilder &b, Value loss, ArrayRef<Value> wrt) {
  Block *block = loss.getParentBlock();
  Location loc = loss.getLoc();

  // Forward sweep: which values depend on a differentiated value.
  llvm::DenseSet<Value> active(wrt.begin(), wrt.end());
  SmallVector<Operation *> tape;
  for (Operation &op : *block) {
    if (op.hasTrait<OpTrait::IsTerminator>())
      break;
    tape.push_back(&op);
    if (llvm::any_of(op.getOperands(),
                     [&](Value v) { return active.contains(v); }))
      active.insert(op.result_begin(), op.result_end());
  }

  // Reverse sweep from d loss / d loss = 1.
  llvm::DenseMap<Value, Value> grads;
  grads[loss] = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(1.0f));
  for (Operation *op : llvm::reverse(tape)) {
    SmallVector<Value> resultGrads;
    bool any = false;
    for (Value result : op->getResults()) {
      resultGrads.push_back(grads.lookup(result));
      any |= static_cast<bool>(resultGrads.back());
    }
    bool needed = llvm::any_of(op->getOperands(),
                               [&](Value v) { return active.contains(v); });
    if (!any || !needed)
      continue;

    SmallVector<Value> operandGrads;
    std::optional<LogicalResult> scalar =
        op->getNumResults() == 1 && isa<FloatType>(op->getResult(0).getType())
            ? scalarVJP(b, op, resultGrads[0], operandGrads)
            : std::nullopt;
    if (scalar) {
      if (failed(*scalar))
        return failure();
    } else if (auto diff = dyn_cast<DifferentiableOpInterface>(op)) {
      if (failed(diff.emitVJP(b, resultGrads, operandGrads)))
        return failure();
    } else {
      return op->emitOpError("has no gradient (no DifferentiableOpInterface), "
                             "but the loss depends on it through a trained "
                             "value");
    }
    assert(operandGrads.size() == op->getNumOperands() &&
           "a VJP must give one (possibly null) gradient per operand");
    for (auto [operand, grad] : llvm::zip(op->getOperands(), operandGrads)) {
      if (!grad || !active.contains(operand))
        continue;
      Value &slot = grads[operand];
      slot = slot ? accumulate(b, op->getLoc(), slot, grad) : grad;
    }
  }

  SmallVector<Value> result;
  for (Value v : wrt) {
    Value g = grads.lookup(v);
    result.push_back(g ? g : zerosLike(b, loc, v.getType()));
  }
  return result;
}
