//===- NpyTest.cpp - Reading and writing .npy files -----------------------===//

#include "logbtq/Runtime/Npy.h"

#include "TestUtil.h"

#include "gtest/gtest.h"

using namespace logbtq::runtime;
using logbtq::testing::readBytes;
using logbtq::testing::TempDir;
using logbtq::testing::writeBytes;

namespace {

std::vector<unsigned char> bytesOf(const std::string &s) {
  return std::vector<unsigned char>(s.begin(), s.end());
}

/// A .npy file with a version `major` header `dict` (padded like numpy) and
/// `data` bytes.
std::vector<unsigned char> npyFile(int major, std::string dict,
                                   const std::vector<unsigned char> &data) {
  size_t lengthBytes = major == 1 ? 2 : 4;
  size_t total = 8 + lengthBytes + dict.size() + 1;
  dict.append((64 - total % 64) % 64, ' ');
  dict += '\n';
  std::vector<unsigned char> b = {
      0x93, 'N', 'U', 'M', 'P', 'Y', (unsigned char)major, 0};
  for (size_t i = 0; i < lengthBytes; ++i)
    b.push_back((unsigned char)(dict.size() >> (8 * i)));
  b.insert(b.end(), dict.begin(), dict.end());
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

std::string errorOf(const std::vector<unsigned char> &file) {
  Expected<NpyArray> a = parseNpy("x.npy", file);
  return a ? "" : a.error().message();
}

TEST(Npy, WritesWhatNumpyWrites) {
  // np.save of np.arange(6, dtype=np.float32).reshape(2, 3), byte for byte.
  TempDir dir;
  float values[6] = {0, 1, 2, 3, 4, 5};
  ASSERT_FALSE(writeNpy(dir.file("a.npy"), NpyType::F32, {2, 3}, values));
  std::vector<unsigned char> expected =
      bytesOf(std::string("\x93NUMPY\x01\x00\x76\x00", 10) +
              "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" +
              std::string(58, ' ') + "\n");
  const unsigned char *raw = reinterpret_cast<const unsigned char *>(values);
  expected.insert(expected.end(), raw, raw + sizeof(values));
  EXPECT_EQ(readBytes(dir.file("a.npy")), expected);
  EXPECT_FALSE(std::filesystem::exists(dir.file("a.npy.tmp")));
}

TEST(Npy, RoundTripsEveryTypeAndRank) {
  TempDir dir;
  float scalar = 2.5f;
  ASSERT_FALSE(writeNpy(dir.file("s.npy"), NpyType::F32, {}, &scalar));
  Expected<NpyArray> s = readNpy(dir.file("s.npy"));
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_TRUE(s->shape.empty());
  EXPECT_EQ(s->numElements(), 1);
  EXPECT_EQ(s->at<float>(0), 2.5f);
  EXPECT_EQ(s->dataOffset, 128); // 10 + header, padded to 64 bytes

  int64_t longs[5] = {0, -1, 9, int64_t(1) << 40, 3};
  ASSERT_FALSE(writeNpy(dir.file("l.npy"), NpyType::I64, {5}, longs));
  Expected<NpyArray> l = readNpy(dir.file("l.npy"));
  ASSERT_TRUE(l) << l.error().message();
  EXPECT_EQ(l->type, NpyType::I64);
  EXPECT_EQ(l->shape, std::vector<int64_t>{5});
  EXPECT_EQ(l->at<int64_t>(3), int64_t(1) << 40);

  std::vector<int32_t> ints(24);
  for (int i = 0; i < 24; ++i)
    ints[i] = i - 12;
  ASSERT_FALSE(
      writeNpy(dir.file("i.npy"), NpyType::I32, {2, 3, 4}, ints.data()));
  Expected<NpyArray> i = readNpy(dir.file("i.npy"));
  ASSERT_TRUE(i) << i.error().message();
  EXPECT_EQ(i->type, NpyType::I32);
  EXPECT_EQ(i->shape, (std::vector<int64_t>{2, 3, 4}));
  EXPECT_EQ(i->at<int32_t>(23), 11);

  float none = 0;
  ASSERT_FALSE(writeNpy(dir.file("e.npy"), NpyType::F32, {0, 4}, &none));
  Expected<NpyArray> e = readNpy(dir.file("e.npy"));
  ASSERT_TRUE(e) << e.error().message();
  EXPECT_EQ(e->numElements(), 0);
}

TEST(Npy, ReadsVersionTwoAndNumpySpellings) {
  std::vector<unsigned char> data(8, 0);
  // Version 2.0 (4-byte header length), double quotes, other key order, no
  // trailing comma, a 1-tuple.
  Expected<NpyArray> a =
      parseNpy("v2.npy", npyFile(2,
                                 "{\"shape\": (2,), \"fortran_order\": False, "
                                 "\"descr\": \"<i4\"}",
                                 data));
  ASSERT_TRUE(a) << a.error().message();
  EXPECT_EQ(a->type, NpyType::I32);
  EXPECT_EQ(a->shape, std::vector<int64_t>{2});
  EXPECT_EQ(a->dataOffset, 128);
  // Fortran order is the same layout when at most one dimension is not 1.
  EXPECT_TRUE(
      parseNpy("f.npy", npyFile(1,
                                "{'descr': '<f4', 'fortran_order': True, "
                                "'shape': (1, 2, 1), }",
                                data)));
}

TEST(Npy, MalformedFilesGiveTheOffset) {
  std::vector<unsigned char> four(4, 0);
  EXPECT_EQ(errorOf(bytesOf("PK\x03\x04 not numpy")),
            "x.npy: byte 0: not a .npy file (no \\x93NUMPY magic)");
  std::vector<unsigned char> v4 = npyFile(1, "{}", {});
  v4[6] = 4;
  EXPECT_EQ(errorOf(v4),
            "x.npy: byte 6: unsupported .npy version 4.0 (expected 1.0, 2.0 "
            "or 3.0)");
  EXPECT_EQ(errorOf(npyFile(1,
                            "{'descr': '>f4', 'fortran_order': False, "
                            "'shape': (1,), }",
                            four)),
            "x.npy: byte 20: npy header: unsupported dtype '>f4' (expected "
            "'<f4', '<i8', '<i4' or '|u1')");
  EXPECT_EQ(errorOf(npyFile(1, "{'descr': '<f4', 'shape': (1,), }", four)),
            "x.npy: byte 43: npy header: the dictionary needs 'descr', "
            "'fortran_order' and 'shape'");
  EXPECT_EQ(errorOf(npyFile(1,
                            "{'descr': '<f4', 'fortran_order': False, "
                            "'shape': (1, x), }",
                            four)),
            "x.npy: byte 64: npy header: 'shape' must be a tuple of "
            "non-negative integers");
  EXPECT_EQ(errorOf(npyFile(1,
                            "{'descr': '<f4', 'fortran_order': True, "
                            "'shape': (2, 2), }",
                            std::vector<unsigned char>(16))),
            "x.npy: byte 44: npy header: Fortran-order arrays are not "
            "supported (save with C order)");
  EXPECT_EQ(errorOf(npyFile(1,
                            "{'descr': '<f4', 'fortran_order': False, "
                            "'shape': (2, 2), 'extra': 1}",
                            four)),
            "x.npy: byte 68: npy header: unexpected key 'extra'");
  EXPECT_EQ(errorOf(npyFile(1,
                            "{'descr': '<i8', 'fortran_order': False, "
                            "'shape': (3,), }",
                            std::vector<unsigned char>(20))),
            "x.npy: byte 128: shape (3,) of <i8 needs 24 data bytes, the file "
            "has 20");
  EXPECT_EQ(errorOf(npyFile(1,
                            "{'descr': '<i4', 'fortran_order': False, "
                            "'shape': (), }",
                            std::vector<unsigned char>(8))),
            "x.npy: byte 128: shape () of <i4 needs 4 data bytes, the file has "
            "8");
  std::vector<unsigned char> cut = npyFile(1, "{}", {});
  cut.resize(40);
  EXPECT_EQ(errorOf(cut), "x.npy: byte 40: file ends inside the 54-byte "
                          "header");
}

TEST(Npy, MissingFile) {
  Expected<NpyArray> a = readNpy("/nonexistent/x.npy");
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().message(),
            "/nonexistent/x.npy: cannot open: No such file or directory");
}

} // namespace
