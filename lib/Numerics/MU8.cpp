//===- MU8.cpp - MU8 encode/decode numerics -------------------------------===//

#include "logbtq/Numerics/MU8.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace logbtq::mu8 {
namespace {

/// Levels at range 1 and the encode thresholds between them. Kept in float64
/// (exact copies of the float32 levels) so that every comparison is exact.
struct Tables {
  std::array<float, kMaxCode + 1> level;
  std::array<double, kMaxCode + 1> levelD;
  std::array<double, kMaxCode> midpoint;

  Tables() {
    for (int k = 0; k <= kMaxCode; ++k) {
      double v = (std::exp2(8.0 * k / 127.0) - 1.0) / kMu;
      level[k] = static_cast<float>(v);
      levelD[k] = level[k];
    }
    for (int k = 0; k < kMaxCode; ++k)
      midpoint[k] = (levelD[k] + levelD[k + 1]) / 2.0;
  }
};

const Tables &tables() {
  static const Tables t;
  return t;
}

int magnitudeCode(int8_t code) {
  int c = code;
  return std::min(c < 0 ? -c : c, kMaxCode);
}

/// Handles what both rounding modes share: NaN, saturation and the sign.
/// Returns true (with `code` set) when the value is settled without rounding.
bool encodeSpecial(float x, int exponent, double &magnitude, int8_t &code,
                   EncodeStats *stats) {
  assert(isValidExponent(exponent) && "range exponent out of bounds");
  if (std::isnan(x)) {
    if (stats)
      ++stats->invalid;
    code = 0;
    return true;
  }
  magnitude = std::ldexp(std::fabs(static_cast<double>(x)), -exponent);
  if (magnitude > 1.0) {
    if (stats)
      ++stats->saturated;
    code = std::signbit(x) ? -kMaxCode : kMaxCode;
    return true;
  }
  return false;
}

int8_t applySign(float x, int magnitude) {
  return static_cast<int8_t>(std::signbit(x) ? -magnitude : magnitude);
}

} // namespace

int rangeExponentFor(const float *values, size_t n, int floor) {
  float largest = 0;
  for (size_t i = 0; i < n; ++i)
    largest = std::max(largest, std::fabs(values[i]));
  int e = floor;
  while (e < kMaxExponent && largest > std::ldexp(1.0f, e))
    ++e;
  return e;
}

bool isValidExponent(int exponent) {
  return exponent >= kMinExponent && exponent <= kMaxExponent;
}

float unitLevel(int k) {
  assert(k >= 0 && k <= kMaxCode);
  return tables().level[k];
}

double unitMidpoint(int k) {
  assert(k >= 0 && k < kMaxCode);
  return tables().midpoint[k];
}

float decode(int8_t code, int exponent) {
  assert(isValidExponent(exponent) && "range exponent out of bounds");
  float v = std::ldexp(tables().level[magnitudeCode(code)], exponent);
  return code < 0 ? -v : v;
}

int8_t encodeNearest(float x, int exponent, EncodeStats *stats) {
  double a;
  int8_t code;
  if (encodeSpecial(x, exponent, a, code, stats))
    return code;
  const auto &m = tables().midpoint;
  // The number of thresholds at or below `a`: a tie rounds away from zero.
  int k = static_cast<int>(std::upper_bound(m.begin(), m.end(), a) - m.begin());
  return applySign(x, k);
}

uint64_t splitMix64(uint64_t seed, uint64_t index) {
  uint64_t z = seed + (index + 1) * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

double uniform24(uint64_t seed, uint64_t index) {
  return std::ldexp(static_cast<double>(splitMix64(seed, index) >> 40), -24);
}

int8_t encodeStochastic(float x, int exponent, uint64_t seed, uint64_t index,
                        EncodeStats *stats, bool keepNonzero) {
  double a;
  int8_t code;
  if (encodeSpecial(x, exponent, a, code, stats))
    return code;
  const auto &l = tables().levelD;
  int k = static_cast<int>(std::upper_bound(l.begin(), l.end(), a) - l.begin()) -
          1;
  if (l[k] == a)
    return applySign(x, k);
  double p = (a - l[k]) / (l[k + 1] - l[k]);
  int rounded = uniform24(seed, index) < p ? k + 1 : k;
  // a > l[k] >= 0 here: a nonzero value.
  return applySign(x, keepNonzero && rounded == 0 ? 1 : rounded);
}

int16_t decodeFixed(int8_t code, int fracBits) {
  assert(fracBits >= 0 && fracBits <= kMaxFracBits);
  double scaled =
      std::ldexp(static_cast<double>(tables().level[magnitudeCode(code)]),
                 fracBits);
  // std::round rounds halfway cases away from zero, as the contract says.
  auto v = static_cast<int16_t>(std::round(scaled));
  return code < 0 ? static_cast<int16_t>(-v) : v;
}

std::array<int16_t, 256> fixedTable(int fracBits) {
  std::array<int16_t, 256> table;
  for (int c = -128; c <= 127; ++c)
    table[static_cast<uint8_t>(c)] = decodeFixed(static_cast<int8_t>(c), fracBits);
  return table;
}

EncodeStats encodeNearest(const float *in, int8_t *out, size_t n,
                          int exponent) {
  EncodeStats stats;
  for (size_t i = 0; i < n; ++i)
    out[i] = encodeNearest(in[i], exponent, &stats);
  return stats;
}

EncodeStats encodeStochastic(const float *in, int8_t *out, size_t n,
                             int exponent, uint64_t seed, uint64_t firstIndex) {
  EncodeStats stats;
  for (size_t i = 0; i < n; ++i)
    out[i] = encodeStochastic(in[i], exponent, seed, firstIndex + i, &stats);
  return stats;
}

void decode(const int8_t *in, float *out, size_t n, int exponent) {
  // One table of the 256 codes at this range: a load per element instead
  // of an ldexp.
  std::array<float, 256> table;
  for (int c = 0; c < 256; ++c)
    table[size_t(c)] = decode(int8_t(c), exponent);
  for (size_t i = 0; i < n; ++i)
    out[i] = table[uint8_t(in[i])];
}

} // namespace logbtq::mu8
