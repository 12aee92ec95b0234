//===- Checkpoint.cpp - Saving and resuming a training run ----------------===//

#include "logbtq/Runtime/Checkpoint.h"
#include "logbtq/Runtime/AtomicFile.h"

#include "Format.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <unistd.h>
#include <vector>
#include <zlib.h>

namespace logbtq::runtime {
namespace {

/// Largest element count a checkpoint may promise (as for the model info):
/// keeps size arithmetic on a corrupt header from overflowing.
constexpr int64_t kMaxCount = int64_t(1) << 40;

/// Version 1's header: the present one without the lr schedule.
constexpr int64_t kV1HeaderBytes = 208;
/// Version 2's header: the present one without the epoch progress.
constexpr int64_t kV2HeaderBytes = 328;
/// Where versions 2 and 3 keep the number of optimizer state slots.
constexpr size_t kSlotsOffset = 260;

/// Appends little-endian fields, whatever the host's byte order.
class Writer {
public:
  std::vector<unsigned char> bytes;

  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i)
      bytes.push_back(static_cast<unsigned char>(v >> (8 * i)));
  }
  void u64(uint64_t v) {
    for (int i = 0; i < 8; ++i)
      bytes.push_back(static_cast<unsigned char>(v >> (8 * i)));
  }
  void i64(int64_t v) { u64(static_cast<uint64_t>(v)); }
  void f64(double v) {
    uint64_t u;
    std::memcpy(&u, &v, 8);
    u64(u);
  }
  void raw(const void *p, size_t n) {
    const auto *c = static_cast<const unsigned char *>(p);
    bytes.insert(bytes.end(), c, c + n);
  }
};

/// Reads little-endian fields at increasing offsets (bounds checked by the
/// caller, who knows the size first).
class Reader {
public:
  explicit Reader(const std::vector<unsigned char> &bytes) : bytes(bytes) {}
  size_t pos = 0;

  uint32_t u32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
      v |= uint32_t(bytes[pos++]) << (8 * i);
    return v;
  }
  uint64_t u64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
      v |= uint64_t(bytes[pos++]) << (8 * i);
    return v;
  }
  int64_t i64() { return static_cast<int64_t>(u64()); }
  double f64() {
    uint64_t u = u64();
    double v;
    std::memcpy(&v, &u, 8);
    return v;
  }

private:
  const std::vector<unsigned char> &bytes;
};

uint32_t crc32Of(const unsigned char *p, size_t n) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib's length is an unsigned int: feed it in pieces.
  while (n > 0) {
    uInt chunk = uInt(std::min<size_t>(n, 1u << 30));
    crc = crc32(crc, p, chunk);
    p += chunk;
    n -= chunk;
  }
  return uint32_t(crc);
}

std::string hex(uint64_t v) {
  return formatString("0x%llx", (unsigned long long)v);
}

Expected<std::vector<unsigned char>> readFile(const std::string &path) {
  std::FILE *f = std::fopen(path.c_str(), "rb");
  if (!f)
    return makeError("checkpoint ", path,
                     ": cannot open: ", std::strerror(errno));
  std::vector<unsigned char> bytes;
  unsigned char buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0)
    bytes.insert(bytes.end(), buffer, buffer + n);
  bool failed = std::ferror(f);
  std::fclose(f);
  if (failed)
    return makeError("checkpoint ", path, ": read error");
  return std::move(bytes);
}

} // namespace

std::string canonicalModelInfo(std::string_view text) {
  std::vector<std::string_view> lines;
  for (size_t at = 0; at < text.size();) {
    size_t end = text.find('\n', at);
    end = end == std::string_view::npos ? text.size() : end + 1;
    lines.push_back(text.substr(at, end - at));
    at = end;
  }
  auto valueOf = [](std::string_view line, std::string_view key,
                    long long &value) {
    if (line.substr(0, key.size()) != key)
      return false;
    std::string rest(line.substr(key.size()));
    char *end = nullptr;
    value = std::strtoll(rest.c_str(), &end, 10);
    return end != rest.c_str() && (*end == '\n' || *end == 0);
  };
  long long ranks = 0;
  for (std::string_view line : lines)
    if (valueOf(line, "ranks ", ranks))
      break;
  if (ranks <= 0)
    return std::string(text);
  std::string out;
  for (std::string_view line : lines) {
    long long value = 0;
    if (valueOf(line, "ranks ", value))
      continue;
    if (valueOf(line, "batch ", value))
      out += "batch " + std::to_string(value * ranks) + "\n";
    else
      out += line;
  }
  return out;
}

