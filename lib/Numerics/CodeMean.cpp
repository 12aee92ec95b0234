//===- CodeMean.cpp - The exact mean of MU8 tensors of several ranks ------===//

#include "logbtq/Numerics/CodeMean.h"
#include "logbtq/Numerics/MU8.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace logbtq::mu8 {
namespace {

/// The levels as integers, indexed by uint8_t(code).
const std::array<int64_t, 256> &unitTable() {
  static const std::array<int64_t, 256> table = [] {
    std::array<int64_t, 256> t{};
    for (int c = 0; c < 256; ++c) {
      int8_t code = static_cast<int8_t>(c);
      int magnitude = std::min(code < 0 ? -int(code) : int(code), kMaxCode);
      // Exact: the level's float32 bits end at or above 2^-36.
      auto units = static_cast<int64_t>(
          std::ldexp(double(unitLevel(magnitude)), kLevelFracBits));
      t[c] = code < 0 ? -units : units;
    }
    return t;
  }();
  return table;
}

template <typename Accumulator>
void meanWith(const int8_t *const *codes, const std::vector<int> &shifts,
              int lowest, size_t ranks, size_t n, float *out) {
  const auto &units = unitTable();
  // Multiplied, not shifted: a left shift of a negative value is undefined
  // in C++17.
  std::vector<Accumulator> factors(ranks);
  for (size_t r = 0; r < ranks; ++r)
    factors[r] = Accumulator(1) << shifts[r];
  double scale = std::ldexp(1.0, lowest - kLevelFracBits);
  for (size_t i = 0; i < n; ++i) {
    Accumulator sum = 0;
    for (size_t r = 0; r < ranks; ++r)
      sum += Accumulator(units[uint8_t(codes[r][i])]) * factors[r];
    // The integer to the nearest double, then the power of two (exact
    // unless the result is subnormal), then the one division.
    out[i] = float(double(sum) * scale / double(ranks));
  }
}

} // namespace

int64_t levelUnits(int8_t code) { return unitTable()[uint8_t(code)]; }

void meanOfCodes(const int8_t *const *codes, const int *exponents, size_t ranks,
                 size_t n, float *out) {
  if (ranks == 0)
    return;
  int lowest = *std::min_element(exponents, exponents + ranks);
  int highest = *std::max_element(exponents, exponents + ranks);
  std::vector<int> shifts(ranks);
  for (size_t r = 0; r < ranks; ++r)
    shifts[r] = exponents[r] - lowest;
  // |level| <= 2^36; shifted by up to `highest - lowest` and summed over
  // `ranks` terms. In int64 when that stays below 2^62, else in 128 bits
  // (exponents lie in [-32, 32], so at most 37 + 64 + log2(ranks) bits).
  int rankBits = 0;
  while ((size_t(1) << rankBits) < ranks)
    ++rankBits;
  if (kLevelFracBits + 1 + (highest - lowest) + rankBits <= 62)
    meanWith<int64_t>(codes, shifts, lowest, ranks, n, out);
  else
    meanWith<__int128>(codes, shifts, lowest, ranks, n, out);
}

} // namespace logbtq::mu8
