//===- Cifar.cpp - Fuzz target: CIFAR-10 binary batches -------------------===//

#include "FuzzInput.h"
#include "logbtq/Runtime/Cifar.h"

using namespace logbtq::runtime;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  logbtq::fuzz::MemoryFile file(data, size);
  if (!file.ok())
    return 0;
  DataSplit split;
  split.shape = {kCifarChannels, kCifarSide, kCifarSide};
  if (readCifarBatch(file.path(), split))
    return 0;
  // A batch that reads gathers like the trainer's.
  std::vector<float> x(size_t(split.sampleSize()));
  int32_t y;
  int64_t last = split.count - 1;
  gatherBatch(split, &last, 1, x.data(), &y);
  return 0;
}
