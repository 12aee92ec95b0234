//===- MemRefCopy.cpp - The strided copy that lowered models call ---------===//
//
// Bufferized padding and slicing lower to `memref.copy` between strided
// buffers, which MLIR's LLVM lowering turns into a call to `memrefCopy`
// (normally found in libmlir_c_runner_utils). Providing it here keeps
// trainers free of any LLVM/MLIR shared library.
//
//===----------------------------------------------------------------------===//

#include <cstdint>
#include <cstring>
#include <vector>

namespace {

/// `{rank, descriptor}`, as MLIR passes unranked memrefs.
struct UnrankedMemRef {
  int64_t rank;
  void *descriptor;
};

/// The parts of a ranked descriptor: allocated, aligned, offset, sizes[rank],
/// strides[rank].
struct DescriptorView {
  char *aligned;
  int64_t offset;
  const int64_t *sizes;
  const int64_t *strides;

  explicit DescriptorView(void *descriptor) {
    auto *words = static_cast<int64_t *>(descriptor);
    aligned = reinterpret_cast<char *>(words[1]);
    offset = words[2];
    sizes = words + 3;
    strides = nullptr; // set by the caller, who knows the rank
  }
};

} // namespace

extern "C" void memrefCopy(int64_t elemSize, UnrankedMemRef *src,
                           UnrankedMemRef *dst) {
  int64_t rank = src->rank;
  DescriptorView s(src->descriptor), d(dst->descriptor);
  s.strides = s.sizes + rank;
  d.strides = d.sizes + rank;
  char *from = s.aligned + s.offset * elemSize;
  char *to = d.aligned + d.offset * elemSize;
  if (rank == 0) {
    std::memcpy(to, from, elemSize);
    return;
  }
  for (int64_t i = 0; i < rank; ++i)
    if (s.sizes[i] == 0)
      return;
  // Walk every index in row-major order, odometer style.
  std::vector<int64_t> index(rank, 0);
  int64_t fromOff = 0, toOff = 0;
  while (true) {
    std::memcpy(to + toOff * elemSize, from + fromOff * elemSize, elemSize);
    int64_t axis = rank - 1;
    for (; axis >= 0; --axis) {
      ++index[axis];
      fromOff += s.strides[axis];
      toOff += d.strides[axis];
      if (index[axis] < s.sizes[axis])
        break;
      fromOff -= s.strides[axis] * index[axis];
      toOff -= d.strides[axis] * index[axis];
      index[axis] = 0;
    }
    if (axis < 0)
      return;
  }
}
