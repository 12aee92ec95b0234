//===- MU8Test.cpp - MU8 numerics against the Python reference ------------===//

#include "GoldenData.h"
#include "logbtq/Numerics/MU8.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace logbtq;
using logbtq::testing::readGolden;
using logbtq::testing::readGoldenIntegers;

namespace {

uint32_t bits(float v) {
  uint32_t b;
  std::memcpy(&b, &v, sizeof(b));
  return b;
}

uint64_t bits(double v) {
  uint64_t b;
  std::memcpy(&b, &v, sizeof(b));
  return b;
}

/// Counts mismatches and reports the first few, so one run shows the shape
/// of a disagreement without flooding the log.
class MismatchReporter {
public:
  template <typename Describe> void check(bool ok, Describe describe) {
    if (ok)
      return;
    if (++count <= 5)
      ADD_FAILURE() << describe();
  }
  size_t count = 0;
};

constexpr int kExponents[] = {0, 4, -3};

//===----------------------------------------------------------------------===//
// Against the Python reference
//===----------------------------------------------------------------------===//

TEST(MU8Golden, UnitLevelsBitExact) {
  auto levels = readGolden<float>("levels.f32");
  ASSERT_EQ(levels.size(), 128u);
  for (int k = 0; k <= mu8::kMaxCode; ++k)
    EXPECT_EQ(bits(mu8::unitLevel(k)), bits(levels[k])) << "level " << k;
}

TEST(MU8Golden, DecodeAll256CodesBitExact) {
  for (int e : kExponents) {
    auto expected = readGolden<float>("decode_e" + std::to_string(e) + ".f32");
    ASSERT_EQ(expected.size(), 256u);
    for (int c = -128; c <= 127; ++c)
      EXPECT_EQ(bits(mu8::decode(static_cast<int8_t>(c), e)),
                bits(expected[c + 128]))
          << "code " << c << " exponent " << e;
  }
}

TEST(MU8Golden, EncodeNearestBitExact) {
  auto inputs = readGolden<float>("inputs.f32");
  ASSERT_GE(inputs.size(), 1000000u);
  for (int e : kExponents) {
    std::string suffix = "_e" + std::to_string(e);
    auto expected = readGolden<int8_t>("encode" + suffix + ".i8");
    ASSERT_EQ(expected.size(), inputs.size());
    std::vector<int8_t> codes(inputs.size());
    mu8::EncodeStats stats =
        mu8::encodeNearest(inputs.data(), codes.data(), inputs.size(), e);
    MismatchReporter report;
    for (size_t i = 0; i < inputs.size(); ++i)
      report.check(codes[i] == expected[i], [&] {
        return ::testing::Message()
               << "x = " << inputs[i] << " (bits 0x" << std::hex
               << bits(inputs[i]) << std::dec << ") e = " << e << ": got "
               << int(codes[i]) << ", reference " << int(expected[i]);
      });
    EXPECT_EQ(report.count, 0u) << "mismatches at exponent " << e;
    auto counts = readGoldenIntegers("encode_stats" + suffix + ".txt");
    ASSERT_EQ(counts.size(), 2u);
    EXPECT_EQ(stats.saturated, counts[0]);
    EXPECT_EQ(stats.invalid, counts[1]);
  }
}

TEST(MU8Golden, EncodeStochasticBitExact) {
  auto inputs = readGolden<float>("inputs.f32");
  for (int e : {0, 4}) {
    std::string suffix = "_s12345_e" + std::to_string(e);
    auto expected = readGolden<int8_t>("stochastic" + suffix + ".i8");
    ASSERT_EQ(expected.size(), inputs.size());
    std::vector<int8_t> codes(inputs.size());
    mu8::EncodeStats stats = mu8::encodeStochastic(
        inputs.data(), codes.data(), inputs.size(), e, /*seed=*/12345);
    MismatchReporter report;
    for (size_t i = 0; i < inputs.size(); ++i)
      report.check(codes[i] == expected[i], [&] {
        return ::testing::Message()
               << "x = " << inputs[i] << " index " << i << ": got "
               << int(codes[i]) << ", reference " << int(expected[i]);
      });
    EXPECT_EQ(report.count, 0u) << "mismatches at exponent " << e;
    auto counts = readGoldenIntegers("stochastic_stats" + suffix + ".txt");
    ASSERT_EQ(counts.size(), 2u);
    EXPECT_EQ(stats.saturated, counts[0]);
    EXPECT_EQ(stats.invalid, counts[1]);
  }
}

TEST(MU8Golden, UniformDrawsBitExact) {
  struct Stream {
    const char *file;
    uint64_t seed;
  };
  for (Stream s : {Stream{"uniform_s12345.f64", 12345},
                   Stream{"uniform_s0.f64", 0},
                   Stream{"uniform_sbig.f64", ~uint64_t(0)}}) {
    auto expected = readGolden<double>(s.file);
    ASSERT_EQ(expected.size(), 1000u) << s.file;
    for (uint64_t i = 0; i < expected.size(); ++i)
      EXPECT_EQ(bits(mu8::uniform24(s.seed, i)), bits(expected[i]))
          << s.file << " index " << i;
  }
}

TEST(MU8Golden, FixedPointTablesExact) {
  for (int f : {12, 13, 14}) {
    auto expected = readGolden<int16_t>("fixed_f" + std::to_string(f) + ".i16");
    ASSERT_EQ(expected.size(), 256u);
    auto table = mu8::fixedTable(f);
    for (int c = -128; c <= 127; ++c)
      EXPECT_EQ(table[static_cast<uint8_t>(c)], expected[c + 128])
          << "code " << c << " frac bits " << f;
  }
}

//===----------------------------------------------------------------------===//
// Properties stated in docs/MU8.md
//===----------------------------------------------------------------------===//

TEST(MU8, KnownValues) {
  EXPECT_EQ(mu8::decode(127), 1.0f);
  EXPECT_EQ(mu8::decode(-127), -1.0f);
  EXPECT_EQ(mu8::decode(127, 4), 16.0f);
  EXPECT_EQ(bits(mu8::decode(0)), bits(0.0f));
  EXPECT_EQ(mu8::decode(-128), mu8::decode(-127));
  EXPECT_NEAR(mu8::decode(1), (std::exp2(8.0 / 127) - 1) / 255, 1e-10);
  EXPECT_EQ(mu8::splitMix64(0, 0), 0xE220A8397B1DCDAFULL);
}

TEST(MU8, RoundTripsEveryCode) {
  for (int e = mu8::kMinExponent; e <= mu8::kMaxExponent; ++e)
    for (int c = -127; c <= 127; ++c)
      ASSERT_EQ(mu8::encodeNearest(mu8::decode(static_cast<int8_t>(c), e), e),
                c)
          << "code " << c << " exponent " << e;
}

TEST(MU8, SpecialValues) {
  mu8::EncodeStats stats;
  float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(mu8::encodeNearest(std::nanf(""), 0, &stats), 0);
  EXPECT_EQ(mu8::encodeNearest(inf, 0, &stats), 127);
  EXPECT_EQ(mu8::encodeNearest(-inf, 0, &stats), -127);
  EXPECT_EQ(mu8::encodeNearest(1.5f, 0, &stats), 127);
  EXPECT_EQ(stats.invalid, 1u);
  EXPECT_EQ(stats.saturated, 3u);
  // Exactly at the range is representable: not an overflow event.
  EXPECT_EQ(mu8::encodeNearest(16.0f, 4, &stats), 127);
  EXPECT_EQ(mu8::encodeNearest(-0.0f, 0, &stats), 0);
  EXPECT_EQ(mu8::encodeNearest(std::nextafter(16.0f, 32.0f), 4, &stats), 127);
  EXPECT_EQ(stats.saturated, 4u);
}

TEST(MU8, MidpointTieRoundsAwayFromZero) {
  // The midpoints after levels 0 and 125 happen to be float32 values.
  for (int k : {0, 125}) {
    double mid = (double(mu8::unitLevel(k)) + mu8::unitLevel(k + 1)) / 2;
    auto x = static_cast<float>(mid);
    ASSERT_EQ(double(x), mid) << "the midpoint must be exact for this test";
    EXPECT_EQ(mu8::encodeNearest(x), k + 1);
    EXPECT_EQ(mu8::encodeNearest(-x), -(k + 1));
    EXPECT_EQ(mu8::encodeNearest(std::nextafter(x, 0.0f)), k);
    EXPECT_EQ(mu8::encodeNearest(x * 16, 4), k + 1);
  }
}

TEST(MU8, StochasticStaysBetweenNeighboursAndIsUnbiased) {
  const float x = 0.3f;
  int8_t below = mu8::encodeNearest(x);
  if (mu8::decode(below) > x)
    --below;
  double sum = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    int8_t c = mu8::encodeStochastic(x, 0, 7, i);
    ASSERT_TRUE(c == below || c == below + 1) << int(c);
    sum += mu8::decode(c);
  }
  double lo = mu8::decode(below), hi = mu8::decode(below + 1);
  double p = (x - lo) / (hi - lo);
  double sigma = (hi - lo) * std::sqrt(p * (1 - p) / n);
  EXPECT_NEAR(sum / n, x, 4 * sigma);
  // An exact level never moves, whatever the draw.
  for (int i = 0; i < 1000; ++i)
    ASSERT_EQ(mu8::encodeStochastic(mu8::decode(77), 0, 7, i), 77);
}