uint64_t fnv1a64(const void *data, size_t n, uint64_t hash) {
  const auto *p = static_cast<const unsigned char *>(data);
  for (size_t i = 0; i < n; ++i) {
    hash ^= p[i];
    hash *= 0x100000001b3ull;
  }
  return hash;
}

uint64_t modelInfoHash(std::string_view text) {
  std::string canonical = canonicalModelInfo(text);
  return fnv1a64(canonical.data(), canonical.size());
}

int64_t checkpointBytes(const Model &model) {
  return kCheckpointHeaderBytes + model.stateBytes() +
         model.optimizerStateBytes() + 4 * model.rangeCount() + 4;
}

Error saveCheckpoint(const std::string &path, const Model &model,
                     const RunState &state) {
  const ModelInfo &info = model.info();
  Writer w;
  w.bytes.reserve(size_t(checkpointBytes(model)));
  w.raw(kCheckpointMagic, sizeof kCheckpointMagic);
  w.u32(kCheckpointVersion);
  w.u32(uint32_t(kCheckpointHeaderBytes));
  w.u64(modelInfoHash(model.infoText()));
  w.u32(uint32_t(info.quant));
  w.u32(uint32_t(int32_t(info.weightExponent)));
  w.i64(info.paramCount);
  w.i64(model.rangeCount());
  w.i64(state.epochsDone);
  w.i64(state.step);
  w.u64(state.seed);
  w.i64(state.trainSamples);
  w.f64(state.t);
  w.f64(state.lr);
  w.f64(state.t0);
  w.f64(state.gamma);
  w.f64(state.tMax);
  for (double c : state.counters.sums)
    w.f64(c);
  const LrSchedule &lr = state.lrSchedule;
  w.u32(uint32_t(lr.kind));
  w.u32(lr.decayLast ? 1 : 0);
  w.f64(lr.lr);
  w.f64(lr.lrMin);
  w.f64(lr.decayFactor);
  w.i64(lr.warmupSteps);
  w.i64(lr.epochs);
  if (lr.decayEpochs.size() > kMaxLrDecayEpochs)
    return makeError("internal error: ", lr.decayEpochs.size(),
                     " lr decay epochs");
  w.u32(uint32_t(lr.decayEpochs.size()));
  w.u32(uint32_t(model.slots()));
  for (size_t i = 0; i < kMaxLrDecayEpochs; ++i)
    w.i64(i < lr.decayEpochs.size() ? lr.decayEpochs[i] : 0);
  const EpochProgress &p = state.progress;
  w.i64(p.batchesDone);
  w.i64(p.skippedSteps);
  w.f64(p.lossSum);
  w.f64(p.ceSum);
  w.f64(p.barrierSum);
  w.f64(p.correct);
  for (double c : p.counters.sums)
    w.f64(c);
  if (int64_t(w.bytes.size()) != kCheckpointHeaderBytes)
    return makeError("internal error: checkpoint header of ", w.bytes.size(),
                     " bytes");
  // The buffers as the model keeps them (MU8 codes are bytes; f32 values are
  // little-endian on every host the runtime supports).
  w.raw(model.paramBytes(), size_t(model.stateBytes()));
  w.raw(model.momentumBytes(), size_t(model.optimizerStateBytes()));
  const int32_t *ranges = model.rangeValues();
  for (int64_t i = 0; i < model.rangeCount(); ++i)
    w.u32(uint32_t(ranges[i]));
  w.u32(crc32Of(w.bytes.data(), w.bytes.size()));
  return writeFileAtomically("--save", path, w.bytes.data(), w.bytes.size());
}

