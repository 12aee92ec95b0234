//===- StepGuardTest.cpp - Non-finite steps and saturation stops ----------===//

#include "FakeModel.h"

#include "logbtq/Runtime/StepGuard.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace logbtq::runtime;

namespace {

std::unique_ptr<Model> fakeModel() {
  Expected<std::unique_ptr<Model>> model =
      Model::create(logbtq::fake::entryPoints());
  EXPECT_TRUE(model) << model.error().message();
  return std::move(*model);
}

TEST(StepGuard, NamesTheLossOrTheParameter) {
  std::unique_ptr<Model> model = fakeModel();
  StepStats stats;
  stats.loss = 0.5;
  EXPECT_FALSE(findNonFinite(*model, stats));
  stats.loss = std::numeric_limits<double>::infinity();
  EXPECT_EQ(findNonFinite(*model, stats), std::string("the loss (inf)"));

  // A NaN in the second parameter record (the weights, after the scale).
  stats.loss = 1;
  std::vector<unsigned char> params(model->paramBytes(),
                                    model->paramBytes() + model->stateBytes());
  float nan = std::nanf("");
  std::memcpy(params.data() + 4 * sizeof(float), &nan, sizeof nan);
  ASSERT_FALSE(model->restoreState(params.data(), model->momentumBytes(),
                                   model->rangeValues()));
  std::optional<std::string> bad = findNonFinite(*model, stats);
  ASSERT_TRUE(bad);
  EXPECT_NE(bad->find("(element 3 is nan)"), std::string::npos) << *bad;
  EXPECT_EQ(bad->rfind("parameter ", 0), 0u) << *bad;

  // A snapshot taken before undoes it.
  StateSnapshot snapshot;
  std::unique_ptr<Model> clean = fakeModel();
  snapshot.take(*clean);
  ASSERT_FALSE(snapshot.restore(*model));
  EXPECT_FALSE(findNonFinite(*model, stats));
}

TEST(StepGuard, SaturationAboveTheLimit) {
  StepStats stats;
  stats.values[LOGBTQ_STAT_SAT_ACTIVATIONS] = 30;
  stats.values[LOGBTQ_STAT_ENC_ACTIVATIONS] = 1000;
  EXPECT_FALSE(findOverSaturation(stats, 0.05));
  EXPECT_EQ(findOverSaturation(stats, 0.01),
            std::string("activations: 3.00% of 1000 values saturated (more "
                        "than --max-saturation 1%)"));
  // Nothing encoded of a kind is never a rate above the limit.
  StepStats none;
  EXPECT_FALSE(findOverSaturation(none, 0.0));
}

} // namespace
