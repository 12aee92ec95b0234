//===- IDXTest.cpp - Reading MNIST-format IDX files -----------------------===//

#include "logbtq/Runtime/IDX.h"

#include "TestUtil.h"

#include "gtest/gtest.h"

#include <zlib.h>

using namespace logbtq::runtime;
using logbtq::testing::readBytes;
using logbtq::testing::TempDir;
using logbtq::testing::writeBytes;

namespace {

/// The bytes of an IDX file: magic, big-endian dims, data.
std::vector<unsigned char> idxBytes(uint32_t magic, std::vector<uint32_t> dims,
                                    std::vector<unsigned char> data) {
  std::vector<unsigned char> b;
  auto put = [&](uint32_t v) {
    for (int s = 24; s >= 0; s -= 8)
      b.push_back((unsigned char)(v >> s));
  };
  put(magic);
  for (uint32_t d : dims)
    put(d);
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

std::vector<unsigned char> gzipBytes(const std::vector<unsigned char> &raw) {
  uLongf size = compressBound(uLong(raw.size())) + 64;
  std::vector<unsigned char> out(size);
  z_stream s{};
  deflateInit2(&s, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY); // gzip
  s.next_in = const_cast<unsigned char *>(raw.data());
  s.avail_in = uInt(raw.size());
  s.next_out = out.data();
  s.avail_out = uInt(out.size());
  deflate(&s, Z_FINISH);
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

std::vector<unsigned char> pixels(size_t n) {
  std::vector<unsigned char> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = (unsigned char)(i * 37 + 11);
  return v;
}

std::string errorOf(const std::string &path, unsigned rank) {
  Expected<IdxArray> a = readIdx(path, rank);
  return a ? "" : a.error().message();
}

TEST(IDX, ReadsPlainAndGzipFiles) {
  TempDir dir;
  std::vector<unsigned char> raw = idxBytes(0x803, {3, 2, 5}, pixels(30));
  writeBytes(dir.file("plain"), raw);
  writeBytes(dir.file("packed.gz"), gzipBytes(raw));
  for (const char *name : {"plain", "packed.gz"}) {
    Expected<IdxArray> a = readIdx(dir.file(name), 3);
    ASSERT_TRUE(a) << a.error().message();
    EXPECT_EQ(a->dims, (std::vector<int64_t>{3, 2, 5}));
    EXPECT_EQ(a->data, pixels(30));
    EXPECT_EQ(a->dataOffset(), 16);
  }
}

TEST(IDX, WriteIdxRoundTrips) {
  TempDir dir;
  std::vector<uint8_t> labels = {1, 0, 9, 3};
  for (bool compress : {false, true}) {
    std::string path = dir.file(compress ? "l.gz" : "l");
    ASSERT_FALSE(writeIdx(path, {4}, labels, compress));
    Expected<IdxArray> a = readIdx(path, 1);
    ASSERT_TRUE(a) << a.error().message();
    EXPECT_EQ(a->data, labels);
    // Plain files are byte for byte the format; compressed ones are gzip.
    std::vector<unsigned char> bytes = readBytes(path);
    if (compress)
      EXPECT_EQ(bytes[0], 0x1f);
    else
      EXPECT_EQ(bytes, idxBytes(0x801, {4}, labels));
  }
}

TEST(IDX, BadMagicNumbersNameTheReason) {
  TempDir dir;
  std::string p = dir.file("f");
  writeBytes(p, idxBytes(0x12345678, {1}, {0}));
  EXPECT_EQ(errorOf(p, 1), p + ": byte 0: bad magic number 0x12345678 (not "
                               "an IDX file; expected 0x00000801)");
  writeBytes(p, idxBytes(0x0d01, {1}, {0, 0, 0, 0}));
  EXPECT_EQ(errorOf(p, 1), p + ": byte 0: bad magic number 0x00000d01 "
                               "(elements are not unsigned bytes; expected "
                               "0x00000801)");
  writeBytes(p, idxBytes(0x803, {1, 1, 1}, {0}));
  EXPECT_EQ(errorOf(p, 1), p + ": byte 0: bad magic number 0x00000803 (rank "
                               "3 instead of 1; expected 0x00000801)");
}

TEST(IDX, TruncationsGiveTheOffset) {
  TempDir dir;
  std::string p = dir.file("f");
  writeBytes(p, {0, 0});
  EXPECT_EQ(errorOf(p, 1), p + ": byte 2: file ends inside the magic number "
                               "(expected 0x00000801)");
  std::vector<unsigned char> header = idxBytes(0x803, {2, 3, 4}, {});
  header.resize(10);
  writeBytes(p, header);
  EXPECT_EQ(errorOf(p, 3), p + ": byte 10: file ends inside dimension 1 of 3 "
                               "(the header is 16 bytes)");
  writeBytes(p, idxBytes(0x803, {2, 3, 4}, pixels(20)));
  EXPECT_EQ(errorOf(p, 3), p + ": byte 36: file ends early: the dimensions "
                               "promise 24 data bytes after the 16-byte "
                               "header (40 bytes in all)");
  writeBytes(p, idxBytes(0x801, {3}, {1, 2, 3, 4, 5}));
  EXPECT_EQ(errorOf(p, 1), p + ": byte 11: unexpected data after the 3 bytes "
                               "the dimensions promise");
  writeBytes(p, idxBytes(0x803, {2, 0, 4}, {}));
  EXPECT_EQ(errorOf(p, 3), p + ": byte 8: dimension 1 is 0");
  writeBytes(p, idxBytes(0x803, {0xffffffff, 0xffffffff, 1}, {}));
  EXPECT_EQ(errorOf(p, 3), p + ": byte 8: the dimensions promise more than 4 "
                               "GiB of data");
}

TEST(IDX, CorruptGzipIsAnError) {
  TempDir dir;
  std::vector<unsigned char> gz =
      gzipBytes(idxBytes(0x803, {50, 28, 28}, pixels(50 * 784)));

  // Cut inside the compressed stream.
  std::string cut = dir.file("cut.gz");
  writeBytes(
      cut, std::vector<unsigned char>(gz.begin(), gz.begin() + gz.size() / 2));
  std::string error = errorOf(cut, 3);
  EXPECT_EQ(error.rfind(cut + ": byte ", 0), 0u) << error;
  EXPECT_NE(error.find("truncated gzip file"), std::string::npos) << error;

  // Garbage inside the deflate data.
  std::string bad = dir.file("bad.gz");
  std::vector<unsigned char> broken = gz;
  for (size_t i = 20; i < 60; ++i)
    broken[i] ^= 0x5a;
  writeBytes(bad, broken);
  error = errorOf(bad, 3);
  EXPECT_EQ(error.rfind(bad + ": byte ", 0), 0u) << error;
  EXPECT_NE(error.find("cannot read"), std::string::npos) << error;

  // A wrong CRC in the trailer: all data arrives, the check fails after it.
  std::string crc = dir.file("crc.gz");
  broken = gz;
  broken[broken.size() - 6] ^= 0xff;
  writeBytes(crc, broken);
  error = errorOf(crc, 3);
  EXPECT_NE(error.find("incorrect data check"), std::string::npos) << error;
}

TEST(IDX, MissingFile) {
  EXPECT_EQ(errorOf("/nonexistent/train-images-idx3-ubyte", 3),
            "/nonexistent/train-images-idx3-ubyte: cannot open: No such file "
            "or directory");
}

} // namespace
