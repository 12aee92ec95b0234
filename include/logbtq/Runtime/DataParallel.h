//===- DataParallel.h - One step of data-parallel training ------*- C++ -*-===//
//
// A model compiled with --ranks N trains on N processes: every rank holds
// the same parameters, computes the loss and gradients of its share of the
// step's batch (the local step), sends them to every other rank, and
// applies the mean of all ranks' gradients (the apply step). Every rank
// combines the same bytes the same way, so the parameters stay identical on
// all of them without ever being sent.
//
// By default the exchange is one all-gather of a message per rank: its step
// stats, a stop flag, and its gradients as the model stores them: MU8
// codes with one range exponent per parameter (1 byte per parameter), or
// f32. MU8 gradients are summed exactly in integers (CodeMean.h); f32 ones
// in rank order, in double. Either way the result does not depend on MPI's
// reduction order. The alternatives (--exchange) all-reduce the decoded
// gradients as f32 (MPI's sum), or as int32 values on a grid the ranks
// share (the largest of their ranges per tensor; an exact sum of values
// rounded to that grid); the stats then travel in an all-gather of their
// own. `--exchange scatter` sends each rank's codes to the rank that owns
// them (1/N of the parameters each), which sums them exactly; the sums are
// then gathered as f32: the gather's exact result, in bytes and work per
// rank that do not grow with N.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_RUNTIME_DATAPARALLEL_H
#define LOGBTQ_RUNTIME_DATAPARALLEL_H

#include "logbtq/Runtime/Communicator.h"
#include "logbtq/Runtime/Model.h"
#include "logbtq/Runtime/Options.h"

#include <vector>

namespace logbtq::runtime {

/// What one data-parallel step did.
struct DataParallelResult {
  /// The step's stats over all ranks: mean loss, cross-entropy and barrier
  /// of the ranks' shares, correct predictions and counters summed, and the
  /// apply step's weight and momentum counters.
  StepStats stats;
  /// A rank asked to stop after this step (a signal).
  bool stop = false;
  /// The combined loss or gradient was not finite; nothing was applied.
  bool nonFinite = false;
};

class DataParallelStep {
public:
  DataParallelStep(Model &model, Communicator &comm,
                   GradientExchange mode = GradientExchange::Gather);

  /// The step on the batch in the model (this rank's share): exchange,
  /// then apply. `stop`: this rank wants to stop after it. With a
  /// non-finite combined loss or gradient, no update is applied (every rank
  /// decides alike).
  Expected<DataParallelResult> run(float lr, float t, int64_t step, bool stop);

  /// The first half of run(): the local step and the exchange. Leaves the
  /// mean gradient in meanGradients() (param-count f32 values, laid out
  /// like the parameters).
  Expected<DataParallelResult> exchange(float t, bool stop);
  const std::vector<float> &meanGradients() const { return mean; }
  /// The second half: the update from meanGradients(), its counters added
  /// to `result`'s.
  Error apply(DataParallelResult &result, float lr, int64_t step);

  /// Bytes each rank contributes per step (an all-gather sends them to
  /// every other rank; an all-reduce's algorithm decides what goes where).
  size_t messageBytes() const { return bytesPerRank; }
  /// Seconds spent in exchange() past the local step: the collectives and
  /// the sums.
  double exchangeSeconds() const { return seconds; }

private:
  /// The head of every rank's message: its local step's stats and its stop
  /// flag.
  struct Head;
  /// The local gradients as f32 (decoded at their exponents for MU8).
  void decodeLocal(std::vector<float> &out) const;
  /// This rank's head and exponents at the start of `message`, every
  /// rank's message gathered, and their heads read.
  void gatherMessages(const Head &head, std::vector<Head> &heads);
  /// Rank `rank`'s range exponent of parameter `param`, once gathered.
  int32_t exponentOf(size_t rank, size_t param) const;
  /// The ways of getting every rank's head and the mean gradient.
  void gatherCodes(const Head &head, std::vector<Head> &heads);
  void scatterCodes(const Head &head, std::vector<Head> &heads);
  void allReduce(const Head &head, std::vector<Head> &heads);
  /// The mean over the ranks of gradient elements [first, first + count)
  /// into `out`: `rankData(r)` points at rank r's gradients as stored,
  /// from element `first`; `rankExponent(r, p)` is rank r's range exponent
  /// of parameter p.
  template <typename Data, typename Exponent>
  void meanOf(size_t first, size_t count, Data rankData, Exponent rankExponent,
              float *out);

  Model &model;
  Communicator &comm;
  GradientExchange mode;
  double seconds = 0;
  size_t gradientBytes = 0;
  size_t bytesPerRank = 0;
  std::vector<unsigned char> message, gathered;
  std::vector<float> mean;
  std::vector<int32_t> grid, exponents;
  /// Scatter: elements per rank's share, and the buffers.
  size_t shard = 0;
  std::vector<unsigned char> sendCodes, receivedCodes;
  std::vector<float> shardMean, shardMeans;
};

/// Checks that every rank holds the same parameters, optimizer state and
/// ranges (a hash of them, gathered): they should, since every rank
/// applies the same update to the same state. A difference (a rank that
/// computed differently, a fault) is an error naming the first rank whose
/// state is not rank 0's. The training loop checks before each checkpoint.
Error checkSameState(const Model &model, Communicator &comm);

} // namespace logbtq::runtime

#endif // LOGBTQ_RUNTIME_DATAPARALLEL_H
