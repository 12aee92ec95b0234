//===- ResourceBlobs.h - Resource blobs MLIR's parser cannot read -*- C++
//-*-===//
//
// MLIR 22's parser aborts the process, instead of reporting an error, on a
// hex resource blob (`{-# dialect_resources: { ... "0x..." } #-}`) whose
// leading alignment word is 0 or not a power of two: it asks the allocator
// for that alignment. logbtq's tools look for such blobs in the text before
// they parse it, and report them like any other syntax error.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_PIPELINES_RESOURCEBLOBS_H
#define LOGBTQ_PIPELINES_RESOURCEBLOBS_H

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>

namespace llvm {
class MemoryBuffer;
} // namespace llvm

namespace mlir::logbtq {

struct BadResourceBlob {
  size_t offset;      ///< Of the blob's opening quote in the text.
  uint32_t alignment; ///< What its first four bytes say.
};

/// The first hex blob after the text's `{-#` whose alignment word MLIR's
/// parser would abort on, if any.
std::optional<BadResourceBlob> findBadResourceBlob(StringRef text);

/// The message for such a blob, without its location.
std::string describeBadResourceBlob(const BadResourceBlob &blob);

/// Reports such a blob in `buffer` as an error at its line and column
/// (the source manager's usual form, with the line quoted) and fails.
LogicalResult checkResourceBlobs(const llvm::MemoryBuffer &buffer);

/// The same as an MLIR diagnostic at `file:line:col`, for tools that
/// report through a context.
LogicalResult checkResourceBlobs(StringRef text, StringRef file,
                                 MLIRContext *context);

} // namespace mlir::logbtq

#endif // LOGBTQ_PIPELINES_RESOURCEBLOBS_H
