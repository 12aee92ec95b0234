//===- CPUFeatures.h - The CPU a trainer was compiled for -------*- C++ -*-===//
//
// logbtq-compile --target-cpu records the CPU features the model code may
// use (the string constant `logbtq_cpu_features`, "avx2,avx512f,..."). A
// trainer checks them before it calls the model, so that on a CPU without
// them it stops with a message instead of SIGILL.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_RUNTIME_CPUFEATURES_H
#define LOGBTQ_RUNTIME_CPUFEATURES_H

#include "logbtq/Runtime/Error.h"

#include <functional>
#include <string>

namespace logbtq::runtime {

/// Whether this CPU has the feature `name` (LLVM's and GCC's names agree for
/// every feature logbtq-compile records); false for a name it does not know.
bool hostHasCPUFeature(const std::string &name);

/// Fails, naming what is missing, unless `has` holds for every feature of
/// the comma-separated `required` (empty: nothing is required).
Error checkCPUFeatures(
    const std::string &required,
    const std::function<bool(const std::string &)> &has = hostHasCPUFeature);

} // namespace logbtq::runtime

#endif // LOGBTQ_RUNTIME_CPUFEATURES_H
