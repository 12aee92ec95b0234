//===- IDX.cpp - MNIST-format IDX files -----------------------------------===//

#include "logbtq/Runtime/IDX.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>

namespace logbtq::runtime {
namespace {

/// Largest data size accepted (4 GiB): more than any IDX data set, and a
/// corrupt header cannot make the reader allocate without bound.
constexpr int64_t kMaxDataBytes = int64_t(1) << 32;

/// Sequential reads from a gzip or plain file that keep the byte offset.
class GzReader {
public:
  explicit GzReader(std::string path) : path(std::move(path)) {}
  ~GzReader() {
    if (file)
      gzclose(file);
  }
  GzReader(const GzReader &) = delete;
  GzReader &operator=(const GzReader &) = delete;

  Error open() {
    errno = 0;
    file = gzopen(path.c_str(), "rb");
    if (!file)
      return makeError(path, ": cannot open: ",
                       errno ? std::strerror(errno) : "out of memory");
    gzbuffer(file, 1 << 17);
    return Error::success();
  }

  /// Reads up to `n` bytes; `got` is how many arrived (fewer only at the end
  /// of the data). Fails on a read error or corrupt compressed data.
  Error read(void *buffer, size_t n, size_t &got) {
    got = 0;
    auto *out = static_cast<unsigned char *>(buffer);
    while (got < n) {
      unsigned chunk = unsigned(std::min<size_t>(n - got, 1u << 30));
      int r = gzread(file, out + got, chunk);
      if (r < 0)
        return streamError();
      if (r == 0)
        break;
      got += size_t(r);
      offset += r;
    }
    if (got < n) {
      // A short read: the end of the data, or of a truncated gzip stream.
      int errnum = Z_OK;
      gzerror(file, &errnum);
      if (errnum != Z_OK)
        return streamError();
    }
    return Error::success();
  }

  const std::string &name() const { return path; }
  int64_t position() const { return offset; }

private:
  Error streamError() {
    int errnum = Z_OK;
    const char *message = gzerror(file, &errnum);
    if (errnum == Z_ERRNO)
      message = std::strerror(errno);
    return makeError(path, ": byte ", offset,
                     ": cannot read: ", message ? message : "read error",
                     errnum == Z_BUF_ERROR ? " (truncated gzip file)" : "");
  }

  std::string path;
  gzFile file = nullptr;
  int64_t offset = 0;
};

uint32_t bigEndian32(const unsigned char *p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 |
         uint32_t(p[3]);
}

void putBigEndian32(uint32_t v, unsigned char *p) {
  p[0] = (unsigned char)(v >> 24);
  p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8);
  p[3] = (unsigned char)v;
}

} // namespace

Expected<IdxArray> readIdx(const std::string &path, unsigned rank) {
  GzReader in(path);
  if (Error e = in.open())
    return e;

  unsigned char word[4];
  size_t got = 0;
  if (Error e = in.read(word, 4, got))
    return e;
  uint32_t expectedMagic = uint32_t(kIdxUnsignedByte) << 8 | rank;
  char expected[16];
  std::snprintf(expected, sizeof(expected), "0x%08x", expectedMagic);
  if (got < 4)
    return makeError(path, ": byte ", in.position(),
                     ": file ends inside the magic number (expected ", expected,
                     ")");
  uint32_t magic = bigEndian32(word);
  if (magic != expectedMagic) {
    char found[16];
    std::snprintf(found, sizeof(found), "0x%08x", magic);
    std::string why;
    if ((magic >> 16) != 0)
      why = "not an IDX file";
    else if (((magic >> 8) & 0xff) != kIdxUnsignedByte)
      why = "elements are not unsigned bytes";
    else
      why = "rank " + std::to_string(magic & 0xff) + " instead of " +
            std::to_string(rank);
    return makeError(path, ": byte 0: bad magic number ", found, " (", why,
                     "; expected ", expected, ")");
  }

  IdxArray array;
  int64_t total = 1;
  for (unsigned i = 0; i < rank; ++i) {
    int64_t at = in.position();
    if (Error e = in.read(word, 4, got))
      return e;
    if (got < 4)
      return makeError(path, ": byte ", in.position(),
                       ": file ends inside dimension ", i, " of ", rank,
                       " (the header is ", 4 + 4 * rank, " bytes)");
    int64_t dim = bigEndian32(word);
    if (dim == 0)
      return makeError(path, ": byte ", at, ": dimension ", i, " is 0");
    if (dim > kMaxDataBytes / total)
      return makeError(path, ": byte ", at,
                       ": the dimensions promise more "
                       "than 4 GiB of data");
    total *= dim;
    array.dims.push_back(dim);
  }

  // Read in chunks so that a corrupt header meets the end of the file before
  // the whole promised size is allocated.
  constexpr size_t kChunk = size_t(1) << 24;
  array.data.reserve(size_t(std::min<int64_t>(total, 1 << 26)));
  while (int64_t(array.data.size()) < total) {
    size_t want = size_t(std::min<int64_t>(total - array.data.size(), kChunk));
    size_t old = array.data.size();
    array.data.resize(old + want);
    if (Error e = in.read(array.data.data() + old, want, got))
      return e;
    if (got < want)
      return makeError(path, ": byte ", in.position(),
                       ": file ends early: the dimensions promise ", total,
                       " data bytes after the ", array.dataOffset(),
                       "-byte header (", array.dataOffset() + total,
                       " bytes in all)");
  }

  // Nothing may follow the data (this read also makes zlib check the gzip
  // trailer's CRC and length).
  unsigned char extra;
  if (Error e = in.read(&extra, 1, got))
    return e;
  if (got != 0)
    return makeError(path, ": byte ", in.position() - 1,
                     ": unexpected data after the ", total,
                     " bytes the dimensions promise");
  return std::move(array);
}

Error writeIdx(const std::string &path, const std::vector<int64_t> &dims,
               const std::vector<uint8_t> &data, bool compress) {
  std::vector<unsigned char> bytes(4 + 4 * dims.size());
  putBigEndian32(uint32_t(kIdxUnsignedByte) << 8 | uint32_t(dims.size()),
                 bytes.data());
  for (size_t i = 0; i < dims.size(); ++i)
    putBigEndian32(uint32_t(dims[i]), bytes.data() + 4 + 4 * i);
  bytes.insert(bytes.end(), data.begin(), data.end());

  errno = 0;
  gzFile file = gzopen(path.c_str(), compress ? "wb" : "wbT");
  if (!file)
    return makeError(path, ": cannot create: ",
                     errno ? std::strerror(errno) : "out of memory");
  size_t done = 0;
  while (done < bytes.size()) {
    unsigned chunk = unsigned(std::min<size_t>(bytes.size() - done, 1u << 30));
    if (gzwrite(file, bytes.data() + done, chunk) != int(chunk)) {
      gzclose(file);
      return makeError(path, ": write failed");
    }
    done += chunk;
  }
  if (gzclose(file) != Z_OK)
    return makeError(path, ": write failed");
  return Error::success();
}

} // namespace logbtq::runtime
