//===- AtomicFile.cpp - Files that are whole or not there -----------------===//

#include "logbtq/Runtime/AtomicFile.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace logbtq::runtime {

Error writeFileAtomically(const std::string &flag, const std::string &path,
                          const void *data, size_t size) {
  std::string tmp = path + ".tmp";
  auto fail = [&](const char *what) {
    int err = errno;
    std::remove(tmp.c_str());
    return makeError(flag, " ", path, ": ", what, ": ", std::strerror(err));
  };
  std::FILE *f = std::fopen(tmp.c_str(), "wb");
  if (!f)
    return makeError(flag, " ", path, ": cannot create ", tmp, ": ",
                     std::strerror(errno));
  bool ok = std::fwrite(data, 1, size, f) == size && std::fflush(f) == 0 &&
            fsync(fileno(f)) == 0;
  if (!ok) {
    int err = errno;
    std::fclose(f);
    errno = err;
    return fail("write failed");
  }
  if (std::fclose(f) != 0)
    return fail("write failed");
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    return fail("cannot rename the temporary file over it");
  // Best effort: some file systems refuse to fsync a directory.
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "."
                    : slash == 0               ? "/"
                                               : path.substr(0, slash);
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    (void)fsync(fd);
    close(fd);
  }
  return Error::success();
}

} // namespace logbtq::runtime