TEST(MU8, StochasticKeepNonzeroFloorsAtTheFirstLevel) {
  // Below the first level: plain rounding gives 0 or 1, keepNonzero always
  // 1 (with the sign); at or above it, both agree; zero and NaN stay 0.
  const float level1 = mu8::decode(1);
  int floored = 0;
  for (int i = 0; i < 1000; ++i) {
    float x = level1 * float(i % 97 + 1) / 100.0f * (i % 2 ? -1.0f : 1.0f);
    int8_t plain = mu8::encodeStochastic(x, 0, 11, i);
    int8_t kept = mu8::encodeStochastic(x, 0, 11, i, nullptr, true);
    ASSERT_EQ(kept, x > 0 ? 1 : -1) << x;
    floored += plain == 0;
    float y = level1 * (1.0f + float(i) / 10.0f);
    ASSERT_EQ(mu8::encodeStochastic(y, 0, 11, i, nullptr, true),
              mu8::encodeStochastic(y, 0, 11, i));
  }
  EXPECT_GT(floored, 100);
  EXPECT_EQ(mu8::encodeStochastic(0.0f, 0, 11, 0, nullptr, true), 0);
  EXPECT_EQ(mu8::encodeStochastic(std::nanf(""), 0, 11, 0, nullptr, true), 0);
}

TEST(MU8, FixedTableEnds) {
  auto table = mu8::fixedTable();
  EXPECT_EQ(table[127], 8192);
  EXPECT_EQ(table[static_cast<uint8_t>(-127)], -8192);
  EXPECT_EQ(table[static_cast<uint8_t>(-128)], -8192);
  EXPECT_EQ(table[0], 0);
  EXPECT_EQ(mu8::fixedTable(14)[127], 16384);
}

} // namespace
