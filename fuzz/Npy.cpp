//===- Npy.cpp - Fuzz target: .npy files ----------------------------------===//
//
// parseNpy on the bytes, and for an array it accepts, what the trainer does
// with one: read its integers as labels.

#include "logbtq/Runtime/Npy.h"

#include <cstddef>
#include <cstdint>

using namespace logbtq::runtime;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::vector<unsigned char> file(data, data + size);
  Expected<NpyArray> array = parseNpy("fuzz.npy", file);
  if (!array)
    return 0;
  int64_t n = array->numElements();
  uint64_t sum = 0; // wraps: only reading every element matters
  if (array->type != NpyType::F32)
    for (int64_t i = 0; i < n; ++i)
      sum += uint64_t(array->integerAt(i));
  return sum == 42 ? 0 : 0;
}
