//===- DatasetTest.cpp - Finding, checking and batching the data set ------===//

#include "logbtq/Runtime/Dataset.h"
#include "logbtq/Runtime/Cifar.h"
#include "logbtq/Runtime/IDX.h"
#include "logbtq/Runtime/Npy.h"
#include "logbtq/Runtime/NpyDataset.h"

#include <cstdio>

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

  Expected<Dataset> data = loadDataset(dir.path() + "/", {16}, 10);
  ASSERT_TRUE(data) << data.error().message();
  EXPECT_EQ(data->train.count, 30);
  EXPECT_EQ(data->test.count, 7);
  EXPECT_EQ(data->train.shape, (std::vector<int64_t>{4, 4}));
  EXPECT_EQ(data->format, "IDX");
  EXPECT_EQ(data->test.labels[6], 6);
}

TEST(Dataset, MissingFilesAndDirectories) {
  TempDir dir;
  writeSplit(dir.file("train-images-idx3-ubyte"),
             dir.file("train-labels-idx1-ubyte"), 5, 2, 2, false);
  Expected<Dataset> data = loadDataset(dir.path(), {4}, 10);
  ASSERT_FALSE(data);
  std::string base = dir.file("t10k-images-idx3-ubyte");
  EXPECT_EQ(data.error().message(), "--data " + dir.path() +
                                        ": missing t10k-images-idx3-ubyte "
                                        "(looked for " +
                                        base + " and " + base + ".gz)");
  Expected<Dataset> none = loadDataset(dir.file("nope"), {4}, 10);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message(),
            "--data " + dir.file("nope") + ": not a directory");
}

TEST(Dataset, ChecksAgainstTheModel) {
  TempDir dir;
  std::string images = dir.file("i"), labels = dir.file("l");
  writeSplit(images, labels, 12, 4, 4, false);
  EXPECT_TRUE(loadSplit(images, labels, {16}, 10));

  Expected<DataSplit> wrongSize = loadSplit(images, labels, {784}, 10);
  ASSERT_FALSE(wrongSize);
  EXPECT_EQ(wrongSize.error().message(),
            images + ": byte 8: samples are 4x4 (16 values) but the model's "
                     "input is 784 (784 values)");
  // Unit dimensions and flat inputs fit; other shapes do not.
  EXPECT_TRUE(loadSplit(images, labels, {1, 4, 4}, 10));
  EXPECT_TRUE(loadSplit(images, labels, {4, 1, 4}, 10));
  Expected<DataSplit> transposed = loadSplit(images, labels, {2, 8}, 10);
  ASSERT_FALSE(transposed);
  EXPECT_EQ(transposed.error().message(),
            images + ": byte 8: samples are 4x4 (16 values) but the model's "
                     "input is 2x8 (16 values)");

  // Label 11 (sample 11) with 10 classes... and with 8 classes sample 8.
  Expected<DataSplit> fewClasses = loadSplit(images, labels, {16}, 8);
  ASSERT_FALSE(fewClasses);
  EXPECT_EQ(fewClasses.error().message(),
            labels + ": byte 16: label 8 of sample 8 is out of range for a "
                     "model with 8 classes");

  std::string shortLabels = dir.file("l5");
  ASSERT_FALSE(writeIdx(shortLabels, {5}, {0, 1, 2, 3, 4}, false));
  Expected<DataSplit> mismatch = loadSplit(images, shortLabels, {16}, 10);
  ASSERT_FALSE(mismatch);
  EXPECT_EQ(mismatch.error().message(), shortLabels +
                                            ": byte 4: 5 labels, but " +
                                            images + " has 12 images");
}

