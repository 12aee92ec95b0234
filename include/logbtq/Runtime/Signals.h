//===- Signals.h - Stopping a trainer cleanly -------------------*- C++ -*-===//
//
// SIGINT (Ctrl-C) and SIGTERM (a scheduler's stop) only set a flag; the
// training loop reads it between steps, writes a checkpoint of exactly where
// it is (--save) and returns, so `--resume` goes on bit for bit. SIGXFSZ is
// ignored, so that a file size limit (`ulimit -f`) makes a checkpoint write
// fail with a message instead of killing the process.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_RUNTIME_SIGNALS_H
#define LOGBTQ_RUNTIME_SIGNALS_H

namespace logbtq::runtime {

/// Installs the handlers (the trainer's main; not the C API's library,
/// which leaves signals to its program).
void installStopSignalHandlers();

/// The stop signal received and not yet acted on, or 0.
int pendingStopSignal();

/// Records that the loop stopped for `signal` (0: clears both).
void setStoppedBySignal(int signal);
/// The signal the training loop stopped for, or 0.
int stoppedBySignal();

/// "SIGINT", "SIGTERM", or "signal N".
const char *signalName(int signal);

} // namespace logbtq::runtime

#endif // LOGBTQ_RUNTIME_SIGNALS_H
