//===- StridedCopiesToLinalg.cpp - Strided copies as vector loops ---------===//
//
// See the pass description in Passes.td: a memref.copy that is not one
// contiguous block would become the runtime's element-by-element
// memrefCopy; as linalg.copy it becomes loops LLVM vectorizes.
//
//===----------------------------------------------------------------------===//

#include "logbtq/Dialect/Linalg/Transforms/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::logbtq {
#define GEN_PASS_DEF_LOGBTQSTRIDEDCOPIESTOLINALG
#include "logbtq/Dialect/Linalg/Transforms/Passes.h.inc"
} // namespace mlir::logbtq

using namespace mlir;

namespace {

/// Whether the memref lowering copies `type` as one block (a memcpy).
bool isContiguous(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  return memref && (memref.getLayout().isIdentity() ||
                    memref::isStaticShapeAndContiguousRowMajor(memref));
}

struct StridedCopiesToLinalgPass
    : logbtq::impl::LogBTQStridedCopiesToLinalgBase<
          StridedCopiesToLinalgPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation()->walk([&](memref::CopyOp copy) {
      if (!isContiguous(copy.getSource().getType()) ||
          !isContiguous(copy.getTarget().getType()))
        copies.push_back(copy);
    });
    IRRewriter rewriter(&getContext());
    for (memref::CopyOp copy : copies) {
      rewriter.setInsertionPoint(copy);
      rewriter.replaceOpWithNewOp<linalg::CopyOp>(
          copy, ValueRange{copy.getSource()}, ValueRange{copy.getTarget()});
    }
  }
};

} // namespace
