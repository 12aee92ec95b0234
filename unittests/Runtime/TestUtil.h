//===- TestUtil.h - Temporary files for the runtime tests -------*- C++ -*-===//

#ifndef LOGBTQ_UNITTESTS_RUNTIME_TESTUTIL_H
#define LOGBTQ_UNITTESTS_RUNTIME_TESTUTIL_H

#include "gtest/gtest.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace logbtq::testing {

/// A fresh directory under the GoogleTest temporary directory, removed with
/// its contents at the end of the scope.
class TempDir {
public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "logbtq-runtime-XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (!mkdtemp(buffer.data()))
      ADD_FAILURE() << "mkdtemp failed for " << pattern;
    dir = buffer.data();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  const std::string &path() const { return dir; }
  std::string file(const std::string &name) const { return dir + "/" + name; }

private:
  std::string dir;
};

inline void writeBytes(const std::string &path,
                       const std::vector<unsigned char> &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char *>(bytes.data()),
            std::streamsize(bytes.size()));
  ASSERT_TRUE(bool(out)) << "cannot write " << path;
}

inline std::vector<unsigned char> readBytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<unsigned char>(std::istreambuf_iterator<char>(in), {});
}

} // namespace logbtq::testing

#endif // LOGBTQ_UNITTESTS_RUNTIME_TESTUTIL_H
