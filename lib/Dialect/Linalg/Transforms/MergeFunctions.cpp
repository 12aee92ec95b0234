//===- MergeFunctions.cpp - One copy of each outlined function ------------===//
//
// See the pass description in Passes.td: the layers of a network repeat
// their shapes, so many of the functions the outlining passes make are the
// same function under different names.
//
//===----------------------------------------------------------------------===//

#include "logbtq/Dialect/Linalg/Transforms/Passes.h"

#include "Outlining.h"

#include "mlir/IR/OperationSupport.h"
#include "llvm/ADT/DenseMap.h"

#include <unordered_map>

namespace mlir::logbtq {
#define GEN_PASS_DEF_LOGBTQMERGEFUNCTIONS
#include "logbtq/Dialect/Linalg/Transforms/Passes.h.inc"
} // namespace mlir::logbtq

using namespace mlir;
using namespace mlir::logbtq;

namespace {

/// A hash of `function`'s type and of every operation in its body (names,
/// attributes, types; not which values they use), equal for functions that
/// are the same up to their names.
llvm::hash_code hashBody(func::FuncOp function) {
  llvm::hash_code hash = hash_value(function.getFunctionType());
  function.getBody().walk([&](Operation *op) {
    hash = llvm::hash_combine(
        hash, OperationEquivalence::computeHash(
                  op, OperationEquivalence::ignoreHashValue,
                  OperationEquivalence::ignoreHashValue,
                  OperationEquivalence::IgnoreLocations));
  });
  return hash;
}

bool sameFunction(func::FuncOp a, func::FuncOp b) {
  return a.getFunctionType() == b.getFunctionType() &&
         a->getDiscardableAttrDictionary() ==
             b->getDiscardableAttrDictionary() &&
         OperationEquivalence::isRegionEquivalentTo(
             &a.getBody(), &b.getBody(),
             OperationEquivalence::IgnoreLocations);
}

struct MergeFunctionsPass
    : logbtq::impl::LogBTQMergeFunctionsBase<MergeFunctionsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Candidates by hash; the first of each kind is kept.
    std::unordered_map<size_t, SmallVector<func::FuncOp, 1>> kept;
    llvm::DenseMap<StringAttr, func::FuncOp> replacement;
    SmallVector<func::FuncOp> duplicates;
    for (auto function : module.getOps<func::FuncOp>()) {
      if (!function.isPrivate() || function.isExternal())
        continue;
      SmallVector<func::FuncOp, 1> &same = kept[hashBody(function)];
      auto it = llvm::find_if(
          same, [&](func::FuncOp k) { return sameFunction(k, function); });
      if (it == same.end()) {
        same.push_back(function);
        continue;
      }
      replacement[function.getSymNameAttr()] = *it;
      duplicates.push_back(function);
    }
    // One walk over the calls, not one per merged function.
    module.walk([&](func::CallOp call) {
      auto it = replacement.find(call.getCalleeAttr().getAttr());
      if (it == replacement.end())
        return;
      call.setCalleeAttr(FlatSymbolRefAttr::get(it->second));
      // Called from several places now: inlined, it would be compiled
      // once per place again.
      keepOutOfLine(it->second);
    });
    for (func::FuncOp function : duplicates)
      function.erase();
  }
};
} // namespace
