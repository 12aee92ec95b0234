//===- Idx.cpp - Fuzz target: IDX files, plain or gzip --------------------===//

#include "FuzzInput.h"
#include "logbtq/Runtime/IDX.h"

using namespace logbtq::runtime;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  logbtq::fuzz::MemoryFile file(data, size);
  if (!file.ok())
    return 0;
  // The trainer reads images as rank 3 and labels as rank 1.
  for (unsigned rank : {1u, 3u})
    if (Expected<IdxArray> array = readIdx(file.path(), rank))
      (void)array->data.size();
  return 0;
}
