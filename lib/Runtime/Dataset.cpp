//===- Dataset.cpp - Image classification data for the trainer ------------===//

#include "logbtq/Runtime/Dataset.h"

#include "logbtq/Runtime/IDX.h"

#include <array>
#include <sys/stat.h>

namespace logbtq::runtime {
namespace {

bool isRegularFile(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

/// pixel / 255 for every byte value, rounded once as numpy's
/// `x.astype(np.float32) / 255` does.
const std::array<float, 256> &pixelTable() {
  static const std::array<float, 256> table = [] {
    std::array<float, 256> t{};
    for (int i = 0; i < 256; ++i)
      t[i] = float(i) / 255.0f;
    return t;
  }();
  return table;
}

} // namespace

void DataSplit::truncate(int64_t n) {
  if (n >= count)
    return;
  count = n;
  pixels.resize(size_t(n * imageSize()));
  labels.resize(size_t(n));
}

Expected<std::string> findDataFile(const std::string &dir,
                                   const std::string &name) {
  std::string base =
      dir.empty() || dir.back() == '/' ? dir + name : dir + "/" + name;
  if (isRegularFile(base))
    return base;
  if (isRegularFile(base + ".gz"))
    return base + ".gz";
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return makeError("--data ", dir, ": not a directory");
  return makeError("--data ", dir, ": missing ", name, " (looked for ", base,
                   " and ", base, ".gz)");
}

Expected<DataSplit> loadSplit(const std::string &imagesPath,
                              const std::string &labelsPath, int64_t inputSize,
                              int64_t classes) {
  Expected<IdxArray> images = readIdx(imagesPath, 3);
  if (!images)
    return images.error();
  Expected<IdxArray> labels = readIdx(labelsPath, 1);
  if (!labels)
    return labels.error();

  DataSplit split;
  split.imagesPath = imagesPath;
  split.labelsPath = labelsPath;
  split.count = images->dims[0];
  split.rows = images->dims[1];
  split.cols = images->dims[2];
  if (split.imageSize() != inputSize)
    return makeError(imagesPath, ": byte 8: images are ", split.rows, "x",
                     split.cols, " (", split.imageSize(),
                     " values) but the model's input has ", inputSize,
                     " values");
  if (labels->dims[0] != split.count)
    return makeError(labelsPath, ": byte 4: ", labels->dims[0], " labels, but ",
                     imagesPath, " has ", split.count, " images");
  for (size_t i = 0; i < labels->data.size(); ++i)
    if (labels->data[i] >= classes)
      return makeError(labelsPath, ": byte ", labels->dataOffset() + int64_t(i),
                       ": label ", int(labels->data[i]), " of sample ", i,
                       " is out of range for a model with ", classes,
                       " classes");
  split.pixels = std::move(images->data);
  split.labels = std::move(labels->data);
  return std::move(split);
}

Expected<Dataset> loadDataset(const std::string &dir, int64_t inputSize,
                              int64_t classes) {
  std::string paths[4];
  const char *names[4] = {kTrainImages, kTrainLabels, kTestImages, kTestLabels};
  for (int i = 0; i < 4; ++i) {
    Expected<std::string> path = findDataFile(dir, names[i]);
    if (!path)
      return path.error();
    paths[i] = *path;
  }
  Dataset data;
  Expected<DataSplit> train = loadSplit(paths[0], paths[1], inputSize, classes);
  if (!train)
    return train.error();
  data.train = std::move(*train);
  Expected<DataSplit> test = loadSplit(paths[2], paths[3], inputSize, classes);
  if (!test)
    return test.error();
  data.test = std::move(*test);
  if (data.test.rows != data.train.rows || data.test.cols != data.train.cols)
    return makeError(paths[2], ": byte 8: test images are ", data.test.rows,
                     "x", data.test.cols, " but training images are ",
                     data.train.rows, "x", data.train.cols);
  return std::move(data);
}

void gatherBatch(const DataSplit &split, const int64_t *indices, int64_t n,
                 float *x, int32_t *y) {
  const std::array<float, 256> &table = pixelTable();
  int64_t size = split.imageSize();
  for (int64_t i = 0; i < n; ++i) {
    const uint8_t *src = split.pixels.data() + indices[i] * size;
    float *dst = x + i * size;
    for (int64_t k = 0; k < size; ++k)
      dst[k] = table[src[k]];
    y[i] = split.labels[size_t(indices[i])];
  }
}

} // namespace logbtq::runtime
