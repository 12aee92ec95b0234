//===- RateColumnsTest.cpp - Each counter rate in its own column ----------===//
//
// The MU8 fake model with its counters replaced by fixed, distinct values:
// every rate of the epoch line, the final line and the --metrics records is
// a different number, so a column that shows another kind's rate (weights
// and gradients swapped, say) fails here.
//
//===----------------------------------------------------------------------===//

#include "logbtq/Runtime/TrainerABI.h"

#include "FakeModel.h"
#include "TestUtil.h"
#include "TrainerTestUtil.h"

#include "gtest/gtest.h"

#include <fstream>

using namespace logbtq;
using namespace logbtq::testing;

namespace {

/// Per step: saturations and encodes of each kind with distinct rates and
/// distinct denominators (weights 10/1000 = 1%, activations 8/400 = 2%,
/// gradients 6/200 = 3%, momentum 2/50 = 4%, zero activations 28/400 = 7%),
/// and 5 accumulator overflows of 1000.
void trainStepWithFixedCounters(LogbtqTrainResults *results,
                                LogbtqMemRef1D *params,
                                LogbtqMemRef1D *momentum,
                                LogbtqMemRef1D *ranges, LogbtqMemRef1D *x,
                                LogbtqMemRef1D *y, float lr, float t,
                                int64_t step) {
  fake::mu8EntryPoints().trainStep(results, params, momentum, ranges, x, y,
                                   lr, t, step);
  float *stats =
      static_cast<float *>(results->stats.aligned) + results->stats.offset;
  stats[LOGBTQ_STAT_SAT_WEIGHTS] = 10;
  stats[LOGBTQ_STAT_ENC_WEIGHTS] = 1000;
  stats[LOGBTQ_STAT_SAT_ACTIVATIONS] = 8;
  stats[LOGBTQ_STAT_ENC_ACTIVATIONS] = 400;
  stats[LOGBTQ_STAT_SAT_GRADIENTS] = 6;
  stats[LOGBTQ_STAT_ENC_GRADIENTS] = 200;
  stats[LOGBTQ_STAT_SAT_MOMENTUM] = 2;
  stats[LOGBTQ_STAT_ENC_MOMENTUM] = 50;
  stats[LOGBTQ_STAT_ACC_OVERFLOW] = 5;
  stats[LOGBTQ_STAT_ACC_OUTPUTS] = 1000;
  stats[LOGBTQ_STAT_ZERO_ACTIVATIONS] = 28;
}

TEST(RateColumns, EachRateInItsNamedColumn) {
  TempDir dir;
  writeSeparableData(dir);
  runtime::ModelEntryPoints entry = fake::mu8EntryPoints();
  entry.trainStep = trainStepWithFixedCounters;
  std::string metrics = dir.file("m.jsonl");
  // 160 samples: 10 steps of 16 per epoch.
  RunResult r = run({"--data", dir.path(), "--epochs", "2", "--train-limit",
                     "160", "--quiet", "--metrics", metrics},
                    entry);
  ASSERT_EQ(r.code, 0) << r.err;

  std::vector<std::string> printed = lines(r.out);
  ASSERT_EQ(printed.size(), 3u) << r.out;
  for (int e = 0; e < 2; ++e)
    EXPECT_TRUE(contains(printed[size_t(e)],
                         "  sat act 2.00% w 1.00% g 3.00% m 4.00%  "
                         "acc ovf 50  zero act 7.00%  "))
        << printed[size_t(e)];
  EXPECT_TRUE(contains(printed[2], "  act sat 2.00%  peak RSS ")) << printed[2];

  std::ifstream in(metrics);
  std::vector<std::string> json =
      lines(std::string(std::istreambuf_iterator<char>(in), {}));
  ASSERT_EQ(json.size(), 3u);
  const std::string epochRates =
      "\"sat_act\": 0.02, \"sat_weight\": 0.01, \"sat_grad\": 0.03, "
      "\"sat_mom\": 0.04, \"acc_overflow\": 50, \"zero_act\": 0.07, ";
  EXPECT_TRUE(contains(json[0], epochRates)) << json[0];
  EXPECT_TRUE(contains(json[1], epochRates)) << json[1];
  // The final record: the same rates over the run, 100 overflows in all.
  EXPECT_TRUE(contains(json[2],
                       "\"sat_act\": 0.02, \"sat_weight\": 0.01, "
                       "\"sat_grad\": 0.03, \"sat_mom\": 0.04, "
                       "\"acc_overflow\": 100, \"zero_act\": 0.07, "))
      << json[2];
}

} // namespace
