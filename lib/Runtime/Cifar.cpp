//===- Cifar.cpp - CIFAR-10 binary batches --------------------------------===//

#include "logbtq/Runtime/Cifar.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>

namespace logbtq::runtime {
namespace {

std::string join(const std::string &dir, const std::string &name) {
  return dir.empty() || dir.back() == '/' ? dir + name : dir + "/" + name;
}

bool exists(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

} // namespace

bool isCifarDirectory(const std::string &dir) {
  return exists(join(dir, "data_batch_1.bin"));
}

Error readCifarBatch(const std::string &path, DataSplit &split) {
  std::FILE *f = std::fopen(path.c_str(), "rb");
  if (!f)
    return makeError(path, ": cannot open: ", std::strerror(errno));
  std::vector<unsigned char> record(kCifarRecordSize);
  int64_t first = split.count;
  while (true) {
    size_t got = std::fread(record.data(), 1, record.size(), f);
    if (got == 0)
      break;
    int64_t offset = (split.count - first) * kCifarRecordSize;
    if (got != record.size()) {
      std::fclose(f);
      return makeError(path, ": byte ", offset + int64_t(got),
                       ": the file ends inside record ", split.count - first,
                       " (CIFAR-10 records are ", kCifarRecordSize,
                       " bytes: a label and a 3x32x32 image)");
    }
    split.labels.push_back(record[0]);
    split.pixels.insert(split.pixels.end(), record.begin() + 1, record.end());
    ++split.count;
  }
  bool failed = std::ferror(f);
  std::fclose(f);
  if (failed)
    return makeError(path, ": read error");
  if (split.count == first)
    return makeError(path, ": byte 0: empty file (no CIFAR-10 records)");
  return Error::success();
}

Expected<Dataset> loadCifar10(const std::string &dir,
                              const std::vector<int64_t> &input,
                              int64_t classes) {
  Dataset data;
  data.format = "CIFAR-10";
  data.train.shape = data.test.shape = {kCifarChannels, kCifarSide, kCifarSide};
  std::string first = join(dir, "data_batch_1.bin");
  if (Error e = checkSampleShape(first, data.train.shape, input))
    return e;

  // Checks the labels of the records read from `path` since `from`.
  auto checkBatch = [&](DataSplit &split, const std::string &path,
                        int64_t from) -> Error {
    for (int64_t i = from; i < split.count; ++i)
      if (split.labels[size_t(i)] >= classes)
        return makeError(path, ": byte ", (i - from) * kCifarRecordSize,
                         ": label ", split.labels[size_t(i)], " of record ",
                         i - from, " is out of range for a model with ",
                         classes, " classes");
    return Error::success();
  };

  for (int k = 1;; ++k) {
    std::string path = join(dir, "data_batch_" + std::to_string(k) + ".bin");
    if (k > 1 && !exists(path))
      break;
    int64_t from = data.train.count;
    if (Error e = readCifarBatch(path, data.train))
      return e;
    if (Error e = checkBatch(data.train, path, from))
      return e;
    data.train.imagesPath += (k > 1 ? ", " : "") + path;
  }
  data.train.labelsPath = data.train.imagesPath;

  std::string test = join(dir, "test_batch.bin");
  if (!exists(test))
    return makeError("--data ", dir, ": missing test_batch.bin (CIFAR-10: ",
                     "data_batch_1.bin is there)");
  if (Error e = readCifarBatch(test, data.test))
    return e;
  if (Error e = checkBatch(data.test, test, 0))
    return e;
  data.test.imagesPath = data.test.labelsPath = test;
  return std::move(data);
}

} // namespace logbtq::runtime
