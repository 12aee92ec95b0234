//===- Dataset.h - Image classification data for the trainer ----*- C++ -*-===//
//
// The train and test splits of an MNIST-format data set (`--data DIR`),
// checked against the model they will train: image size against the model's
// input size, labels against its number of classes. Pixels stay bytes in
// memory and become f32 in [0, 1] (pixel / 255) when a batch is gathered.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_RUNTIME_DATASET_H
#define LOGBTQ_RUNTIME_DATASET_H

#include "logbtq/Runtime/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace logbtq::runtime {

/// One split: `count` images of `imageSize` bytes and their labels.
struct DataSplit {
  std::string imagesPath;
  std::string labelsPath;
  int64_t count = 0;
  int64_t rows = 0;
  int64_t cols = 0;
  std::vector<uint8_t> pixels;
  std::vector<uint8_t> labels;

  int64_t imageSize() const { return rows * cols; }
  /// Keeps the first `n` samples (no-op if n >= count).
  void truncate(int64_t n);
};

struct Dataset {
  DataSplit train;
  DataSplit test;
};

/// The file names `--data DIR` looks for; each may also end in ".gz".
constexpr const char *kTrainImages = "train-images-idx3-ubyte";
constexpr const char *kTrainLabels = "train-labels-idx1-ubyte";
constexpr const char *kTestImages = "t10k-images-idx3-ubyte";
constexpr const char *kTestLabels = "t10k-labels-idx1-ubyte";

/// The path of `name` in `dir`: `name` if it exists, else `name.gz`.
Expected<std::string> findDataFile(const std::string &dir,
                                   const std::string &name);

/// Loads one split and checks it: images are [count, rows, cols], labels
/// [count], rows * cols == `inputSize`, every label < `classes`.
Expected<DataSplit> loadSplit(const std::string &imagesPath,
                              const std::string &labelsPath, int64_t inputSize,
                              int64_t classes);

/// Finds and loads both splits of the data set in `dir`.
Expected<Dataset> loadDataset(const std::string &dir, int64_t inputSize,
                              int64_t classes);

/// Fills `x` (n * imageSize floats, pixel / 255) and `y` (n labels) with the
/// samples `indices[0..n)` of `split`.
void gatherBatch(const DataSplit &split, const int64_t *indices, int64_t n,
                 float *x, int32_t *y);

} // namespace logbtq::runtime

#endif // LOGBTQ_RUNTIME_DATASET_H