Expected<CheckpointFile> readCheckpointFile(const std::string &path) {
  Expected<std::vector<unsigned char>> file = readFile(path);
  if (!file)
    return file.error();
  CheckpointFile result;
  result.bytes = std::move(*file);
  const std::vector<unsigned char> &bytes = result.bytes;
  auto fail = [&](const auto &...parts) {
    return makeError("checkpoint ", path, ": ", parts...);
  };
  const int64_t size = int64_t(bytes.size());
  size_t magicBytes = std::min(bytes.size(), sizeof kCheckpointMagic);
  // (An empty file has no data pointer to compare: memcmp's is non-null.)
  if (magicBytes > 0 &&
      std::memcmp(bytes.data(), kCheckpointMagic, magicBytes) != 0)
    return fail("not a logbtq checkpoint (bad magic; expected 'LOGBTQCK')");
  // The smallest header (version 1's) first, to read the version.
  if (size < kV1HeaderBytes + 4)
    return fail("truncated (", size, " bytes, less than the ",
                kV1HeaderBytes + 4, " of a header and checksum)");

  Reader r(bytes);
  r.pos = sizeof kCheckpointMagic;
  uint32_t version = r.u32();
  if (version < 1 || version > kCheckpointVersion)
    return fail("unsupported format version ", version, " (this runtime reads ",
                "1 to ", kCheckpointVersion, ")");
  const int64_t headerSize = version == 1   ? kV1HeaderBytes
                             : version == 2 ? kV2HeaderBytes
                                            : kCheckpointHeaderBytes;
  if (size < headerSize + 4)
    return fail("truncated (", size, " bytes, less than the ", headerSize + 4,
                " of a header and checksum)");
  uint32_t headerBytes = r.u32();
  uint64_t hash = r.u64();
  uint32_t quant = r.u32();
  int32_t weightExponent = int32_t(r.u32());
  int64_t paramCount = r.i64();
  int64_t rangeCount = r.i64();
  if (headerBytes != uint32_t(headerSize) || quant > 1 || paramCount < 0 ||
      paramCount > kMaxCount || rangeCount < 0 || rangeCount > kMaxCount)
    return fail("corrupt header (header size ", headerBytes, ", quant ", quant,
                ", ", paramCount, " parameters, ", rangeCount, " ranges)");
  // Optimizer state slots per parameter (version 1: SGD's one), read ahead
  // of the schedule fields it sits among.
  int64_t slots = 1;
  if (version != 1) {
    Reader s(bytes);
    s.pos = kSlotsOffset;
    slots = s.u32();
    if (slots < 1 || slots > 2)
      return fail("corrupt header (", slots, " optimizer state slots)");
  }
  int64_t elementSize = quant == uint32_t(QuantKind::MU8) ? 1 : 4;
  int64_t expected = headerSize + (1 + slots) * paramCount * elementSize +
                     4 * rangeCount + 4;
  if (size < expected)
    return fail("truncated (", size, " bytes; its header promises ", expected,
                ")");
  if (size > expected)
    return fail(size, " bytes, but its header promises ", expected,
                " (trailing data or a corrupt header)");
  Reader tail(bytes);
  tail.pos = size_t(size - 4);
  uint32_t stored = tail.u32();
  uint32_t computed = crc32Of(bytes.data(), size_t(size - 4));
  if (stored != computed)
    return fail("checksum mismatch (stored ", hex(stored), ", computed ",
                hex(computed), "): the file is corrupt");
  result.version = version;
  result.headerSize = headerSize;
  result.modelHash = hash;
  result.quant = QuantKind(quant);
  result.weightExponent = weightExponent;
  result.paramCount = paramCount;
  result.rangeCount = rangeCount;
  result.slots = slots;
  Reader rr(bytes);
  rr.pos = size_t(expected - 4 - 4 * rangeCount);
  result.ranges.resize(size_t(rangeCount));
  for (int32_t &v : result.ranges)
    v = int32_t(rr.u32());
  return result;
}

