//===- NpyDataset.cpp - A data set from NumPy arrays ----------------------===//

#include "logbtq/Runtime/NpyDataset.h"

#include "logbtq/Runtime/ModelInfo.h"
#include "logbtq/Runtime/Npy.h"

#include <cstring>

namespace logbtq::runtime {

Expected<DataSplit> loadNpySplit(const std::string &samplesPath,
                                 const std::string &labelsPath,
                                 const std::vector<int64_t> &input,
                                 int64_t classes) {
  Expected<NpyArray> x = readNpy(samplesPath);
  if (!x)
    return x.error();
  if (x->type != NpyType::U8 && x->type != NpyType::F32)
    return makeError(samplesPath, ": dtype ", npyDescr(x->type),
                     ", expected uint8 ('|u1') pixels or float32 ('<f4') "
                     "values");
  if (x->shape.empty())
    return makeError(samplesPath, ": a 0-d array; expected [samples, ...]");
  Expected<NpyArray> y = readNpy(labelsPath);
  if (!y)
    return y.error();
  if (y->type == NpyType::F32)
    return makeError(labelsPath, ": dtype <f4: labels are class numbers "
                                 "(uint8, int32 or int64); float targets are "
                                 "not supported");
  if (y->shape.size() != 1 || y->shape[0] != x->shape[0])
    return makeError(labelsPath, ": shape (", formatShape(y->shape),
                     "): expected one label per sample of ", samplesPath, " (",
                     x->shape[0], ")");

  DataSplit split;
  split.imagesPath = samplesPath;
  split.labelsPath = labelsPath;
  split.count = x->shape[0];
  split.shape.assign(x->shape.begin() + 1, x->shape.end());
  if (Error e = checkSampleShape(samplesPath, split.shape, input))
    return e;
  split.labels.resize(size_t(split.count));
  for (int64_t i = 0; i < split.count; ++i) {
    int64_t label = y->integerAt(i);
    if (label < 0 || label >= classes)
      return makeError(labelsPath, ": byte ",
                       y->dataOffset + i * int64_t(npyItemSize(y->type)),
                       ": label ", label, " of sample ", i,
                       " is out of range for a model with ", classes,
                       " classes");
    split.labels[size_t(i)] = int32_t(label);
  }
  if (x->type == NpyType::U8) {
    split.pixels = std::move(x->bytes);
  } else {
    split.values.resize(size_t(x->numElements()));
    if (!x->bytes.empty()) // no samples: no pointers to copy between
      std::memcpy(split.values.data(), x->bytes.data(), x->bytes.size());
  }
  return std::move(split);
}

Expected<Dataset>
loadNpyDataset(const std::string &trainSamples, const std::string &trainLabels,
               const std::string &testSamples, const std::string &testLabels,
               const std::vector<int64_t> &input, int64_t classes) {
  Dataset data;
  data.format = "npy";
  Expected<DataSplit> train =
      loadNpySplit(trainSamples, trainLabels, input, classes);
  if (!train)
    return train.error();
  data.train = std::move(*train);
  if (testSamples.empty()) {
    data.test.shape = data.train.shape;
    return std::move(data);
  }
  Expected<DataSplit> test =
      loadNpySplit(testSamples, testLabels, input, classes);
  if (!test)
    return test.error();
  data.test = std::move(*test);
  if (data.test.shape != data.train.shape ||
      data.test.pixels.empty() != data.train.pixels.empty())
    return makeError(testSamples, ": test samples are ",
                     data.test.pixels.empty() ? "float32 " : "uint8 ",
                     formatShape(data.test.shape), " but training samples are ",
                     data.train.pixels.empty() ? "float32 " : "uint8 ",
                     formatShape(data.train.shape));
  return std::move(data);
}

} // namespace logbtq::runtime
