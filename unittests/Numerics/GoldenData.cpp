//===- GoldenData.cpp - Reads the Python reference's golden files ---------===//

#include "GoldenData.h"

#include "gtest/gtest.h"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

namespace logbtq::testing {

std::string goldenDir() {
  if (const char *dir = std::getenv("LOGBTQ_GOLDEN_DIR"))
    return dir;
  return LOGBTQ_DEFAULT_GOLDEN_DIR;
}

static std::string readBytes(const std::string &name) {
  std::string path = goldenDir() + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot open golden file " << path;
    return {};
  }
  return std::string(std::istreambuf_iterator<char>(in), {});
}

template <typename T> std::vector<T> readGolden(const std::string &name) {
  std::string bytes = readBytes(name);
  if (bytes.size() % sizeof(T) != 0) {
    ADD_FAILURE() << name << " has " << bytes.size()
                  << " bytes, not a multiple of " << sizeof(T);
    return {};
  }
  std::vector<T> values(bytes.size() / sizeof(T));
  std::copy(bytes.begin(), bytes.end(),
            reinterpret_cast<char *>(values.data()));
  return values;
}

template std::vector<float> readGolden<float>(const std::string &);
template std::vector<double> readGolden<double>(const std::string &);
template std::vector<int8_t> readGolden<int8_t>(const std::string &);
template std::vector<int16_t> readGolden<int16_t>(const std::string &);

std::vector<uint64_t> readGoldenIntegers(const std::string &name) {
  std::istringstream in(readBytes(name));
  std::vector<uint64_t> values;
  for (uint64_t v; in >> v;)
    values.push_back(v);
  return values;
}

} // namespace logbtq::testing
