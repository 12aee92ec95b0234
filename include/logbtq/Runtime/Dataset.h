//===- Dataset.h - Classification data for the trainer ----------*- C++ -*-===//
//
// The train and test splits the trainer reads, checked against the model
// they will train: the sample shape against the model's input, labels
// against its number of classes. Three sources:
//   --data DIR   MNIST-format IDX files (MNIST, Fashion-MNIST, EMNIST,
//                KMNIST), or CIFAR-10 binary batches (Cifar.h);
//   --train X.npy Y.npy [--test X.npy Y.npy]   NumPy arrays (NpyDataset.h).
// Byte samples stay bytes in memory and become f32 pixel / 255 when a batch
// is gathered; float32 samples are used as they are. An optional
// per-channel normalization, (x - mean[c]) / std[c], follows.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_RUNTIME_DATASET_H
#define LOGBTQ_RUNTIME_DATASET_H

#include "logbtq/Runtime/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace logbtq::runtime {

/// One split: `count` samples of `shape` and their labels.
struct DataSplit {
  /// Where the samples and labels came from (messages and the summary).
  std::string imagesPath;
  std::string labelsPath;
  int64_t count = 0;
  /// The shape of one sample as the file gives it (e.g. 28x28, 3x32x32).
  std::vector<int64_t> shape;
  /// Byte samples (count * sampleSize()), read as pixel / 255; empty when
  /// the samples are floats.
  std::vector<uint8_t> pixels;
  /// Float samples, used as they are; empty when the samples are bytes.
  std::vector<float> values;
  std::vector<int32_t> labels;

  int64_t sampleSize() const;
  /// Keeps the first `n` samples (no-op if n >= count).
  void truncate(int64_t n);
};

/// (x - mean[c]) / std[c] on channel c of every sample, after the
/// conversion to float. Empty: no normalization.
struct Normalization {
  std::vector<float> mean;
  std::vector<float> std;
  bool empty() const { return mean.empty(); }
};

struct Dataset {
  DataSplit train;
  DataSplit test;
  /// The format's name for the summary line ("IDX", "CIFAR-10", "npy").
  std::string format;
  Normalization normalization;
};

/// The file names `--data DIR` looks for; each may also end in ".gz".
constexpr const char *kTrainImages = "train-images-idx3-ubyte";
constexpr const char *kTrainLabels = "train-labels-idx1-ubyte";
constexpr const char *kTestImages = "t10k-images-idx3-ubyte";
constexpr const char *kTestLabels = "t10k-labels-idx1-ubyte";

/// The path of `name` in `dir`: `name` if it exists, else `name.gz`.
Expected<std::string> findDataFile(const std::string &dir,
                                   const std::string &name);

/// Checks that samples of `shape` fit a model input of `input`: the same
/// dimensions once dimensions of size 1 are dropped from both, or the same
/// number of values when either side is flat (an MLP over 28x28 images).
/// `where` starts the message ("x.npy: byte 10").
Error checkSampleShape(const std::string &where,
                       const std::vector<int64_t> &shape,
                       const std::vector<int64_t> &input);

/// Checks every label against `classes`; `offsetOf(i)` is the byte of label
/// i in `labelsPath` for the message.
template <typename OffsetOf>
Error checkLabels(const DataSplit &split, int64_t classes, OffsetOf offsetOf) {
  for (size_t i = 0; i < split.labels.size(); ++i)
    if (split.labels[i] < 0 || split.labels[i] >= classes)
      return makeError(split.labelsPath, ": byte ", offsetOf(int64_t(i)),
                       ": label ", split.labels[i], " of sample ", i,
                       " is out of range for a model with ", classes,
                       " classes");
  return Error::success();
}

/// Loads one IDX split and checks it: images are [count, rows, cols],
/// labels [count], the image shape fits `input`, every label < `classes`.
Expected<DataSplit> loadSplit(const std::string &imagesPath,
                              const std::string &labelsPath,
                              const std::vector<int64_t> &input,
                              int64_t classes);

/// Loads the data set in `dir`: the CIFAR-10 batches if `dir` holds
/// data_batch_1.bin, else the four IDX files.
Expected<Dataset> loadDataset(const std::string &dir,
                              const std::vector<int64_t> &input,
                              int64_t classes);

/// The channels a normalization has for a model input: its first dimension
/// for an image (rank 3, C x H x W), else 1.
int64_t normalizationChannels(const std::vector<int64_t> &input);

/// The normalization --normalize gives: 2 numbers (a mean and a std for
/// every channel) or 2C numbers (C means, then C stds), C =
/// normalizationChannels(input).
Expected<Normalization> makeNormalization(const std::vector<double> &values,
                                          const std::vector<int64_t> &input);

/// Fills `x` (n * sampleSize floats) and `y` (n labels) with the samples
/// `indices[0..n)` of `split`, normalized by `norm` (whose channels split
/// every sample into equal consecutive parts).
void gatherBatch(const DataSplit &split, const int64_t *indices, int64_t n,
                 float *x, int32_t *y, const Normalization &norm = {});

} // namespace logbtq::runtime

#endif // LOGBTQ_RUNTIME_DATASET_H
