//===- IDX.h - MNIST-format IDX files ---------------------------*- C++ -*-===//
//
// Reads IDX files of unsigned bytes, the format of MNIST and Fashion-MNIST:
// a big-endian magic number 0x0000 0x08 <rank>, <rank> big-endian uint32
// dimensions, then the bytes in C order. Files may be gzip-compressed or
// plain (zlib's gzread reads both); byte offsets in messages count in the
// uncompressed stream, which for a plain file is the file itself.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_RUNTIME_IDX_H
#define LOGBTQ_RUNTIME_IDX_H

#include "logbtq/Runtime/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace logbtq::runtime {

/// IDX element type code of unsigned bytes (the only one MNIST uses).
constexpr uint8_t kIdxUnsignedByte = 0x08;

/// The contents of an IDX file of unsigned bytes.
struct IdxArray {
  std::vector<int64_t> dims;
  std::vector<uint8_t> data;

  /// Byte offset of the first data byte (after magic and dimensions).
  int64_t dataOffset() const { return 4 + 4 * int64_t(dims.size()); }
};

/// Reads the IDX file at `path` and checks that it holds unsigned bytes of
/// rank `rank` with nonzero dimensions and exactly as many data bytes as the
/// dimensions promise. Errors name the file and the byte offset:
/// "train-labels-idx1-ubyte.gz: byte 0: bad magic number ...".
Expected<IdxArray> readIdx(const std::string &path, unsigned rank);

/// Writes `data` with dimensions `dims` as an IDX file of unsigned bytes,
/// gzip-compressed if `compress` (tests and tools make small data sets).
Error writeIdx(const std::string &path, const std::vector<int64_t> &dims,
               const std::vector<uint8_t> &data, bool compress);

} // namespace logbtq::runtime

#endif // LOGBTQ_RUNTIME_IDX_H
