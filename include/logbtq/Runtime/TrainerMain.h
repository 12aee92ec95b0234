//===- TrainerMain.h - The trainer program ----------------------*- C++ -*-===//
//
// The body of the trainer's main(): flags, model, data, training or the step
// dump. main() itself lives in a separate library (LogBTQRuntimeMain,
// lib/Runtime/Main.cpp) that binds the linked model's symbols, so tests can
// run the trainer in-process on a fake model.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_RUNTIME_TRAINERMAIN_H
#define LOGBTQ_RUNTIME_TRAINERMAIN_H

#include "logbtq/Runtime/Communicator.h"
#include "logbtq/Runtime/Model.h"

#include <ostream>
#include <string>
#include <vector>

namespace logbtq::runtime {

/// Exit status of every error (bad flags, bad data, bad model results).
constexpr int kErrorExitCode = 2;

/// Prints the parsed model description (--model-info).
void printModelInfo(const ModelInfo &info, std::ostream &out);

/// Runs the trainer with `args` (args[0] is the program name), writing
/// results to `out` and the single error message, if any, to `err`.
/// `interactive` selects the redrawn progress line. Returns the exit status:
/// 0, or kErrorExitCode after an error. `comm`: the processes of a
/// data-parallel run (its errors name the rank), or null for one process.
int runTrainer(const std::vector<std::string> &args,
               const ModelEntryPoints &model, std::ostream &out,
               std::ostream &err, bool interactive,
               Communicator *comm = nullptr);

/// runTrainer on the process's arguments, stdout (interactive when it is a
/// terminal) and stderr; also turns exceptions (out of memory) into errors.
/// In an MPI job (a trainer linked with liblogbtq_runtime_mpi.a) only rank
/// 0 prints its progress, and an error on any rank ends the whole job.
int trainerMain(int argc, char **argv, const ModelEntryPoints &model);

} // namespace logbtq::runtime

#endif // LOGBTQ_RUNTIME_TRAINERMAIN_H
