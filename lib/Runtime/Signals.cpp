//===- Signals.cpp - Stopping a trainer cleanly ---------------------------===//

#include "logbtq/Runtime/Signals.h"

#include <csignal>
#include <cstdio>

namespace logbtq::runtime {
namespace {

volatile std::sig_atomic_t pending = 0;
int stopped = 0;

extern "C" void onStopSignal(int signal) { pending = signal; }

} // namespace

void installStopSignalHandlers() {
  struct sigaction action {};
  action.sa_handler = onStopSignal;
  sigemptyset(&action.sa_mask);
  // Restart interrupted reads and writes: the loop acts at step boundaries.
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  std::signal(SIGXFSZ, SIG_IGN);
}

int pendingStopSignal() { return pending; }

void setStoppedBySignal(int signal) {
  stopped = signal;
  if (!signal)
    pending = 0;
}

int stoppedBySignal() { return stopped; }

const char *signalName(int signal) {
  static char buffer[32];
  if (signal == SIGINT)
    return "SIGINT";
  if (signal == SIGTERM)
    return "SIGTERM";
  std::snprintf(buffer, sizeof buffer, "signal %d", signal);
  return buffer;
}

} // namespace logbtq::runtime
