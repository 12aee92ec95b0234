//===- Outlining.h - What the outlining passes share ------------*- C++ -*-===//
//
// -logbtq-outline-parallel, -logbtq-outline-loops and
// -logbtq-merge-functions make private functions out of a step function's
// loops; these are the names and attributes they give them.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_LIB_DIALECT_LINALG_TRANSFORMS_OUTLINING_H
#define LOGBTQ_LIB_DIALECT_LINALG_TRANSFORMS_OUTLINING_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/SymbolTable.h"

#include <string>

namespace mlir::logbtq {

/// `<parent>_<kind>_<count>`, counting on from `count` past names in use.
inline std::string freshName(SymbolTable &symbols, func::FuncOp parent,
                             StringRef kind, unsigned &count) {
  std::string name;
  do
    name = (parent.getSymName() + "_" + kind + "_" + Twine(count++)).str();
  while (symbols.lookup(name));
  return name;
}

/// Private, and internal to the object (func-to-llvm keeps the linkage).
inline void makeInternal(func::FuncOp function) {
  function.setPrivate();
  function->setAttr("llvm.linkage",
                    LLVM::LinkageAttr::get(function.getContext(),
                                           LLVM::Linkage::Internal));
}

/// Kept out of line by LLVM's inliner (func-to-llvm passes it through).
inline void keepOutOfLine(func::FuncOp function) {
  Builder b(function.getContext());
  function->setAttr("passthrough",
                    b.getArrayAttr({b.getStringAttr("noinline")}));
}

} // namespace mlir::logbtq

#endif // LOGBTQ_LIB_DIALECT_LINALG_TRANSFORMS_OUTLINING_H
