//===- GoldenData.h - Reads the Python reference's golden files -*- C++ -*-===//
//
// python/tools/gen_golden.py writes raw little-endian arrays; these helpers
// read them for the tests that compare the C++ numerics with the reference.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_UNITTESTS_NUMERICS_GOLDENDATA_H
#define LOGBTQ_UNITTESTS_NUMERICS_GOLDENDATA_H

#include <cstdint>
#include <string>
#include <vector>

namespace logbtq::testing {

/// The directory holding the golden files: $LOGBTQ_GOLDEN_DIR, else the one
/// the build wrote.
std::string goldenDir();

/// Reads a whole golden file as an array of T. Fails the test (and returns
/// an empty vector) if it is missing or its size is not a multiple of T.
template <typename T> std::vector<T> readGolden(const std::string &name);

/// Reads a whitespace-separated list of integers from a text golden file.
std::vector<uint64_t> readGoldenIntegers(const std::string &name);

} // namespace logbtq::testing

#endif // LOGBTQ_UNITTESTS_NUMERICS_GOLDENDATA_H
