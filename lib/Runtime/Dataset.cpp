//===- Dataset.cpp - Classification data for the trainer ------------------===//

#include "logbtq/Runtime/Dataset.h"

#include "logbtq/Runtime/Cifar.h"
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

int64_t product(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::vector<int64_t> withoutUnitDims(const std::vector<int64_t> &shape) {
  std::vector<int64_t> out;
  for (int64_t d : shape)
    if (d != 1)
      out.push_back(d);
  return out;
}

/// "4x4", "3x32x32".
std::string formatDims(const std::vector<int64_t> &shape) {
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "x" : "") + std::to_string(shape[i]);
  return s.empty() ? "scalar" : s;
}

} // namespace

int64_t DataSplit::sampleSize() const { return product(shape); }

void DataSplit::truncate(int64_t n) {
  if (n >= count)
    return;
  count = n;
  if (!pixels.empty())
    pixels.resize(size_t(n * sampleSize()));
  if (!values.empty())
    values.resize(size_t(n * sampleSize()));
  labels.resize(size_t(n));
}

Error checkSampleShape(const std::string &where,
                       const std::vector<int64_t> &shape,
                       const std::vector<int64_t> &input) {
  std::vector<int64_t> a = withoutUnitDims(shape), b = withoutUnitDims(input);
  bool sameSize = product(shape) == product(input);
  if (a == b || (sameSize && (a.size() <= 1 || b.size() <= 1)))
    return Error::success();
  return makeError(where, ": samples are ", formatDims(shape), " (",
                   product(shape), " values) but the model's input is ",
                   formatDims(input), " (", product(input), " values)");
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
                              const std::string &labelsPath,
                              const std::vector<int64_t> &input,
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
  split.shape = {images->dims[1], images->dims[2]};
  if (Error e = checkSampleShape(imagesPath + ": byte 8", split.shape, input))
    return e;
  if (labels->dims[0] != split.count)
    return makeError(labelsPath, ": byte 4: ", labels->dims[0], " labels, but ",
                     imagesPath, " has ", split.count, " images");
  split.labels.assign(labels->data.begin(), labels->data.end());
  int64_t labelsAt = labels->dataOffset();
  if (Error e =
          checkLabels(split, classes, [&](int64_t i) { return labelsAt + i; }))
    return e;
  split.pixels = std::move(images->data);
  return std::move(split);
}

Expected<Dataset> loadDataset(const std::string &dir,
                              const std::vector<int64_t> &input,
                              int64_t classes) {
  if (isCifarDirectory(dir))
    return loadCifar10(dir, input, classes);
  std::string paths[4];
  const char *names[4] = {kTrainImages, kTrainLabels, kTestImages, kTestLabels};
  for (int i = 0; i < 4; ++i) {
    Expected<std::string> path = findDataFile(dir, names[i]);
    if (!path)
      return path.error();
    paths[i] = *path;
  }
  Dataset data;
  data.format = "IDX";
  Expected<DataSplit> train = loadSplit(paths[0], paths[1], input, classes);
  if (!train)
    return train.error();
  data.train = std::move(*train);
  Expected<DataSplit> test = loadSplit(paths[2], paths[3], input, classes);
  if (!test)
    return test.error();
  data.test = std::move(*test);
  if (data.test.shape != data.train.shape)
    return makeError(paths[2], ": byte 8: test images are ",
                     formatDims(data.test.shape), " but training images are ",
                     formatDims(data.train.shape));
  return std::move(data);
}

int64_t normalizationChannels(const std::vector<int64_t> &input) {
  return input.size() == 3 ? input[0] : 1;
}

Expected<Normalization> makeNormalization(const std::vector<double> &values,
                                          const std::vector<int64_t> &input) {
  int64_t channels = normalizationChannels(input);
  int64_t given = int64_t(values.size()) / 2;
  if (given != 1 && given != channels)
    return makeError("--normalize: ", given,
                     " means and standard deviations "
                     "for a model input of ",
                     formatDims(input), " with ", channels, " channel",
                     channels == 1
                         ? " (give 1)"
                         : "s (give 1 or " + std::to_string(channels) + ")");
  Normalization norm;
  for (int64_t c = 0; c < channels; ++c) {
    int64_t k = given == 1 ? 0 : c;
    norm.mean.push_back(float(values[size_t(k)]));
    norm.std.push_back(float(values[size_t(given + k)]));
  }
  return std::move(norm);
}

void gatherBatch(const DataSplit &split, const int64_t *indices, int64_t n,
                 float *x, int32_t *y, const Normalization &norm) {
  const std::array<float, 256> &table = pixelTable();
  int64_t size = split.sampleSize();
  int64_t channels = norm.empty() ? 1 : int64_t(norm.mean.size());
  int64_t plane = size / channels;
  for (int64_t i = 0; i < n; ++i) {
    float *dst = x + i * size;
    if (!split.pixels.empty()) {
      const uint8_t *src = split.pixels.data() + indices[i] * size;
      for (int64_t k = 0; k < size; ++k)
        dst[k] = table[src[k]];
    } else {
      const float *src = split.values.data() + indices[i] * size;
      std::copy(src, src + size, dst);
    }
    if (!norm.empty())
      for (int64_t c = 0; c < channels; ++c) {
        // Subtract, then divide (not multiply by 1/std): what
        // torchvision's Normalize and the exported Sub/Div nodes compute.
        float mean = norm.mean[size_t(c)], std = norm.std[size_t(c)];
        for (float *p = dst + c * plane, *e = p + plane; p != e; ++p)
          *p = (*p - mean) / std;
      }
    y[i] = split.labels[size_t(indices[i])];
  }
}

} // namespace logbtq::runtime
