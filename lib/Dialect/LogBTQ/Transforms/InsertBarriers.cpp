//===- InsertBarriers.cpp - Add log-barrier terms to @forward -------------===//

#include "Layers.h"

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"
#include "logbtq/Dialect/LogBTQ/IR/LogBTQAttributes.h"
#include "logbtq/Dialect/LogBTQ/Transforms/Passes.h"
#include "logbtq/Dialect/LogBTQ/Transforms/TrainingOptions.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::logbtq {
#define GEN_PASS_DEF_LOGBTQINSERTBARRIERS
#include "logbtq/Dialect/LogBTQ/Transforms/Passes.h.inc"
} // namespace mlir::logbtq

using namespace mlir;
using namespace mlir::logbtq;

namespace {

struct InsertBarriersPass
    : logbtq::impl::LogBTQInsertBarriersBase<InsertBarriersPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto forward = module.lookupSymbol<func::FuncOp>("forward");
    if (!forward) {
      module.emitError("-logbtq-insert-barriers needs a func.func @forward");
      return signalPassFailure();
    }
    if (barrierLambda < 0 || !(barrierBound > 0) ||
        !(barrierOutputBound > 0)) {
      forward.emitError("barrier lambda must be >= 0 and bounds > 0");
      return signalPassFailure();
    }
    recordTrainingOption(module, "barrier_lambda", barrierLambda);
    recordTrainingOption(module, "barrier_bound", barrierBound);
    if (barrierLambda == 0)
      return; // Disabled: no t argument, no penalty result.
    for (unsigned i = 0; i < forward.getNumArguments(); ++i)
      if (forward.getArgAttr(i, attrs::kBarrierT)) {
        forward.emitError("@forward already has barrier terms");
        return signalPassFailure();
      }

    bool weights = barrierTargets.empty(),
         activations = barrierTargets.empty(), inputs = barrierTargets.empty();
    for (const std::string &target : barrierTargets) {
      if (target == "weights")
        weights = true;
      else if (target == "activations")
        activations = true;
      else if (target == "inputs")
        inputs = true;
      else {
        forward.emitError("unknown barrier target '")
            << target << "' (expected weights, activations or inputs)";
        return signalPassFailure();
      }
    }

    Block &body = forward.getBody().front();
    auto ret = cast<func::ReturnOp>(body.getTerminator());
    OpBuilder b(ret);
    Location loc = forward.getLoc();
    Type f32 = b.getF32Type();

    // The selected tensors, each with its bound.
    SmallVector<std::pair<Value, double>> terms;
    for (BlockArgument arg : body.getArguments()) {
      bool isParam = static_cast<bool>(forward.getArgAttr(
                         arg.getArgNumber(), attrs::kParam)) &&
                     !forward.getArgAttr(arg.getArgNumber(), attrs::kFrozen);
      bool isInput = static_cast<bool>(
          forward.getArgAttr(arg.getArgNumber(), attrs::kInput));
      if ((weights && isParam) || (inputs && isInput))
        terms.push_back({arg, barrierBound});
    }
    llvm::SmallPtrSet<Value, 4> outputs(ret.operand_begin(), ret.operand_end());
    auto isParameter = [&](Value v) {
      auto arg = dyn_cast<BlockArgument>(v);
      return arg && arg.getOwner() == &body &&
             forward.getArgAttr(arg.getArgNumber(), attrs::kParam);
    };
    auto feedsOnlyNorms = [&](Value v) {
      return !v.use_empty() && llvm::all_of(v.getUsers(), [&](Operation *user) {
        return normalizesScaleAway(forward, user, v);
      });
    };
    if (activations)
      for (Operation &op : body.without_terminator())
        if (isa<LogBTQDialect>(op.getDialect()) &&
            !op.hasTrait<OpTrait::logbtq::RepeatsInputValues>())
          for (Value result : op.getResults())
            if (isa<RankedTensorType>(result.getType()) &&
                !feedsBiasAdd(result, isParameter) && !feedsOnlyNorms(result))
              terms.push_back({result, outputs.contains(result)
                                           ? barrierOutputBound
                                           : barrierBound});

    Value t = body.addArgument(f32, loc);
    Value sum;
    for (auto [value, b0] : terms) {
      Value term = BarrierOp::create(b, value.getLoc(), f32, value, t,
                                     b.getF32FloatAttr(b0));
      sum = sum ? arith::AddFOp::create(b, loc, sum, term).getResult() : term;
    }
    if (!sum)
      sum = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
    Value lambdaValue =
        arith::ConstantOp::create(b, loc, b.getF32FloatAttr(barrierLambda));
    Value penalty = arith::MulFOp::create(b, loc, lambdaValue, sum);
    ret->insertOperands(ret.getNumOperands(), penalty);

    // Keep the signature and its attributes in step with the block.
    SmallVector<Type> argTypes(body.getArgumentTypes());
    SmallVector<Type> resultTypes(ret.getOperandTypes());
    SmallVector<DictionaryAttr> argAttrs, resultAttrs;
    forward.getAllArgAttrs(argAttrs);
    forward.getAllResultAttrs(resultAttrs);
    argAttrs.push_back(b.getDictionaryAttr(
        b.getNamedAttr(attrs::kBarrierT, b.getUnitAttr())));
    resultAttrs.push_back(b.getDictionaryAttr(
        b.getNamedAttr(attrs::kBarrierPenalty, b.getUnitAttr())));
    forward.setFunctionType(b.getFunctionType(argTypes, resultTypes));
    forward.setAllArgAttrs(argAttrs);
    forward.setAllResultAttrs(resultAttrs);
  }
};

} // namespace
