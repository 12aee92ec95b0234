//===- ModelStateTest.cpp - Parameter ranges a Model keeps ----------------===//

#include "FakeModel.h"

#include "logbtq/Numerics/MU8.h"
#include "logbtq/Runtime/Model.h"

#include "gtest/gtest.h"

#include <vector>

using namespace logbtq;
using namespace logbtq::runtime;

namespace {

// Two parameters, the second a batch norm statistic: its codes are read at
// the range that follows the momentum ranges, not at its record's.
const char *kInfo = "logbtq-model 3\n"
                    "batch 2\n"
                    "input 3\n"
                    "classes 2\n"
                    "quant mu8 0\n"
                    "param-count 6\n"
                    "param w 2,2 0 trainable 0\n"
                    "param running_var 2 4 statistic 1\n"
                    "barrier 0 1 5 1.1 100\n"
                    "optimizer sgd 0.9 0\n";

TEST(ModelState, StatisticRangesFollowTheMomentumRanges) {
  const unsigned char codes[6] = {10, 20, 30, 40, 127, 64};
  ModelEntryPoints entry = fake::mu8EntryPoints();
  entry.info = kInfo;
  entry.initialParams = codes;
  Expected<std::unique_ptr<Model>> model = Model::create(entry);
  ASSERT_TRUE(model) << model.error().message();
  Model &m = **model;
  // One momentum range per parameter, then one per statistic, which starts
  // at its record's exponent.
  ASSERT_EQ(m.rangeCount(), 3);
  EXPECT_EQ(m.rangeValues()[0], 0);
  EXPECT_EQ(m.rangeValues()[1], 0);
  EXPECT_EQ(m.rangeValues()[2], 1);
  EXPECT_EQ(m.exponentOf(1), 1);
  EXPECT_EQ(m.param(4), 2.0f); // code 127 at range 2^1
  EXPECT_EQ(m.param(0), mu8::decode(10, 0));

  // A new range (a train step's or a checkpoint's) rescales the codes.
  const unsigned char momentum[6] = {};
  const int32_t ranges[3] = {0, 0, 3};
  ASSERT_FALSE(m.restoreState(codes, momentum, ranges));
  EXPECT_EQ(m.exponentOf(1), 3);
  EXPECT_EQ(m.exponentAt(5), 3);
  EXPECT_EQ(m.param(4), 8.0f);
  std::vector<float> values = m.paramValues();
  EXPECT_EQ(values[5], mu8::decode(64, 3));
  EXPECT_EQ(values[1], mu8::decode(20, 0));
}

} // namespace
