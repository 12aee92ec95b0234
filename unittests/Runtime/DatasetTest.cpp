//===- DatasetTest.cpp - Finding, checking and batching the data set ------===//

#include "logbtq/Runtime/Dataset.h"
#include "logbtq/Runtime/IDX.h"

#include "TestUtil.h"

#include "gtest/gtest.h"

using namespace logbtq::runtime;
using logbtq::testing::TempDir;

namespace {

/// Writes a split of `n` images of rows x cols (pixel = sample + index) and
/// labels i % 10 under `images` and `labels`.
void writeSplit(const std::string &images, const std::string &labels, int64_t n,
                int64_t rows, int64_t cols, bool compress) {
  std::vector<uint8_t> px(size_t(n * rows * cols)), lb(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    lb[size_t(i)] = uint8_t(i % 10);
    for (int64_t k = 0; k < rows * cols; ++k)
      px[size_t(i * rows * cols + k)] = uint8_t(i + k);
  }
  ASSERT_FALSE(writeIdx(images, {n, rows, cols}, px, compress));
  ASSERT_FALSE(writeIdx(labels, {n}, lb, compress));
}

TEST(Dataset, FindsPlainOrGzipFiles) {
  TempDir dir;
  writeSplit(dir.file("train-images-idx3-ubyte.gz"),
             dir.file("train-labels-idx1-ubyte"), 30, 4, 4, true);
  writeSplit(dir.file("t10k-images-idx3-ubyte"),
             dir.file("t10k-labels-idx1-ubyte.gz"), 7, 4, 4, false);
  Expected<std::string> found = findDataFile(dir.path(), kTrainImages);
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, dir.file("train-images-idx3-ubyte.gz"));

  Expected<Dataset> data = loadDataset(dir.path() + "/", 16, 10);
  ASSERT_TRUE(data) << data.error().message();
  EXPECT_EQ(data->train.count, 30);
  EXPECT_EQ(data->test.count, 7);
  EXPECT_EQ(data->train.rows, 4);
  EXPECT_EQ(data->test.labels[6], 6);
}

TEST(Dataset, MissingFilesAndDirectories) {
  TempDir dir;
  writeSplit(dir.file("train-images-idx3-ubyte"),
             dir.file("train-labels-idx1-ubyte"), 5, 2, 2, false);
  Expected<Dataset> data = loadDataset(dir.path(), 4, 10);
  ASSERT_FALSE(data);
  std::string base = dir.file("t10k-images-idx3-ubyte");
  EXPECT_EQ(data.error().message(), "--data " + dir.path() +
                                        ": missing t10k-images-idx3-ubyte "
                                        "(looked for " +
                                        base + " and " + base + ".gz)");
  Expected<Dataset> none = loadDataset(dir.file("nope"), 4, 10);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message(),
            "--data " + dir.file("nope") + ": not a directory");
}

TEST(Dataset, ChecksAgainstTheModel) {
  TempDir dir;
  std::string images = dir.file("i"), labels = dir.file("l");
  writeSplit(images, labels, 12, 4, 4, false);
  EXPECT_TRUE(loadSplit(images, labels, 16, 10));

  Expected<DataSplit> wrongSize = loadSplit(images, labels, 784, 10);
  ASSERT_FALSE(wrongSize);
  EXPECT_EQ(wrongSize.error().message(),
            images + ": byte 8: images are 4x4 (16 values) but the model's "
                     "input has 784 values");

  // Label 11 (sample 11) with 10 classes... and with 8 classes sample 8.
  Expected<DataSplit> fewClasses = loadSplit(images, labels, 16, 8);
  ASSERT_FALSE(fewClasses);
  EXPECT_EQ(fewClasses.error().message(),
            labels + ": byte 16: label 8 of sample 8 is out of range for a "
                     "model with 8 classes");

  std::string shortLabels = dir.file("l5");
  ASSERT_FALSE(writeIdx(shortLabels, {5}, {0, 1, 2, 3, 4}, false));
  Expected<DataSplit> mismatch = loadSplit(images, shortLabels, 16, 10);
  ASSERT_FALSE(mismatch);
  EXPECT_EQ(mismatch.error().message(), shortLabels +
                                            ": byte 4: 5 labels, but " +
                                            images + " has 12 images");
}

TEST(Dataset, GathersBatchesAsFloatsOverTwoHundredFiftyFive) {
  TempDir dir;
  writeSplit(dir.file("i"), dir.file("l"), 300, 2, 2, false);
  Expected<DataSplit> split = loadSplit(dir.file("i"), dir.file("l"), 4, 10);
  ASSERT_TRUE(split);
  int64_t indices[] = {299, 0, 7};
  float x[12];
  int32_t y[3];
  gatherBatch(*split, indices, 3, x, y);
  EXPECT_EQ(y[0], 9);
  EXPECT_EQ(y[1], 0);
  EXPECT_EQ(y[2], 7);
  // Sample 299's pixel k is (299 + k) mod 256.
  EXPECT_EQ(x[0], float(43) / 255.0f);
  EXPECT_EQ(x[3], float(46) / 255.0f);
  EXPECT_EQ(x[4], 0.0f);
  EXPECT_EQ(x[11], 10.0f / 255.0f);
  for (int p = 0; p < 256; ++p) {
    split->pixels[0] = uint8_t(p);
    int64_t first = 0;
    gatherBatch(*split, &first, 1, x, y);
    // Bit for bit numpy's np.float32(p) / np.float32(255).
    EXPECT_EQ(x[0], float(p) / 255.0f);
    EXPECT_GE(x[0], 0.0f);
    EXPECT_LE(x[0], 1.0f);
  }

  split->truncate(10);
  EXPECT_EQ(split->count, 10);
  EXPECT_EQ(split->pixels.size(), 40u);
  split->truncate(50);
  EXPECT_EQ(split->count, 10);
}

} // namespace
