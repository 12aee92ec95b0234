//===- Npy.h - NumPy .npy files ---------------------------------*- C++ -*-===//
//
// Reads and writes the .npy format (format versions 1.0, 2.0 and 3.0) for
// the element types the step dump and data sets need: little-endian float32
// ('<f4'), int64 ('<i8') and int32 ('<i4'), and bytes ('|u1'), in C order. Writes are atomic (a
// temporary file renamed over the target).
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_RUNTIME_NPY_H
#define LOGBTQ_RUNTIME_NPY_H

#include "logbtq/Runtime/Error.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace logbtq::runtime {

enum class NpyType { F32, I64, I32, U8 };

/// The numpy type string of `type` ("<f4", "<i8", "<i4", "|u1").
const char *npyDescr(NpyType type);
/// Bytes per element of `type`.
size_t npyItemSize(NpyType type);

/// An array read from or written to a .npy file. A 0-d array (shape ())
/// holds one element.
struct NpyArray {
  NpyType type = NpyType::F32;
  std::vector<int64_t> shape;
  /// Elements in C order, little-endian.
  std::vector<unsigned char> bytes;
  /// Byte offset of the first element in the file (for messages).
  int64_t dataOffset = 0;

  int64_t numElements() const;
  /// Element `i` (the caller checks `type`).
  template <typename T>
  T at(int64_t i) const {
    T v;
    std::memcpy(&v, bytes.data() + i * sizeof(T), sizeof(T));
    return v;
  }
  /// Integer element `i` of an I64, I32 or U8 array.
  int64_t integerAt(int64_t i) const {
    switch (type) {
    case NpyType::I64:
      return at<int64_t>(i);
    case NpyType::I32:
      return at<int32_t>(i);
    case NpyType::U8:
      return bytes[size_t(i)];
    default:
      return 0;
    }
  }
};

/// Reads a .npy file. Errors name the file and byte offset: a bad magic
/// string, an unsupported version or type, a malformed header dictionary,
/// Fortran order, or data shorter or longer than the shape promises.
Expected<NpyArray> readNpy(const std::string &path);

/// Parses the bytes of a .npy file; `name` is used in messages.
Expected<NpyArray> parseNpy(const std::string &name,
                            const std::vector<unsigned char> &file);

/// Writes `n = product(shape)` elements at `data` as a version 1.0 .npy file
/// (header padded to 64 bytes as numpy does).
Error writeNpy(const std::string &path, NpyType type,
               const std::vector<int64_t> &shape, const void *data);

} // namespace logbtq::runtime

#endif // LOGBTQ_RUNTIME_NPY_H
