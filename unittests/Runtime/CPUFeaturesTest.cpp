//===- CPUFeaturesTest.cpp - A trainer refuses a CPU it was not built for -===//

#include "logbtq/Runtime/CPUFeatures.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

using namespace logbtq::runtime;

namespace {

/// A CPU with exactly `features`.
std::function<bool(const std::string &)>
cpuWith(std::set<std::string> features) {
  return [features](const std::string &name) { return features.count(name); };
}

TEST(CPUFeatures, NothingRequiredRunsAnywhere) {
  EXPECT_FALSE(checkCPUFeatures("", cpuWith({})));
}

TEST(CPUFeatures, AllPresentPasses) {
  EXPECT_FALSE(checkCPUFeatures("avx2,avx512f,avx512vnni",
                                cpuWith({"avx2", "avx512f", "avx512vnni"})));
}

TEST(CPUFeatures, MissingFeaturesAreNamed) {
  Error e = checkCPUFeatures("avx2,avx512f,avx512bw,avx512vnni",
                             cpuWith({"avx2", "avx512f"}));
  ASSERT_TRUE(e);
  EXPECT_EQ(e.message(),
            "this trainer was compiled for a CPU with "
            "avx2,avx512f,avx512bw,avx512vnni; this CPU lacks avx512bw, "
            "avx512vnni: compile it again with logbtq-compile "
            "--target-cpu=generic (or on this machine)");
}

TEST(CPUFeatures, UnknownNamesAreMissingOnTheHost) {
  // The host query knows only the features logbtq-compile records.
  EXPECT_FALSE(hostHasCPUFeature("no-such-feature"));
  EXPECT_TRUE(checkCPUFeatures("no-such-feature"));
}

TEST(CPUFeatures, HostQueryAgreesWithProcCpuinfo) {
  // The kernel's flag names for a few of the features (Linux only).
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line) && line.rfind("flags", 0) != 0) {
  }
  if (line.empty())
    GTEST_SKIP() << "no /proc/cpuinfo flags";
  std::set<std::string> flags;
  std::istringstream words(line.substr(line.find(':') + 1));
  for (std::string word; words >> word;)
    flags.insert(word);
  for (auto [feature, flag] : {std::pair{"avx2", "avx2"},
                               {"fma", "fma"},
                               {"avx512f", "avx512f"},
                               {"avx512bw", "avx512bw"},
                               {"avx512vnni", "avx512_vnni"},
                               {"avx512vbmi", "avx512vbmi"}})
    EXPECT_EQ(hostHasCPUFeature(feature), flags.count(flag) == 1) << feature;
}

} // namespace
