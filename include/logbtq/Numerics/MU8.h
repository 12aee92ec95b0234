//===- MU8.h - MU8 encode/decode numerics -----------------------*- C++ -*-===//
//
// The 8-bit mu-law format of logbtq, as specified in docs/MU8.md. This library
// has no MLIR dependency: the compiler uses it for constant folding and lookup
// tables, the runtime for data and checkpoints.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_NUMERICS_MU8_H
#define LOGBTQ_NUMERICS_MU8_H

#include <array>
#include <cstddef>
#include <cstdint>

namespace logbtq::mu8 {

/// mu of the companding curve; 1 + mu = 2^8 makes every level an exp2.
constexpr double kMu = 255.0;
/// Largest magnitude code; -128 is never produced and decodes like -127.
constexpr int kMaxCode = 127;
/// Range exponents a tensor may carry (range = 2^e).
constexpr int kMinExponent = -32;
constexpr int kMaxExponent = 32;
/// Largest fraction-bit count whose fixed-point table still fits int16.
constexpr int kMaxFracBits = 14;
/// The fixed-point grid the integer kernels decode to (docs/MU8.md; why 13
/// bits: docs/Simulation.md).
constexpr int kDefaultFracBits = 13;

/// Counts of the values an encode could not represent.
struct EncodeStats {
  /// Values beyond the range (|x| > 2^e, including infinities): clamped to
  /// +-127. Each one is an overflow event.
  uint64_t saturated = 0;
  /// NaNs: encoded as code 0.
  uint64_t invalid = 0;

  EncodeStats &operator+=(const EncodeStats &other) {
    saturated += other.saturated;
    invalid += other.invalid;
    return *this;
  }
};

/// Returns true if `exponent` is a range exponent a tensor may carry.
bool isValidExponent(int exponent);

/// The smallest range exponent >= `floor` (and <= kMaxExponent) whose range
/// 2^e holds every one of the `n` values: the range a parameter is stored at
/// from its initial values on.
int rangeExponentFor(const float *values, size_t n, int floor);

/// The float32 level of magnitude code `k` (0..127) at range 1.
float unitLevel(int k);

/// The round-to-nearest threshold between levels `k` and `k + 1` (0..126)
/// at range 1, in float64: encodeNearest gives `k + 1` from it upward.
double unitMidpoint(int k);

/// The value of `code` at range 2^exponent.
float decode(int8_t code, int exponent = 0);

/// Round-to-nearest encode in the linear domain (ties away from zero).
int8_t encodeNearest(float x, int exponent = 0, EncodeStats *stats = nullptr);

/// Stochastic-rounding encode: rounds up with probability proportional to the
/// linear distance from the lower level. The draw is `uniform24(seed, index)`,
/// so each element of a tensor rounds independently and reproducibly. With
/// `keepNonzero`, a nonzero x that would round to magnitude 0 takes the first
/// level instead (Adam's second moment, which divides the step).
int8_t encodeStochastic(float x, int exponent, uint64_t seed, uint64_t index,
                        EncodeStats *stats = nullptr, bool keepNonzero = false);

/// The `index + 1`-th output of SplitMix64 started at `seed`.
uint64_t splitMix64(uint64_t seed, uint64_t index);

/// A uniform number in [0, 1) with 24 random bits from splitMix64.
double uniform24(uint64_t seed, uint64_t index);

/// `code` on the fixed-point grid with `fracBits` fraction bits.
int16_t decodeFixed(int8_t code, int fracBits = kDefaultFracBits);

/// The 256-entry fixed-point table, indexed by `uint8_t(code)`.
std::array<int16_t, 256> fixedTable(int fracBits = kDefaultFracBits);

/// Bulk forms over `n` contiguous elements; they return the summed stats.
EncodeStats encodeNearest(const float *in, int8_t *out, size_t n,
                          int exponent = 0);
EncodeStats encodeStochastic(const float *in, int8_t *out, size_t n,
                             int exponent, uint64_t seed,
                             uint64_t firstIndex = 0);
void decode(const int8_t *in, float *out, size_t n, int exponent = 0);

} // namespace logbtq::mu8

#endif // LOGBTQ_NUMERICS_MU8_H
