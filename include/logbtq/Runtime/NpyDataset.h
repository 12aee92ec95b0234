//===- NpyDataset.h - A data set from NumPy arrays --------------*- C++ -*-===//
//
// `--train X.npy Y.npy [--test X.npy Y.npy]`: X holds the samples, shape
// [N, sample...], uint8 (pixels, read as / 255) or float32 (used as they
// are); Y the N class labels, uint8, int32 or int64. Any sample shape that
// fits the model's input (checkSampleShape) is taken.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_RUNTIME_NPYDATASET_H
#define LOGBTQ_RUNTIME_NPYDATASET_H

#include "logbtq/Runtime/Dataset.h"

namespace logbtq::runtime {

/// Loads and checks one split.
Expected<DataSplit> loadNpySplit(const std::string &samplesPath,
                                 const std::string &labelsPath,
                                 const std::vector<int64_t> &input,
                                 int64_t classes);

/// Both splits; without test paths the test split is empty (no
/// evaluation). The two splits must have the same sample shape and type.
Expected<Dataset> loadNpyDataset(const std::string &trainSamples,
                                 const std::string &trainLabels,
                                 const std::string &testSamples,
                                 const std::string &testLabels,
                                 const std::vector<int64_t> &input,
                                 int64_t classes);

} // namespace logbtq::runtime

#endif // LOGBTQ_RUNTIME_NPYDATASET_H