Expected<RunState> loadCheckpoint(const std::string &path, Model &model) {
  Expected<CheckpointFile> file = readCheckpointFile(path);
  if (!file)
    return file.error();
  const std::vector<unsigned char> &bytes = file->bytes;
  auto fail = [&](const auto &...parts) {
    return makeError("checkpoint ", path, ": ", parts...);
  };
  const uint32_t version = file->version;
  const int64_t headerSize = file->headerSize;
  const uint64_t hash = file->modelHash;
  const uint32_t quant = uint32_t(file->quant);
  const int32_t weightExponent = file->weightExponent;
  const int64_t paramCount = file->paramCount, rangeCount = file->rangeCount;
  const int64_t slots = file->slots;
  Reader r(bytes);
  r.pos = 48; // after the fields readCheckpointFile checked

  const ModelInfo &info = model.info();
  uint64_t ours = modelInfoHash(model.infoText());
  if (hash != ours)
    return fail("written for a different model (model info hash ", hex(hash),
                ", this model's ", hex(ours), ")");
  if (QuantKind(quant) != info.quant || weightExponent != info.weightExponent ||
      paramCount != info.paramCount || rangeCount != model.rangeCount() ||
      slots != model.slots())
    return fail("written for a different model (quant ",
                quantName(QuantKind(quant)), ", ", paramCount,
                " parameters; this model: quant ", quantName(info.quant), ", ",
                info.paramCount, ")");

  RunState state;
  state.epochsDone = r.i64();
  state.step = r.i64();
  state.seed = r.u64();
  state.trainSamples = r.i64();
  state.t = r.f64();
  state.lr = r.f64();
  state.t0 = r.f64();
  state.gamma = r.f64();
  state.tMax = r.f64();
  for (double &c : state.counters.sums)
    c = r.f64();
  if (state.epochsDone < 0 || state.step < 0 || state.trainSamples < 0)
    return fail("corrupt header (", state.epochsDone, " epochs, step ",
                state.step, ")");
  state.hasLrSchedule = version != 1;
  if (state.hasLrSchedule) {
    LrSchedule &lr = state.lrSchedule;
    uint32_t kind = r.u32();
    uint32_t flags = r.u32();
    lr.kind = LrScheduleKind(kind);
    lr.decayLast = flags & 1;
    lr.lr = r.f64();
    lr.lrMin = r.f64();
    lr.decayFactor = r.f64();
    lr.warmupSteps = r.i64();
    lr.epochs = r.i64();
    uint32_t decays = r.u32();
    r.u32(); // the slots, read above
    if (kind > 1 || flags > 1 || decays > kMaxLrDecayEpochs ||
        lr.warmupSteps < 0 || lr.epochs < 0)
      return fail("corrupt header (lr schedule kind ", kind, ", flags ", flags,
                  ", ", decays, " decay epochs, ", lr.warmupSteps,
                  " warm-up steps)");
    for (size_t i = 0; i < kMaxLrDecayEpochs; ++i) {
      int64_t e = r.i64();
      if (i < decays)
        lr.decayEpochs.push_back(e);
    }
  }
  if (version >= 3) {
    EpochProgress &p = state.progress;
    p.batchesDone = r.i64();
    p.skippedSteps = r.i64();
    p.lossSum = r.f64();
    p.ceSum = r.f64();
    p.barrierSum = r.f64();
    p.correct = r.f64();
    for (double &c : p.counters.sums)
      c = r.f64();
    if (p.batchesDone < 0 || p.skippedSteps < 0 ||
        p.skippedSteps > p.batchesDone)
      return fail("corrupt header (", p.batchesDone, " batches done, ",
                  p.skippedSteps, " skipped)");
  }

  const unsigned char *params = bytes.data() + headerSize;
  const unsigned char *momentum = params + model.stateBytes();
  if (Error e = model.restoreState(params, momentum, file->ranges.data()))
    return e;
  return state;
}

} // namespace logbtq::runtime