TEST(Dataset, GathersBatchesAsFloatsOverTwoHundredFiftyFive) {
  TempDir dir;
  writeSplit(dir.file("i"), dir.file("l"), 300, 2, 2, false);
  Expected<DataSplit> split = loadSplit(dir.file("i"), dir.file("l"), {4}, 10);
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

  // Normalization per channel: two channels of two values each.
  Expected<Normalization> norm =
      makeNormalization({0.5, 0.25, 2, 4}, {2, 1, 2});
  ASSERT_TRUE(norm) << norm.error().message();
  split->pixels[0] = 0;
  split->pixels[1] = 255;
  split->pixels[2] = 255;
  split->pixels[3] = 0;
  int64_t first = 0;
  gatherBatch(*split, &first, 1, x, y, *norm);
  EXPECT_EQ(x[0], (0.0f - 0.5f) / 2.0f);
  EXPECT_EQ(x[1], (1.0f - 0.5f) / 2.0f);
  EXPECT_EQ(x[2], (1.0f - 0.25f) / 4.0f);
  EXPECT_EQ(x[3], (0.0f - 0.25f) / 4.0f);

  split->truncate(10);
  EXPECT_EQ(split->count, 10);
  EXPECT_EQ(split->pixels.size(), 40u);
  split->truncate(50);
  EXPECT_EQ(split->count, 10);
}

TEST(Dataset, NormalizationChannels) {
  Expected<Normalization> one = makeNormalization({0.5, 0.25}, {3, 32, 32});
  ASSERT_TRUE(one);
  EXPECT_EQ(one->mean, (std::vector<float>{0.5f, 0.5f, 0.5f}));
  EXPECT_EQ(one->std, (std::vector<float>{0.25f, 0.25f, 0.25f}));
  Expected<Normalization> flat = makeNormalization({0.1, 0.3}, {784});
  ASSERT_TRUE(flat);
  EXPECT_EQ(flat->mean.size(), 1u);
  Expected<Normalization> two = makeNormalization({1, 2, 3, 4}, {3, 32, 32});
  ASSERT_FALSE(two);
  EXPECT_EQ(two.error().message(),
            "--normalize: 2 means and standard deviations for a model input "
            "of 3x32x32 with 3 channels (give 1 or 3)");
}

TEST(Dataset, CifarBatches) {
  TempDir dir;
  // Two training files of 3 and 2 records, a test file of 1; label = record
  // number, pixel k of record r = r + k.
  auto write = [&](const std::string &name, int records, int first) {
    std::vector<unsigned char> bytes;
    for (int r = 0; r < records; ++r) {
      bytes.push_back(uint8_t(first + r));
      for (int k = 0; k < kCifarRecordSize - 1; ++k)
        bytes.push_back(uint8_t(first + r + k));
    }
    std::FILE *f = std::fopen(dir.file(name).c_str(), "wb");
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
  };
  write("data_batch_1.bin", 3, 0);
  write("data_batch_2.bin", 2, 3);
  write("data_batch_4.bin", 2, 0); // not after 2: not read
  write("test_batch.bin", 1, 7);
  EXPECT_TRUE(isCifarDirectory(dir.path()));
  Expected<Dataset> data = loadDataset(dir.path(), {3, 32, 32}, 10);
  ASSERT_TRUE(data) << data.error().message();
  EXPECT_EQ(data->format, "CIFAR-10");
  EXPECT_EQ(data->train.count, 5);
  EXPECT_EQ(data->test.count, 1);
  EXPECT_EQ(data->train.labels[4], 4);
  EXPECT_EQ(data->test.labels[0], 7);
  std::vector<float> x(3 * 32 * 32);
  int32_t y;
  int64_t index = 4;
  gatherBatch(data->train, &index, 1, x.data(), &y);
  // Record 4 of the training split, blue plane (channel 2) starts at 2048.
  EXPECT_EQ(x[2048], float((4 + 2048) % 256) / 255.0f);

  Expected<Dataset> mlp = loadDataset(dir.path(), {784}, 10);
  ASSERT_FALSE(mlp);
  EXPECT_EQ(mlp.error().message(),
            dir.file("data_batch_1.bin") +
                ": samples are 3x32x32 (3072 values) but the model's input "
                "is 784 (784 values)");
  Expected<Dataset> fewClasses = loadDataset(dir.path(), {3, 32, 32}, 4);
  ASSERT_FALSE(fewClasses);
  EXPECT_EQ(fewClasses.error().message(),
            dir.file("data_batch_2.bin") + ": byte 3073: label 4 of record 1 "
                                           "is out of range for a model "
                                           "with 4 classes");
  // A file cut inside a record.
  std::FILE *f = std::fopen(dir.file("test_batch.bin").c_str(), "ab");
  std::fputc(9, f);
  std::fclose(f);
  Expected<Dataset> cut = loadDataset(dir.path(), {3, 32, 32}, 10);
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.error().message(),
            dir.file("test_batch.bin") +
                ": byte 3074: the file ends inside record 1 (CIFAR-10 records "
                "are 3073 bytes: a label and a 3x32x32 image)");
}

