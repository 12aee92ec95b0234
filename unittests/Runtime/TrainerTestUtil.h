//===- TrainerTestUtil.h - Data and runs for the trainer tests --*- C++ -*-===//
//
// Small synthetic data sets that a linear model separates, and the trainer
// run in-process on a fake model (FakeModel.h) with its output captured.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_UNITTESTS_RUNTIME_TRAINERTESTUTIL_H
#define LOGBTQ_UNITTESTS_RUNTIME_TRAINERTESTUTIL_H

#include "logbtq/Runtime/IDX.h"
#include "logbtq/Runtime/Options.h"
#include "logbtq/Runtime/TrainerMain.h"

#include "FakeModel.h"
#include "TestUtil.h"

#include "gtest/gtest.h"

#include <sstream>
#include <string>
#include <vector>

namespace logbtq::testing {

/// Images whose class lights two rows of the 28x28 picture, over noise.
inline void writeSeparableSplit(const std::string &images,
                                const std::string &labels, int64_t n,
                                uint32_t seed, bool compress) {
  std::vector<uint8_t> px(size_t(n * 784)), lb(static_cast<size_t>(n));
  uint32_t state = seed;
  auto next = [&] {
    state = state * 1664525u + 1013904223u;
    return state >> 8;
  };
  for (int64_t i = 0; i < n; ++i) {
    int c = int(next() % 10);
    lb[size_t(i)] = uint8_t(c);
    for (int k = 0; k < 784; ++k) {
      int row = k / 28;
      bool lit = row >= 4 + 2 * c && row < 6 + 2 * c;
      px[size_t(i * 784 + k)] = uint8_t(next() % 60 + (lit ? 150 : 0));
    }
  }
  ASSERT_FALSE(runtime::writeIdx(images, {n, 28, 28}, px, compress));
  ASSERT_FALSE(runtime::writeIdx(labels, {n}, lb, compress));
}

/// A data set directory: 800 training samples (gzip), 200 test (plain).
inline void writeSeparableData(const TempDir &dir) {
  writeSeparableSplit(dir.file("train-images-idx3-ubyte.gz"),
                      dir.file("train-labels-idx1-ubyte.gz"), 800, 1, true);
  writeSeparableSplit(dir.file("t10k-images-idx3-ubyte"),
                      dir.file("t10k-labels-idx1-ubyte"), 200, 2, false);
}

struct RunResult {
  int code;
  std::string out;
  std::string err;
};

inline RunResult
run(std::vector<std::string> args,
    const runtime::ModelEntryPoints &entry = fake::entryPoints(),
    bool interactive = false) {
  args.insert(args.begin(), "/path/to/trainer");
  std::ostringstream out, err;
  int code = runtime::runTrainer(args, entry, out, err, interactive);
  return {code, out.str(), err.str()};
}

inline std::vector<std::string> lines(const std::string &text) {
  std::vector<std::string> result;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    result.push_back(line);
  return result;
}

inline bool contains(const std::string &s, const std::string &part) {
  return s.find(part) != std::string::npos;
}

inline runtime::TrainerOptions trainingOptions(int64_t epochs, uint64_t seed) {
  runtime::TrainerOptions o;
  o.epochs = epochs;
  o.lr = 0.1;
  o.seed = seed;
  o.quiet = true;
  return o;
}

} // namespace logbtq::testing

#endif // LOGBTQ_UNITTESTS_RUNTIME_TRAINERTESTUTIL_H
