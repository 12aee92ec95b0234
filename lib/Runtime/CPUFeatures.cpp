//===- CPUFeatures.cpp - The CPU a trainer was compiled for ---------------===//

#include "logbtq/Runtime/CPUFeatures.h"

#include <sstream>
#include <vector>

namespace logbtq::runtime {

bool hostHasCPUFeature(const std::string &name) {
#if defined(__x86_64__) || defined(__i386__)
  // __builtin_cpu_supports takes string literals only: one test per name.
#define LOGBTQ_FEATURE(NAME)                                                   \
  if (name == NAME)                                                            \
    return __builtin_cpu_supports(NAME);
  LOGBTQ_FEATURE("sse3")
  LOGBTQ_FEATURE("ssse3")
  LOGBTQ_FEATURE("sse4.1")
  LOGBTQ_FEATURE("sse4.2")
  LOGBTQ_FEATURE("popcnt")
  LOGBTQ_FEATURE("avx")
  LOGBTQ_FEATURE("avx2")
  LOGBTQ_FEATURE("fma")
  LOGBTQ_FEATURE("bmi")
  LOGBTQ_FEATURE("bmi2")
  LOGBTQ_FEATURE("f16c")
  LOGBTQ_FEATURE("movbe")
  LOGBTQ_FEATURE("lzcnt")
  LOGBTQ_FEATURE("avx512f")
  LOGBTQ_FEATURE("avx512dq")
  LOGBTQ_FEATURE("avx512cd")
  LOGBTQ_FEATURE("avx512bw")
  LOGBTQ_FEATURE("avx512vl")
  LOGBTQ_FEATURE("avx512ifma")
  LOGBTQ_FEATURE("avx512vbmi")
  LOGBTQ_FEATURE("avx512vbmi2")
  LOGBTQ_FEATURE("avx512vnni")
  LOGBTQ_FEATURE("avx512bitalg")
  LOGBTQ_FEATURE("avx512vpopcntdq")
  LOGBTQ_FEATURE("avx512bf16")
  LOGBTQ_FEATURE("gfni")
  LOGBTQ_FEATURE("vpclmulqdq")
  LOGBTQ_FEATURE("vaes")
  LOGBTQ_FEATURE("avxvnni")
#undef LOGBTQ_FEATURE
#endif
  return false;
}

Error checkCPUFeatures(const std::string &required,
                       const std::function<bool(const std::string &)> &has) {
  std::vector<std::string> missing;
  std::stringstream list(required);
  for (std::string feature; std::getline(list, feature, ',');)
    if (!feature.empty() && !has(feature))
      missing.push_back(feature);
  if (missing.empty())
    return Error::success();
  std::string names;
  for (const std::string &feature : missing)
    names += (names.empty() ? "" : ", ") + feature;
  return makeError("this trainer was compiled for a CPU with ", required,
                   "; this CPU lacks ", names,
                   ": compile it again with logbtq-compile "
                   "--target-cpu=generic (or on this machine)");
}

} // namespace logbtq::runtime
