//===- QuantStatsTest.cpp - Saturation and overflow rates -----------------===//

#include "logbtq/Runtime/QuantStats.h"
#include "logbtq/Runtime/Dataset.h"
#include "logbtq/Runtime/TrainLoop.h"

#include "FakeModel.h"
#include "TestUtil.h"
#include "TrainerTestUtil.h"

#include "gtest/gtest.h"

#include <cmath>
#include <fstream>

using namespace logbtq;
using namespace logbtq::runtime;
using namespace logbtq::testing;

namespace {

StepStats stepWith(std::initializer_list<std::pair<int, double>> entries) {
  StepStats s;
  for (auto [stat, value] : entries)
    s.values[size_t(stat)] = value;
  return s;
}

TEST(QuantStats, SumsStepsAndDividesByTheEncodes) {
  QuantCounters c;
  c.add(stepWith({{LOGBTQ_STAT_SAT_ACTIVATIONS, 3},
                  {LOGBTQ_STAT_ENC_ACTIVATIONS, 100},
                  {LOGBTQ_STAT_ZERO_ACTIVATIONS, 40},
                  {LOGBTQ_STAT_SAT_WEIGHTS, 1},
                  {LOGBTQ_STAT_ENC_WEIGHTS, 1000},
                  {LOGBTQ_STAT_ACC_OVERFLOW, 2},
                  {LOGBTQ_STAT_ACC_OUTPUTS, 50},
                  {LOGBTQ_STAT_LOSS, 7}}));
  c.add(stepWith({{LOGBTQ_STAT_SAT_ACTIVATIONS, 1},
                  {LOGBTQ_STAT_ENC_ACTIVATIONS, 100},
                  {LOGBTQ_STAT_ZERO_ACTIVATIONS, 10},
                  {LOGBTQ_STAT_ENC_WEIGHTS, 1000},
                  {LOGBTQ_STAT_SAT_GRADIENTS, 5},
                  {LOGBTQ_STAT_ENC_GRADIENTS, 20},
                  {LOGBTQ_STAT_ACC_OUTPUTS, 50}}));
  EXPECT_EQ(c.sum(LOGBTQ_STAT_ENC_ACTIVATIONS), 200);
  EXPECT_DOUBLE_EQ(c.activationSaturation(), 0.02);
  EXPECT_DOUBLE_EQ(c.activationSparsity(), 0.25);
  EXPECT_DOUBLE_EQ(c.weightSaturation(), 0.0005);
  EXPECT_DOUBLE_EQ(c.gradientSaturation(), 0.25);
  EXPECT_TRUE(std::isnan(c.momentumSaturation())); // nothing encoded
  EXPECT_EQ(c.accumulatorOverflows(), 2);
  EXPECT_DOUBLE_EQ(c.accumulatorOverflowRate(), 0.02);

  QuantCounters twice = c;
  twice += c;
  EXPECT_EQ(twice.sum(LOGBTQ_STAT_SAT_ACTIVATIONS), 8);
  EXPECT_DOUBLE_EQ(twice.activationSaturation(), 0.02);

  QuantCounters zero;
  EXPECT_TRUE(std::isnan(zero.activationSaturation()));
  EXPECT_TRUE(std::isnan(zero.activationSparsity()));
}

TEST(QuantStats, FormatsRates) {
  EXPECT_EQ(formatRate(std::nan("")), "-");
  EXPECT_EQ(formatRate(0), "0.00%");
  EXPECT_EQ(formatRate(0.00001), "<0.01%");
  EXPECT_EQ(formatRate(0.0001), "0.01%");
  EXPECT_EQ(formatRate(0.1234), "12.34%");
  EXPECT_EQ(formatRate(1), "100.00%");
}

TEST(QuantStats, EpochCountersOfAnMU8Model) {
  TempDir dir;
  writeSeparableData(dir);
  Expected<Dataset> data = loadDataset(dir.path(), {784}, 10);
  ASSERT_TRUE(data) << data.error().message();
  data->train.truncate(160); // 10 batches
  Expected<std::unique_ptr<Model>> model =
      Model::create(fake::mu8EntryPoints());
  ASSERT_TRUE(model) << model.error().message();
  std::ostringstream out;
  TrainerOptions o = trainingOptions(2, 1);
  o.metricsPath = dir.file("m.jsonl");
  Expected<std::vector<EpochResult>> history =
      train(**model, *data, o, out, false);
  ASSERT_TRUE(history) << history.error().message();
  ASSERT_EQ(history->size(), 2u);
  for (const EpochResult &r : *history) {
    // Exact per-epoch sums of what the fake counts per step.
    const QuantCounters &c = r.counters;
    EXPECT_EQ(c.sum(LOGBTQ_STAT_ENC_ACTIVATIONS), 10 * (16 * 784 + 16 * 10));
    EXPECT_EQ(c.sum(LOGBTQ_STAT_ENC_WEIGHTS), 10 * 7850);
    EXPECT_EQ(c.sum(LOGBTQ_STAT_ENC_GRADIENTS), 10 * 7850);
    EXPECT_EQ(c.sum(LOGBTQ_STAT_ENC_MOMENTUM), 10 * 7850);
    EXPECT_EQ(c.sum(LOGBTQ_STAT_ACC_OUTPUTS), 10 * 160);
    // The noise pixels include zeros; lit rows do not.
    EXPECT_GT(c.activationSparsity(), 0.0);
    EXPECT_LT(c.activationSparsity(), 0.1);
    EXPECT_GE(c.gradientSaturation(), 0.0);
    EXPECT_LE(c.activationSaturation(), 1.0);
  }
  std::vector<std::string> printed = lines(out.str());
  ASSERT_EQ(printed.size(), 3u);
  EXPECT_TRUE(contains(printed[0], "  sat act ")) << printed[0];
  EXPECT_TRUE(contains(printed[0], " w ")) << printed[0];
  EXPECT_TRUE(contains(printed[0], "  acc ovf ")) << printed[0];
  EXPECT_TRUE(contains(printed[0], "  zero act ")) << printed[0];
  EXPECT_EQ(printed[2].rfind("final: test acc ", 0), 0u) << printed[2];
  EXPECT_TRUE(contains(printed[2], "  act sat ")) << printed[2];
  EXPECT_TRUE(contains(printed[2], "  peak RSS ")) << printed[2];

  std::ifstream in(o.metricsPath);
  std::vector<std::string> json =
      lines(std::string(std::istreambuf_iterator<char>(in), {}));
  ASSERT_EQ(json.size(), 3u);
  for (const std::string &line : json) {
    EXPECT_TRUE(contains(line, "\"sat_act\": ")) << line;
    EXPECT_FALSE(contains(line, "\"sat_act\": null")) << line;
    EXPECT_FALSE(contains(line, "\"zero_act\": null")) << line;
    EXPECT_TRUE(contains(line, "\"acc_overflow\": ")) << line;
  }
}

TEST(QuantStats, AFloat32ModelHasNone) {
  TempDir dir;
  writeSeparableData(dir);
  Expected<Dataset> data = loadDataset(dir.path(), {784}, 10);
  ASSERT_TRUE(data);
  data->train.truncate(64);
  Expected<std::unique_ptr<Model>> model = Model::create(fake::entryPoints());
  ASSERT_TRUE(model);
  std::ostringstream out;
  Expected<std::vector<EpochResult>> history =
      train(**model, *data, trainingOptions(1, 0), out, false);
  ASSERT_TRUE(history);
  for (double s : history->front().counters.sums)
    EXPECT_EQ(s, 0);
  EXPECT_TRUE(std::isnan(history->front().counters.activationSaturation()));
  EXPECT_FALSE(contains(out.str(), "sat")) << out.str();
}

} // namespace
