//===- LiftConstants.cpp - Weights held as constants become parameters ----===//
//
// See the pass description in Passes.td and docs/Linalg.md. Which constants
// are weights is decided on the raised graph, where a matmul's or a
// convolution's operands and their bias adds are plain to see.
//
//===----------------------------------------------------------------------===//

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"
#include "logbtq/Dialect/LogBTQ/IR/LogBTQAttributes.h"
#include "logbtq/Dialect/LogBTQ/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringSet.h"

namespace mlir::logbtq {
#define GEN_PASS_DEF_LOGBTQLIFTCONSTANTS
#include "logbtq/Dialect/LogBTQ/Transforms/Passes.h.inc"
} // namespace mlir::logbtq

using namespace mlir;
using namespace mlir::logbtq;

namespace {

bool isLinearResult(Value v) {
  return isa_and_present<MatmulOp, BatchMatmulOp, Conv2DOp>(v.getDefiningOp());
}

/// Whether a splat constant `c` is read as a weight: a product's operand, or
/// the bias added to a product.
bool isReadAsWeight(arith::ConstantOp c) {
  return llvm::any_of(c->getUses(), [&](OpOperand &use) {
    Operation *user = use.getOwner();
    if (isa<MatmulOp, BatchMatmulOp, Conv2DOp>(user))
      return true;
    auto add = dyn_cast<AddOp>(user);
    return add && isLinearResult(add.getOperand(1 - use.getOperandNumber()));
  });
}

bool isWeight(arith::ConstantOp c) {
  auto type = dyn_cast<RankedTensorType>(c.getType());
  if (!type || type.getRank() == 0 || !type.getElementType().isF32())
    return false;
  if (auto dense = dyn_cast<DenseElementsAttr>(c.getValue()))
    return !dense.isSplat() || isReadAsWeight(c);
  return isa<DenseResourceElementsAttr>(c.getValue());
}

std::string nameOf(arith::ConstantOp c, unsigned index) {
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(c.getValue()))
    return resource.getRawHandle().getKey().str();
  if (auto name = dyn_cast<NameLoc>(c.getLoc()))
    return name.getName().str();
  return "const" + std::to_string(index);
}

struct LiftConstantsPass
    : logbtq::impl::LogBTQLiftConstantsBase<LiftConstantsPass> {
  using Base::Base;

  void runOnOperation() override {
    auto forward = getOperation().lookupSymbol<func::FuncOp>("forward");
    if (!forward || forward.isExternal())
      return;
    Block &body = forward.getBody().front();
    llvm::StringSet<> names;
    for (unsigned i = 0; i < forward.getNumArguments(); ++i)
      if (auto name = forward.getArgAttrOfType<StringAttr>(i, attrs::kParam))
        names.insert(name.getValue());

    SmallVector<arith::ConstantOp> weights;
    forward.walk([&](arith::ConstantOp c) {
      if (isWeight(c))
        weights.push_back(c);
    });
    Builder b(&getContext());
    for (auto [index, c] : llvm::enumerate(weights)) {
      std::string name = nameOf(c, index);
      for (unsigned k = 1; names.contains(name); ++k)
        name = nameOf(c, index) + "_" + std::to_string(k);
      names.insert(name);
      unsigned position = forward.getNumArguments();
      NamedAttribute attrList[] = {
          b.getNamedAttr(attrs::kParam, b.getStringAttr(name)),
          b.getNamedAttr(attrs::kInit, c.getValue())};
      if (failed(forward.insertArgument(position, c.getType(),
                                        b.getDictionaryAttr(attrList),
                                        c.getLoc()))) {
        signalPassFailure();
        return;
      }
      c.replaceAllUsesWith(body.getArgument(position));
      c.erase();
    }

    for (const std::string &name : frozen) {
      bool found = false;
      for (unsigned i = 0; i < forward.getNumArguments(); ++i) {
        auto param = forward.getArgAttrOfType<StringAttr>(i, attrs::kParam);
        if (param && param.getValue() == name) {
          forward.setArgAttr(i, attrs::kFrozen, b.getUnitAttr());
          found = true;
        }
      }
      if (!found) {
        forward.emitError("--frozen names '")
            << name << "', which is no parameter of @forward";
        return signalPassFailure();
      }
    }

    // The data argument: the one that is neither a parameter nor marked.
    SmallVector<unsigned> unmarked;
    for (unsigned i = 0; i < forward.getNumArguments(); ++i) {
      if (forward.getArgAttr(i, attrs::kInput))
        return;
      if (!forward.getArgAttr(i, attrs::kParam))
        unmarked.push_back(i);
    }
    if (unmarked.size() > 1) {
      forward.emitError("@forward has ")
          << unmarked.size()
          << " arguments that are not parameters; mark the data argument "
             "with logbtq.input";
      return signalPassFailure();
    }
    if (unmarked.size() == 1)
      forward.setArgAttr(unmarked.front(), attrs::kInput,
                         b.getStringAttr("input"));
  }
};

} // namespace
