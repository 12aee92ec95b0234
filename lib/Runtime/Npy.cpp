//===- Npy.cpp - NumPy .npy files -----------------------------------------===//

#include "logbtq/Runtime/Npy.h"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <optional>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the .npy reader and writer assume a little-endian host");

namespace logbtq::runtime {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;
/// Largest element count accepted (2^40), so sizes never overflow.
constexpr int64_t kMaxElements = int64_t(1) << 40;

/// The header dictionary, e.g. "{'descr': '<f4', 'fortran_order': False,
/// 'shape': (64, 1, 28, 28), }". This parser accepts the Python literals
/// numpy writes: quoted strings, True/False and tuples of integers.
class HeaderParser {
public:
  HeaderParser(const std::string &name, const std::string &text,
               int64_t baseOffset)
      : name(name), text(text), base(baseOffset) {}

  Error parse(NpyArray &out);

private:
  template <typename... Parts>
  Error fail(const Parts &...parts) {
    return makeError(name, ": byte ", base + int64_t(pos),
                     ": npy header: ", parts...);
  }
  void skipSpace() {
    while (pos < text.size() && std::isspace((unsigned char)text[pos]))
      ++pos;
  }
  bool consume(char c) {
    skipSpace();
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  std::optional<std::string> quoted();
  Error shapeTuple(std::vector<int64_t> &shape);

  const std::string &name;
  const std::string &text;
  int64_t base;
  size_t pos = 0;
};

std::optional<std::string> HeaderParser::quoted() {
  skipSpace();
  if (pos >= text.size() || (text[pos] != '\'' && text[pos] != '"'))
    return std::nullopt;
  char quote = text[pos];
  size_t end = text.find(quote, pos + 1);
  if (end == std::string::npos)
    return std::nullopt;
  std::string s = text.substr(pos + 1, end - pos - 1);
  pos = end + 1;
  return s;
}

Error HeaderParser::shapeTuple(std::vector<int64_t> &shape) {
  if (!consume('('))
    return fail("'shape' must be a tuple of integers");
  shape.clear();
  int64_t product = 1;
  while (!consume(')')) {
    skipSpace();
    size_t start = pos;
    int64_t dim = 0;
    while (pos < text.size() && std::isdigit((unsigned char)text[pos])) {
      dim = dim * 10 + (text[pos] - '0');
      if (dim > kMaxElements) {
        pos = start;
        return fail("shape dimension too large");
      }
      ++pos;
    }
    if (pos == start)
      return fail("'shape' must be a tuple of non-negative integers");
    if (dim != 0 && product > kMaxElements / dim) {
      pos = start;
      return fail("shape has more than 2^40 elements");
    }
    product *= dim;
    shape.push_back(dim);
    if (!consume(',')) {
      if (!consume(')'))
        return fail("expected ',' or ')' in 'shape'");
      break;
    }
  }
  return Error::success();
}

Error HeaderParser::parse(NpyArray &out) {
  if (!consume('{'))
    return fail("expected '{'");
  bool haveDescr = false, haveOrder = false, haveShape = false;
  bool fortran = false;
  size_t fortranAt = 0;
  while (!consume('}')) {
    skipSpace();
    size_t keyAt = pos;
    std::optional<std::string> key = quoted();
    if (!key)
      return fail("expected a quoted key or '}'");
    if (!consume(':'))
      return fail("expected ':' after '", *key, "'");
    if (*key == "descr") {
      skipSpace();
      size_t at = pos;
      std::optional<std::string> descr = quoted();
      if (!descr)
        return fail("'descr' must be a string");
      if (*descr == "<f4" || *descr == "=f4")
        out.type = NpyType::F32;
      else if (*descr == "<i8" || *descr == "=i8")
        out.type = NpyType::I64;
      else if (*descr == "<i4" || *descr == "=i4")
        out.type = NpyType::I32;
      else if (*descr == "|u1" || *descr == "<u1" || *descr == "=u1")
        out.type = NpyType::U8;
      else {
        pos = at;
        return fail("unsupported dtype '", *descr,
                    "' (expected '<f4', '<i8', '<i4' or '|u1')");
      }
      haveDescr = true;
    } else if (*key == "fortran_order") {
      skipSpace();
      fortranAt = pos;
      if (text.compare(pos, 4, "True") == 0) {
        fortran = true;
        pos += 4;
      } else if (text.compare(pos, 5, "False") == 0) {
        pos += 5;
      } else {
        return fail("'fortran_order' must be True or False");
      }
      haveOrder = true;
    } else if (*key == "shape") {
      if (Error e = shapeTuple(out.shape))
        return e;
      haveShape = true;
    } else {
      pos = keyAt;
      return fail("unexpected key '", *key, "'");
    }
    if (!consume(',')) {
      if (!consume('}'))
        return fail("expected ',' or '}'");
      break;
    }
  }
  if (!haveDescr || !haveOrder || !haveShape)
    return fail("the dictionary needs 'descr', 'fortran_order' and 'shape'");
  int nonUnit = 0;
  for (int64_t d : out.shape)
    nonUnit += d != 1;
  if (fortran && nonUnit > 1) {
    pos = fortranAt;
    return fail("Fortran-order arrays are not supported (save with C order)");
  }
  return Error::success();
}

std::string shapeLiteral(const std::vector<int64_t> &shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  if (shape.size() == 1)
    s += ",";
  return s + ")";
}

} // namespace

const char *npyDescr(NpyType type) {
  switch (type) {
  case NpyType::F32:
    return "<f4";
  case NpyType::I64:
    return "<i8";
  case NpyType::I32:
    return "<i4";
  case NpyType::U8:
    return "|u1";
  }
  return "?";
}

size_t npyItemSize(NpyType type) {
  switch (type) {
  case NpyType::I64:
    return 8;
  case NpyType::U8:
    return 1;
  default:
    return 4;
  }
}

int64_t NpyArray::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

Expected<NpyArray> parseNpy(const std::string &name,
                            const std::vector<unsigned char> &file) {
  if (file.size() < kMagicSize + 2 ||
      std::memcmp(file.data(), kMagic, kMagicSize) != 0)
    return makeError(name, ": byte 0: not a .npy file (no \\x93NUMPY magic)");
  unsigned major = file[6], minor = file[7];
  size_t lengthBytes = major == 1 ? 2 : 4;
  if ((major != 1 && major != 2 && major != 3) || minor != 0)
    return makeError(name, ": byte 6: unsupported .npy version ", major, ".",
                     minor, " (expected 1.0, 2.0 or 3.0)");
  size_t headerStart = 8 + lengthBytes;
  if (file.size() < headerStart)
    return makeError(name, ": byte ", file.size(),
                     ": file ends inside the header length");
  size_t headerLength = 0;
  for (size_t i = 0; i < lengthBytes; ++i)
    headerLength |= size_t(file[8 + i]) << (8 * i);
  if (file.size() - headerStart < headerLength)
    return makeError(name, ": byte ", file.size(), ": file ends inside the ",
                     headerLength, "-byte header");
  std::string header(file.begin() + headerStart,
                     file.begin() + headerStart + headerLength);

  NpyArray array;
  HeaderParser parser(name, header, int64_t(headerStart));
  if (Error e = parser.parse(array))
    return e;

  size_t dataStart = headerStart + headerLength;
  size_t dataBytes = size_t(array.numElements()) * npyItemSize(array.type);
  size_t available = file.size() - dataStart;
  if (available != dataBytes)
    return makeError(name, ": byte ", dataStart, ": shape ",
                     shapeLiteral(array.shape), " of ", npyDescr(array.type),
                     " needs ", dataBytes, " data bytes, the file has ",
                     available);
  array.bytes.assign(file.begin() + dataStart, file.end());
  array.dataOffset = int64_t(dataStart);
  return std::move(array);
}

Expected<NpyArray> readNpy(const std::string &path) {
  std::FILE *f = std::fopen(path.c_str(), "rb");
  if (!f)
    return makeError(path, ": cannot open: ", std::strerror(errno));
  std::vector<unsigned char> file;
  unsigned char buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), f)) > 0)
    file.insert(file.end(), buffer, buffer + n);
  bool failed = std::ferror(f);
  std::fclose(f);
  if (failed)
    return makeError(path, ": read error");
  return parseNpy(path, file);
}

