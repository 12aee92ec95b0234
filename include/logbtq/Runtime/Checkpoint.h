//===- Checkpoint.h - Saving and resuming a training run --------*- C++ -*-===//
//
// `--save FILE` writes, after every epoch, everything a run needs to go on
// exactly as if it had not stopped: the model's parameter, momentum and
// range buffers as they are (f32 values or MU8 codes), and where the run
// stands (epochs done, the global step counter, seed, schedule, the run's
// counters). `--resume FILE` loads it. The format (docs/Runtime.md) is a
// fixed little-endian header, the buffers, and a zlib CRC-32 of everything
// before it; a file is replaced atomically (written as FILE.tmp, synced,
// renamed), so a crash leaves the previous checkpoint or the new one.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_RUNTIME_CHECKPOINT_H
#define LOGBTQ_RUNTIME_CHECKPOINT_H

#include "logbtq/Runtime/Error.h"
#include "logbtq/Runtime/LrSchedule.h"
#include "logbtq/Runtime/Model.h"
#include "logbtq/Runtime/QuantStats.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace logbtq::runtime {

/// The file's first 8 bytes.
constexpr char kCheckpointMagic[8] = {'L', 'O', 'G', 'B', 'T', 'Q', 'C', 'K'};
/// The format version this runtime writes; it reads this one, version 2
/// (which cannot stop inside an epoch) and version 1 (which also has no
/// learning-rate schedule).
constexpr uint32_t kCheckpointVersion = 3;
/// Bytes of the header, where the parameters start (208 in version 1, 328
/// in version 2).
constexpr int64_t kCheckpointHeaderBytes = 464;

/// How far an interrupted epoch got (a checkpoint written on SIGINT or
/// SIGTERM): its batches done and what its epoch line sums so far.
struct EpochProgress {
  int64_t batchesDone = 0;
  int64_t skippedSteps = 0;
  double lossSum = 0, ceSum = 0, barrierSum = 0, correct = 0;
  QuantCounters counters;
};

/// Where a run stands after an epoch: what resume needs besides the model's
/// buffers.
struct RunState {
  int64_t epochsDone = 0;   ///< completed epochs
  int64_t step = 0;         ///< train steps done: the next step's number
  uint64_t seed = 0;        ///< --seed
  int64_t trainSamples = 0; ///< training split size (after --train-limit)
  double t = 0;             ///< barrier t of the last completed epoch
  double lr = 0;            ///< learning rate of the last completed epoch
  double t0 = 0, gamma = 0, tMax = 0; ///< the barrier schedule in effect
  LrSchedule lrSchedule;              ///< the learning-rate schedule
  /// False for a version-1 checkpoint, which did not record lrSchedule.
  bool hasLrSchedule = true;
  QuantCounters counters;             ///< summed over every epoch done
  /// Inside epoch epochsDone + 1, when the run was interrupted in it.
  EpochProgress progress;
};

/// FNV-1a 64 of `n` bytes, going on from `hash` (the offset basis by
/// default), so that several buffers hash as their concatenation.
uint64_t fnv1a64(const void *data, size_t n,
                 uint64_t hash = 0xcbf29ce484222325ull);

/// FNV-1a 64 of the model info text: a checkpoint of another model (or of
/// the same model compiled differently) is refused. A data-parallel
/// model's text is hashed as the one-process model of the same step's
/// batch would be (canonicalModelInfo), so its checkpoints resume on any
/// number of ranks.
uint64_t modelInfoHash(std::string_view text);

/// `text` with a `ranks N` record removed and its `batch` record multiplied
/// by N: the description of the same model trained in one process. Any
/// other text is returned as it is.
std::string canonicalModelInfo(std::string_view text);

/// The size of a checkpoint of `model`: header + (1 + slots) * param-count
/// * element size + 4 * ranges (slots per param record) + 4 (the CRC).
int64_t checkpointBytes(const Model &model);

/// Writes a checkpoint of `model` and `state` to `path` atomically.
Error saveCheckpoint(const std::string &path, const Model &model,
                     const RunState &state);

/// A checkpoint file read whole and checked on its own (magic, version,
/// header, size, CRC), before any model is compared with it.
struct CheckpointFile {
  uint32_t version = 0;
  int64_t headerSize = 0;
  uint64_t modelHash = 0; ///< modelInfoHash of the trainer's model info
  QuantKind quant = QuantKind::F32;
  int32_t weightExponent = 0;
  int64_t paramCount = 0, rangeCount = 0, slots = 1;
  std::vector<int32_t> ranges;
  std::vector<unsigned char> bytes; ///< the whole file

  /// The parameters as the model keeps them: paramCount f32 values or MU8
  /// codes, from byte headerSize on.
  const unsigned char *parameters() const { return bytes.data() + headerSize; }
};

/// Reads the checkpoint at `path` and checks it as a file. Errors name the
/// file and the reason (the same as loadCheckpoint's).
Expected<CheckpointFile> readCheckpointFile(const std::string &path);

/// Reads the checkpoint at `path`, checks it (complete, magic, version,
/// CRC, written for this model) and loads its buffers into `model`. Errors
/// name the file and the reason: "checkpoint ck.bin: checksum mismatch ...".
Expected<RunState> loadCheckpoint(const std::string &path, Model &model);

} // namespace logbtq::runtime

#endif // LOGBTQ_RUNTIME_CHECKPOINT_H
