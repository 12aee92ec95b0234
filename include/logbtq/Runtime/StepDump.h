//===- StepDump.h - One step on a given batch, written as .npy --*- C++ -*-===//
//
// `--step-inputs X.npy Y.npy --dump DIR` checks the compiled step against
// another implementation (PyTorch, the numpy reference): it runs grad_step
// on the batch and writes DIR/loss.npy (f32 scalar: the total loss) and
// DIR/grad.<name>.npy for every trainable parameter, then runs train_step
// once (from zero momentum and ranges, as step 0) and writes
// DIR/param.<name>.npy for every parameter after the update. Arrays have the
// parameter's shape and are float32 whatever the model's quant: gradients
// are f32 in the ABI, MU8 parameter codes are decoded at the weight exponent.
//
// `--dump-step N` numbers that train step N (its stochastic rounding draws).
// `--dump-steps K` runs K train steps on the batch (N, N+1, ...) and writes
// the raw state before and after each, DIR/state.0 ... DIR/state.K, so that
// a reference can replay every step from exactly the compiled state before
// it: the undecoded parameters and momentum (int32 MU8 codes, or f32), the
// momentum ranges, the gradients there, and the stats vector of the step
// that led to it. Decoded values alone hide the codes, the momentum ranges
// and the counters, which are what an MU8 step test compares.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_RUNTIME_STEPDUMP_H
#define LOGBTQ_RUNTIME_STEPDUMP_H

#include "logbtq/Runtime/Communicator.h"
#include "logbtq/Runtime/Error.h"
#include "logbtq/Runtime/Model.h"
#include "logbtq/Runtime/Options.h"

#include <ostream>
#include <string>

namespace logbtq::runtime {

/// The file-name form of a parameter name: characters other than letters,
/// digits, '.', '_' and '-' become '_' ("/conv1/W" -> "_conv1_W").
std::string fileNameOf(const std::string &paramName);

/// Loads X.npy and Y.npy into the model's batch: X float32 of shape
/// [batch, input...] (or [batch, inputSize]), Y int64 or int32 of shape
/// [batch] with labels in [0, classes). With `ranks` > 1 the files hold a
/// step of the whole job, ranks * batch samples, and the model gets the
/// `rank`-th share.
Error loadStepInputs(Model &model, const std::string &xPath,
                     const std::string &yPath, int64_t ranks = 1,
                     int64_t rank = 0);

/// Runs the dump described above with options.lr and t = the barrier's t0
/// (after --barrier-t0), and reports what it wrote to `out`.
///
/// A data-parallel model (on the ranks of `comm`) dumps the step of the
/// whole job: the combined loss and the mean of the ranks' gradients
/// (DataParallel.h), then the parameters after the update from them;
/// rank 0 writes the files. --dump-steps is not available there.
Error runStepDump(Model &model, const TrainerOptions &options,
                  std::ostream &out, Communicator *comm = nullptr);

} // namespace logbtq::runtime

#endif // LOGBTQ_RUNTIME_STEPDUMP_H
