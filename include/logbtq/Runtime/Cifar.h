//===- Cifar.h - CIFAR-10 binary batches ------------------------*- C++ -*-===//
//
// The CIFAR-10 "binary version": files of 3,073-byte records, a label byte
// (0-9) then a 32x32 colour image as 1,024 red, 1,024 green and 1,024 blue
// bytes, rows top to bottom (C x H x W, what a convolution takes). The
// training split is data_batch_1.bin, data_batch_2.bin, ... (as many as
// follow each other, five in the real set), the test split test_batch.bin.
// Files may hold any whole number of records, so tests write small ones.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_RUNTIME_CIFAR_H
#define LOGBTQ_RUNTIME_CIFAR_H

#include "logbtq/Runtime/Dataset.h"

namespace logbtq::runtime {

constexpr int64_t kCifarChannels = 3;
constexpr int64_t kCifarSide = 32;
/// One record: the label byte and the image.
constexpr int64_t kCifarRecordSize =
    1 + kCifarChannels * kCifarSide * kCifarSide;

/// True if `dir` holds data_batch_1.bin.
bool isCifarDirectory(const std::string &dir);

/// Reads the records of one batch file into `split` (appending).
Error readCifarBatch(const std::string &path, DataSplit &split);

/// The training and test splits of the CIFAR-10 batches in `dir`, checked
/// against the model's input (3x32x32) and its classes.
Expected<Dataset> loadCifar10(const std::string &dir,
                              const std::vector<int64_t> &input,
                              int64_t classes);

} // namespace logbtq::runtime

#endif // LOGBTQ_RUNTIME_CIFAR_H