Error writeNpy(const std::string &path, NpyType type,
               const std::vector<int64_t> &shape, const void *data) {
  std::string header =
      std::string("{'descr': '") + npyDescr(type) +
      "', 'fortran_order': False, 'shape': " + shapeLiteral(shape) + ", }";
  // Pad with spaces and end with '\n' so the data starts 64-byte aligned.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  if (header.size() > 0xffff)
    return makeError(path, ": shape too long for a .npy 1.0 header");

  int64_t count = 1;
  for (int64_t d : shape)
    count *= d;
  std::string tmp = path + ".tmp";
  std::FILE *f = std::fopen(tmp.c_str(), "wb");
  if (!f)
    return makeError(path, ": cannot create ", tmp, ": ", std::strerror(errno));
  unsigned char preamble[10] = {0x93,
                                'N',
                                'U',
                                'M',
                                'P',
                                'Y',
                                1,
                                0,
                                (unsigned char)(header.size() & 0xff),
                                (unsigned char)(header.size() >> 8)};
  size_t dataBytes = size_t(count) * npyItemSize(type);
  bool ok = std::fwrite(preamble, 1, 10, f) == 10 &&
            std::fwrite(header.data(), 1, header.size(), f) == header.size() &&
            (dataBytes == 0 || std::fwrite(data, 1, dataBytes, f) == dataBytes);
  ok = (std::fclose(f) == 0) && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    std::remove(tmp.c_str());
    return makeError(path, ": write failed: ", std::strerror(err));
  }
  return Error::success();
}

} // namespace logbtq::runtime
