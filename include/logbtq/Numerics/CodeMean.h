//===- CodeMean.h - The exact mean of MU8 tensors of several ranks -*- C++ -*-//
//
// Data-parallel training combines each rank's gradient, sent as MU8 codes
// at a range exponent of that rank's own. Every MU8 level is an integer
// multiple of 2^-36 at range 1 (the smallest, about 1.7e-4, has its last
// float32 bit there; the largest is 1 = 2^36 units), so a decoded value is
// an integer times a power of two, and the ranks' values add up exactly in
// integers once they are brought to the smallest exponent. The sum is then
// divided by the rank count once. The result depends neither on the order
// of the ranks nor on how MPI would have reduced them, so every rank that
// computes it gets the same bits.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_NUMERICS_CODEMEAN_H
#define LOGBTQ_NUMERICS_CODEMEAN_H

#include <cstddef>
#include <cstdint>

namespace logbtq::mu8 {

/// Fraction bits of the integer grid every level lies on.
constexpr int kLevelFracBits = 36;

/// `code`'s level at range 1 in units of 2^-kLevelFracBits, signed.
int64_t levelUnits(int8_t code);

/// out[i] = (decode(codes[0][i], exponents[0]) + ... +
///           decode(codes[ranks-1][i], exponents[ranks-1])) / ranks,
/// summed exactly and rounded to float once at the end (from a double:
/// round to nearest, then to float). With one rank it is the decode.
void meanOfCodes(const int8_t *const *codes, const int *exponents, size_t ranks,
                 size_t n, float *out);

} // namespace logbtq::mu8

#endif // LOGBTQ_NUMERICS_CODEMEAN_H
