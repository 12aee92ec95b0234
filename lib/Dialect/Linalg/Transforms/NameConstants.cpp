//===- NameConstants.cpp - Constant globals named by their first use -----===//
//
// See the pass description in Passes.td: the bufferization names its
// constant globals in an order that changes from run to run; this pass
// gives them names and places that depend on the program alone.
//
//===----------------------------------------------------------------------===//

#include "logbtq/Dialect/Linalg/Transforms/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringMap.h"

namespace mlir::logbtq {
#define GEN_PASS_DEF_LOGBTQNAMECONSTANTS
#include "logbtq/Dialect/Linalg/Transforms/Passes.h.inc"
} // namespace mlir::logbtq

using namespace mlir;
using namespace mlir::logbtq;

namespace {

constexpr llvm::StringLiteral kPrefix = "__constant_";

/// The bufferization's name for a constant of this global's type: the
/// prefix and the type (`128xf32`), without the `_N` that made it unique.
/// A type's spelling has no underscore, so the first one after the prefix
/// starts that suffix.
StringRef baseName(StringRef name) {
  size_t underscore = name.find('_', kPrefix.size());
  return name.take_front(underscore);
}

bool isBufferizedConstant(memref::GlobalOp global) {
  return global && global.getConstant() && global.isPrivate() &&
         global.getSymName().starts_with(kPrefix);
}

struct NameConstantsPass
    : logbtq::impl::LogBTQNameConstantsBase<NameConstantsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    // The constants' readers, grouped by global in the order the module's
    // operations first read them.
    llvm::MapVector<Operation *, SmallVector<memref::GetGlobalOp, 1>> readers;
    module.walk([&](memref::GetGlobalOp get) {
      auto global = symbols.lookup<memref::GlobalOp>(get.getName());
      if (isBufferizedConstant(global))
        readers[global].push_back(get);
    });
    for (auto global :
         llvm::make_early_inc_range(module.getOps<memref::GlobalOp>()))
      if (isBufferizedConstant(global) && !readers.count(global))
        global.erase();

    // Every constant global is read and in `readers` now, so the new
    // names cannot meet an old one left behind.
    MLIRContext *context = module.getContext();
    llvm::StringMap<unsigned> seen;
    for (auto &[op, gets] : readers) {
      auto global = cast<memref::GlobalOp>(op);
      std::string base = baseName(global.getSymName()).str();
      unsigned count = seen[base]++;
      std::string name =
          count == 0 ? base : (Twine(base) + "_" + Twine(count - 1)).str();
      global.setSymName(name);
      auto ref = FlatSymbolRefAttr::get(context, name);
      for (memref::GetGlobalOp get : gets)
        get.setNameAttr(ref);
    }
    // At the top of the module, in the order of their first reader.
    Block *body = module.getBody();
    for (auto &entry : llvm::reverse(readers))
      entry.first->moveBefore(body, body->begin());
  }
};

} // namespace
