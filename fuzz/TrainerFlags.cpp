//===- TrainerFlags.cpp - Fuzz target: the trainer's command line ---------===//
//
// The input split at NUL bytes is an argument list for parseOptions; the
// options it accepts are checked as the trainer would (normalization, the
// barrier schedule), without reading data.

#include "logbtq/Runtime/Dataset.h"
#include "logbtq/Runtime/Options.h"

using namespace logbtq::runtime;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::vector<std::string> args;
  std::string current;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      args.push_back(current);
      current.clear();
    } else {
      current.push_back(char(data[i]));
    }
  }
  if (!current.empty())
    args.push_back(current);
  Expected<TrainerOptions> options = parseOptions(args);
  if (!options)
    return 0;
  if (!options->normalize.empty())
    (void)makeNormalization(options->normalize, {3, 32, 32});
  BarrierInfo barrier;
  (void)resolveBarrier(*options, barrier);
  return 0;
}