TEST(Dataset, NpyArrays) {
  TempDir dir;
  // Float samples [4, 2, 3] and int64 labels.
  std::vector<float> xs(24);
  for (size_t i = 0; i < xs.size(); ++i)
    xs[i] = float(i) * 0.5f;
  std::vector<int64_t> ys = {0, 3, 1, 2};
  ASSERT_FALSE(writeNpy(dir.file("x.npy"), NpyType::F32, {4, 2, 3}, xs.data()));
  ASSERT_FALSE(writeNpy(dir.file("y.npy"), NpyType::I64, {4}, ys.data()));
  std::vector<uint8_t> px(12, 51);
  std::vector<int32_t> py = {1, 2};
  ASSERT_FALSE(writeNpy(dir.file("tx.npy"), NpyType::U8, {2, 6}, px.data()));
  ASSERT_FALSE(writeNpy(dir.file("ty.npy"), NpyType::I32, {2}, py.data()));

  Expected<Dataset> data =
      loadNpyDataset(dir.file("x.npy"), dir.file("y.npy"), "", "", {6}, 4);
  ASSERT_TRUE(data) << data.error().message();
  EXPECT_EQ(data->train.count, 4);
  EXPECT_EQ(data->test.count, 0);
  float x[6];
  int32_t y;
  int64_t index = 2;
  gatherBatch(data->train, &index, 1, x, &y);
  EXPECT_EQ(y, 1);
  EXPECT_EQ(x[0], 6.0f); // floats are taken as they are
  EXPECT_EQ(x[5], 8.5f);

  Expected<DataSplit> bytes =
      loadNpySplit(dir.file("tx.npy"), dir.file("ty.npy"), {1, 2, 3}, 4);
  ASSERT_TRUE(bytes) << bytes.error().message();
  index = 1;
  gatherBatch(*bytes, &index, 1, x, &y);
  EXPECT_EQ(x[0], 51.0f / 255.0f);
  EXPECT_EQ(y, 2);

  // Float and byte splits do not mix.
  Expected<Dataset> mixed =
      loadNpyDataset(dir.file("x.npy"), dir.file("y.npy"), dir.file("tx.npy"),
                     dir.file("ty.npy"), {6}, 4);
  ASSERT_FALSE(mixed);
  EXPECT_EQ(mixed.error().message(),
            dir.file("tx.npy") + ": test samples are uint8 6 but training "
                                 "samples are float32 2,3");
  Expected<DataSplit> shape =
      loadNpySplit(dir.file("x.npy"), dir.file("y.npy"), {3, 2}, 4);
  ASSERT_FALSE(shape);
  EXPECT_EQ(shape.error().message(), dir.file("x.npy") +
                                         ": samples are 2x3 (6 values) but the "
                                         "model's input is 3x2 (6 values)");
  Expected<DataSplit> classes =
      loadNpySplit(dir.file("x.npy"), dir.file("y.npy"), {6}, 3);
  ASSERT_FALSE(classes);
  EXPECT_EQ(classes.error().message(),
            dir.file("y.npy") + ": byte 136: label 3 of sample 1 is out of "
                                "range for a model with 3 classes");
  Expected<DataSplit> swapped =
      loadNpySplit(dir.file("x.npy"), dir.file("tx.npy"), {6}, 4);
  ASSERT_FALSE(swapped);
  EXPECT_EQ(swapped.error().message(),
            dir.file("tx.npy") +
                ": shape (2,6): expected one label per "
                "sample of " +
                dir.file("x.npy") + " (4)");
  Expected<DataSplit> floatLabels =
      loadNpySplit(dir.file("x.npy"), dir.file("x.npy"), {6}, 4);
  ASSERT_FALSE(floatLabels);
  EXPECT_EQ(floatLabels.error().message(),
            dir.file("x.npy") + ": dtype <f4: labels are class numbers "
                                "(uint8, int32 or int64); float targets are "
                                "not supported");
}

} // namespace
