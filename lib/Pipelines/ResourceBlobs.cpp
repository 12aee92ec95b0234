//===- ResourceBlobs.cpp - Resource blobs MLIR's parser cannot read -------===//

#include "logbtq/Pipelines/ResourceBlobs.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
using namespace mlir::logbtq;

std::optional<BadResourceBlob>
mlir::logbtq::findBadResourceBlob(StringRef text) {
  // Resources live in the file's metadata section, after its `{-#`.
  size_t at = text.find("{-#");
  while (at != StringRef::npos &&
         (at = text.find("\"0x", at)) != StringRef::npos) {
    size_t quote = at;
    at += 3;
    // The alignment is the blob's first four bytes, little-endian. A blob
    // with fewer is the parser's to report.
    StringRef word = text.substr(at, 8);
    if (word.size() < 8 || !llvm::all_of(word, llvm::isHexDigit))
      continue;
    uint32_t alignment = 0;
    for (int byte = 0; byte < 4; ++byte)
      alignment |=
          uint32_t(llvm::hexFromNibbles(word[2 * byte], word[2 * byte + 1]))
          << (8 * byte);
    if (!llvm::isPowerOf2_32(alignment))
      return BadResourceBlob{quote, alignment};
  }
  return std::nullopt;
}

std::string mlir::logbtq::describeBadResourceBlob(const BadResourceBlob &blob) {
  return "resource blob with alignment " + std::to_string(blob.alignment) +
         ": the first four bytes of a hex blob give its alignment, which must "
         "be a power of two";
}

LogicalResult
mlir::logbtq::checkResourceBlobs(const llvm::MemoryBuffer &buffer) {
  std::optional<BadResourceBlob> bad = findBadResourceBlob(buffer.getBuffer());
  if (!bad)
    return success();
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBuffer(buffer.getMemBufferRef(),
                                       /*RequiresNullTerminator=*/false),
      llvm::SMLoc());
  sourceMgr.PrintMessage(
      llvm::SMLoc::getFromPointer(buffer.getBufferStart() + bad->offset),
      llvm::SourceMgr::DK_Error, describeBadResourceBlob(*bad));
  return failure();
}

LogicalResult mlir::logbtq::checkResourceBlobs(StringRef text, StringRef file,
                                               MLIRContext *context) {
  std::optional<BadResourceBlob> bad = findBadResourceBlob(text);
  if (!bad)
    return success();
  StringRef before = text.take_front(bad->offset);
  unsigned line = before.count('\n') + 1;
  size_t lineStart = before.rfind('\n');
  unsigned column =
      bad->offset - (lineStart == StringRef::npos ? 0 : lineStart + 1) + 1;
  return emitError(FileLineColLoc::get(context, file, line, column))
         << describeBadResourceBlob(*bad);
}
