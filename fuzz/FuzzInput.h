//===- FuzzInput.h - Fuzz inputs where a parser wants a file ----*- C++ -*-===//
//
// The runtime's readers take paths (zlib's gzread reads the IDX files, the
// checkpoint reader checks the size first). A fuzz input is given to them
// as an anonymous in-memory file (memfd), named by /proc/self/fd/N: no disk
// traffic, and each input is a file of exactly its bytes.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_FUZZ_FUZZINPUT_H
#define LOGBTQ_FUZZ_FUZZINPUT_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

namespace logbtq::fuzz {

/// `data` as a file; the descriptor closes with the object.
class MemoryFile {
public:
  MemoryFile(const uint8_t *data, size_t size) {
    fd = memfd_create("logbtq-fuzz", 0);
    size_t done = 0;
    while (fd >= 0 && done < size) {
      ssize_t n = write(fd, data + done, size - done);
      if (n <= 0)
        break;
      done += size_t(n);
    }
  }
  ~MemoryFile() {
    if (fd >= 0)
      close(fd);
  }
  MemoryFile(const MemoryFile &) = delete;
  MemoryFile &operator=(const MemoryFile &) = delete;

  bool ok() const { return fd >= 0; }
  std::string path() const { return "/proc/self/fd/" + std::to_string(fd); }

private:
  int fd = -1;
};

} // namespace logbtq::fuzz

#endif // LOGBTQ_FUZZ_FUZZINPUT_H
