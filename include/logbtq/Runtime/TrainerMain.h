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
/// 0, or kErrorExitCode after an error.
int runTrainer(const std::vector<std::string> &args,
               const ModelEntryPoints &model, std::ostream &out,
               std::ostream &err, bool interactive);

/// runTrainer on the process's arguments, stdout (interactive when it is a
/// terminal) and stderr; also turns exceptions (out of memory) into errors.
int trainerMain(int argc, char **argv, const ModelEntryPoints &model);

} // namespace logbtq::runtime

#endif // LOGBTQ_RUNTIME_TRAINERMAIN_H
