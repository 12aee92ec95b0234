//===- CodeMeanTest.cpp - The exact mean of MU8 tensors of several ranks --===//

#include "logbtq/Numerics/CodeMean.h"
#include "logbtq/Numerics/MU8.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

using namespace logbtq::mu8;

namespace {

TEST(CodeMean, LevelsAreIntegersOnTheGrid) {
  for (int c = -127; c <= 127; ++c) {
    int8_t code = int8_t(c);
    EXPECT_EQ(std::ldexp(double(levelUnits(code)), -kLevelFracBits),
              double(decode(code, 0)))
        << "code " << c;
  }
  EXPECT_EQ(levelUnits(127), int64_t(1) << kLevelFracBits);
  EXPECT_EQ(levelUnits(-128), levelUnits(-127));
  EXPECT_EQ(levelUnits(0), 0);
}

TEST(CodeMean, OneRankIsTheDecode) {
  std::vector<int8_t> codes(256);
  for (int c = 0; c < 256; ++c)
    codes[c] = int8_t(c);
  for (int e : {-32, -7, 0, 5, 32}) {
    const int8_t *ranks[] = {codes.data()};
    std::vector<float> mean(codes.size()), decoded(codes.size());
    meanOfCodes(ranks, &e, 1, codes.size(), mean.data());
    decode(codes.data(), decoded.data(), codes.size(), e);
    EXPECT_EQ(0, std::memcmp(mean.data(), decoded.data(),
                             mean.size() * sizeof(float)))
        << "exponent " << e;
  }
}

/// The mean in long double: exact for these sums (exponents within 20 of
/// each other: at most 37 + 20 + 3 bits, under long double's 64).
float referenceMean(const std::vector<std::vector<int8_t>> &codes,
                    const std::vector<int> &exponents, size_t i) {
  long double sum = 0;
  for (size_t r = 0; r < codes.size(); ++r)
    sum += (long double)decode(codes[r][i], exponents[r]);
  return float(double(sum) / double(codes.size()));
}

TEST(CodeMean, MatchesAnExactSumAndIgnoresRankOrder) {
  std::mt19937 rng(7);
  for (size_t ranks : {2, 3, 5, 8}) {
    std::vector<std::vector<int8_t>> codes(ranks, std::vector<int8_t>(1000));
    std::vector<int> exponents(ranks);
    for (size_t r = 0; r < ranks; ++r) {
      exponents[r] = int(rng() % 21) - 10;
      for (int8_t &c : codes[r])
        c = int8_t(rng());
    }
    std::vector<const int8_t *> pointers;
    for (auto &c : codes)
      pointers.push_back(c.data());
    std::vector<float> mean(1000);
    meanOfCodes(pointers.data(), exponents.data(), ranks, 1000, mean.data());
    for (size_t i = 0; i < 1000; ++i)
      ASSERT_EQ(mean[i], referenceMean(codes, exponents, i))
          << ranks << " ranks, element " << i;

    // Reversed ranks: the same bits.
    std::reverse(pointers.begin(), pointers.end());
    std::reverse(exponents.begin(), exponents.end());
    std::vector<float> reversed(1000);
    meanOfCodes(pointers.data(), exponents.data(), ranks, 1000,
                reversed.data());
    EXPECT_EQ(0, std::memcmp(mean.data(), reversed.data(), 1000 * 4));
  }
}

TEST(CodeMean, FarApartExponentsUseTheWideSum) {
  // Range 2^32 and 2^-32: the small one is below the large one's float
  // precision but still counted (the sum needs more than 64 bits).
  std::vector<int8_t> big = {127, 127, -127, 0};
  std::vector<int8_t> small = {127, -127, 127, 1};
  const int8_t *ranks[] = {big.data(), small.data()};
  int exponents[] = {32, -32};
  std::vector<float> mean(4);
  meanOfCodes(ranks, exponents, 2, 4, mean.data());
  EXPECT_EQ(mean[0], float(std::ldexp(1.0, 31)));
  EXPECT_EQ(mean[1], float(std::ldexp(1.0, 31)));
  EXPECT_EQ(mean[2], -float(std::ldexp(1.0, 31)));
  EXPECT_EQ(mean[3], decode(1, -32) / 2);
  // The order of the ranks does not matter there either.
  const int8_t *swapped[] = {small.data(), big.data()};
  int swappedExponents[] = {-32, 32};
  std::vector<float> again(4);
  meanOfCodes(swapped, swappedExponents, 2, 4, again.data());
  EXPECT_EQ(0, std::memcmp(mean.data(), again.data(), 4 * 4));
}

TEST(CodeMean, OppositeValuesCancelExactly) {
  std::vector<int8_t> a = {100, -37, 5}, b = {-100, 37, -5};
  const int8_t *ranks[] = {a.data(), b.data()};
  int exponents[] = {3, 3};
  std::vector<float> mean(3, 1.0f);
  meanOfCodes(ranks, exponents, 2, 3, mean.data());
  for (float v : mean)
    EXPECT_EQ(v, 0.0f);
}

} // namespace
