//===- TrainerTest.cpp - The trainer against a fake model -----------------===//
//
// Runs the whole trainer (flags, data, training loop, evaluation, step dump,
// errors) in-process on FakeModel, a softmax regression behind the exact
// trainer ABI, with small synthetic data that a linear model separates.
//
//===----------------------------------------------------------------------===//

#include "logbtq/Numerics/MU8.h"
#include "logbtq/Runtime/Dataset.h"
#include "logbtq/Runtime/IDX.h"
#include "logbtq/Runtime/Npy.h"
#include "logbtq/Runtime/StepDump.h"
#include "logbtq/Runtime/TrainLoop.h"
#include "logbtq/Runtime/TrainerMain.h"

#include "FakeModel.h"
#include "TestUtil.h"
#include "TrainerTestUtil.h"

#include "gtest/gtest.h"

#include <cmath>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

using namespace logbtq;
using namespace logbtq::runtime;
using logbtq::testing::TempDir;
using namespace logbtq::testing;

namespace {

//===----------------------------------------------------------------------===//
// Training
//===----------------------------------------------------------------------===//

TEST(Trainer, ReachesHighAccuracyOnSeparableData) {
  TempDir dir;
  writeSeparableData(dir);
  Expected<std::unique_ptr<Model>> model = Model::create(fake::entryPoints());
  ASSERT_TRUE(model) << model.error().message();
  Expected<Dataset> data = loadDataset(dir.path(), {784}, 10);
  ASSERT_TRUE(data) << data.error().message();

  std::ostringstream out;
  Expected<std::vector<EpochResult>> history =
      train(**model, *data, trainingOptions(3, 1), out, false);
  ASSERT_TRUE(history) << history.error().message();
  ASSERT_EQ(history->size(), 3u);
  const EpochResult &last = history->back();
  EXPECT_EQ(last.trainSamples, 800);
  EXPECT_EQ(last.test.count, 200);
  EXPECT_GE(last.test.accuracy(), 0.95);
  EXPECT_GE(last.trainAccuracy, 0.95);
  EXPECT_LT(last.trainLoss, history->front().trainLoss);
  EXPECT_GT(last.trainBarrier, 0.0);
  EXPECT_NEAR(last.trainLoss, last.trainCe + last.trainBarrier, 1e-4);
  EXPECT_GT(last.samplesPerSecond(), 0.0);
  // Quiet: the three epoch lines and the final result, nothing else.
  std::vector<std::string> printed = lines(out.str());
  ASSERT_EQ(printed.size(), 4u) << out.str();
  EXPECT_EQ(printed[0].rfind("epoch 1/3  t 5  lr 0.1  train loss ", 0), 0u)
      << printed[0];
  EXPECT_EQ(printed[3].rfind("final: test acc ", 0), 0u) << printed[3];
}

TEST(Trainer, SameSeedSameRunOtherSeedOtherRun) {
  TempDir dir;
  writeSeparableData(dir);
  Expected<Dataset> data = loadDataset(dir.path(), {784}, 10);
  ASSERT_TRUE(data);
  data->train.truncate(160);
  data->test.truncate(0);
  auto trainedParams = [&](uint64_t seed) {
    Expected<std::unique_ptr<Model>> model = Model::create(fake::entryPoints());
    std::ostringstream out;
    EXPECT_TRUE(train(**model, *data, trainingOptions(2, seed), out, false));
    return (*model)->paramValues();
  };
  std::vector<float> a = trainedParams(3), b = trainedParams(3),
                     c = trainedParams(4);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(Trainer, EvaluationCountsEverySampleOnce) {
  TempDir dir;
  writeSeparableData(dir);
  Expected<Dataset> data = loadDataset(dir.path(), {784}, 10);
  ASSERT_TRUE(data);
  Expected<std::unique_ptr<Model>> model = Model::create(fake::entryPoints());
  Model &m = **model;
  // Half an epoch of training leaves some test samples wrong.
  data->train.truncate(64);
  std::ostringstream out;
  ASSERT_TRUE(train(m, *data, trainingOptions(1, 0), out, false));

  std::vector<float> params = m.paramValues();
  for (int64_t n : {200, 199, 16, 15, 1}) {
    DataSplit split = data->test;
    split.truncate(n);
    double loss = 0;
    int64_t correct = 0;
    std::vector<float> x(784);
    int32_t y;
    for (int64_t i = 0; i < n; ++i) {
      gatherBatch(split, &i, 1, x.data(), &y);
      fake::SampleResult r = fake::evaluateSample(params.data(), x.data(), y);
      loss += r.ce;
      correct += r.correct;
    }
    Expected<EvalResult> result = evaluate(m, split);
    ASSERT_TRUE(result) << result.error().message();
    EXPECT_EQ(result->count, n);
    EXPECT_EQ(result->correct, correct) << "n = " << n;
    EXPECT_NEAR(result->loss, loss / n, 1e-5 * (1 + loss / n)) << "n = " << n;
    if (n == 200) {
      EXPECT_GT(correct, 0);
      EXPECT_LT(correct, n);
    }
  }
}

TEST(Trainer, Schedules) {
  BarrierInfo b;
  b.t0 = 5;
  b.gamma = 1.1;
  b.tMax = 6;
  EXPECT_DOUBLE_EQ(barrierT(b, 0), 5);
  EXPECT_DOUBLE_EQ(barrierT(b, 1), 5.5);
  EXPECT_DOUBLE_EQ(barrierT(b, 2), 6);
  EXPECT_DOUBLE_EQ(barrierT(b, 50), 6);

  // The step schedule, read at an epoch's first and last step (10 steps
  // per epoch).
  TrainerOptions o;
  o.epochs = 3;
  o.lr = 0.05;
  auto epochRate = [&](int64_t epoch) {
    LrSchedule s = lrScheduleOf(o);
    double first = s.at(epoch * 10, 10);
    EXPECT_EQ(first, s.at(epoch * 10 + 9, 10)) << "epoch " << epoch;
    return first;
  };
  EXPECT_DOUBLE_EQ(epochRate(2), 0.05);
  o.lrDecayLast = true;
  EXPECT_DOUBLE_EQ(epochRate(1), 0.05);
  EXPECT_DOUBLE_EQ(epochRate(2), 0.005);

  // Decays at the start of epochs 2 and 4 (1-based), by 0.5; the last
  // epoch (4) is listed already and is not decayed twice.
  o.epochs = 4;
  o.lrDecayEpochs = {2, 4};
  o.lrDecayFactor = 0.5;
  EXPECT_DOUBLE_EQ(epochRate(0), 0.05);
  EXPECT_DOUBLE_EQ(epochRate(1), 0.025);
  EXPECT_DOUBLE_EQ(epochRate(2), 0.025);
  EXPECT_DOUBLE_EQ(epochRate(3), 0.0125);
  o.lrDecayEpochs = {2};
  EXPECT_DOUBLE_EQ(epochRate(3), 0.0125); // epoch 2, then the last
}

TEST(Trainer, CosineScheduleWithWarmupIsPyTorchs) {
  // PyTorch 1.13, lr 0.1 on 10 steps: SequentialLR(LinearLR(start_factor
  // 1/3, total_iters 2), CosineAnnealingLR(T_max 7, eta_min 0.01),
  // milestones [3]), read before each step.
  const double torch[10] = {0.03333333333333333,  0.06666666666666667,
                            0.1,                  0.1,
                            0.09554359905560886,  0.08305704108364301,
                            0.06501344202803415,  0.04498655797196586,
                            0.026942958916356993, 0.014456400944391143};
  Expected<TrainerOptions> o =
      parseOptions({"--data", "d", "--epochs", "2", "--lr", "0.1",
                    "--lr-schedule", "cosine", "--lr-min", "0.01",
                    "--warmup-steps", "3"});
  ASSERT_TRUE(o) << o.error().message();
  LrSchedule s = lrScheduleOf(*o);
  for (int64_t step = 0; step < 10; ++step)
    EXPECT_NEAR(s.at(step, 5), torch[step], 1e-15) << "step " << step;
  EXPECT_EQ(s.describe(),
            "cosine from 0.1 to 0.01 over 2 epochs, 3 warm-up steps");

  // Warm-up on the step schedule: it scales the decayed rate.
  o->lrSchedule = LrScheduleKind::Step;
  o->lrDecayEpochs = {1};
  LrSchedule w = lrScheduleOf(*o);
  EXPECT_DOUBLE_EQ(w.at(0, 5), 0.1 * 0.1 / 3);
  EXPECT_DOUBLE_EQ(w.at(3, 5), 0.1 * 0.1);
  // A warm-up longer than the run never reaches the base rate, and the
  // cosine part is empty.
  o->lrSchedule = LrScheduleKind::Cosine;
  o->lrDecayEpochs.clear();
  o->warmupSteps = 20;
  EXPECT_DOUBLE_EQ(lrScheduleOf(*o).at(9, 5), 0.1 * 10 / 20);
}

TEST(Trainer, LearningRateScheduleFlagErrors) {
  auto error = [](std::vector<std::string> args) {
    args.insert(args.begin(), {"--data", "d"});
    Expected<TrainerOptions> o = parseOptions(args);
    return o ? std::string("(accepted)") : o.error().message();
  };
  EXPECT_EQ(error({"--lr-schedule", "linear"}),
            "--lr-schedule: 'linear' is not one of: step, cosine");
  EXPECT_EQ(error({"--lr-schedule", "cosine", "--lr-decay-last"}),
            "--lr-decay-epochs, --lr-decay-factor and --lr-decay-last go "
            "with --lr-schedule step, not cosine");
  EXPECT_EQ(error({"--lr-decay-factor", "0.5", "--lr-schedule=cosine"}),
            "--lr-decay-epochs, --lr-decay-factor and --lr-decay-last go "
            "with --lr-schedule step, not cosine");
  EXPECT_EQ(error({"--lr", "0.1", "--lr-min", "0.2"}),
            "--lr-min 0.2 is above --lr 0.1");
  EXPECT_EQ(error({"--warmup-steps", "-1"}),
            "--warmup-steps: expected a non-negative integer, got '-1'");
  EXPECT_EQ(error({"--lr-decay-epochs", "1,2,3,4,5,6,7,8,9"}),
            "--lr-decay-epochs: at most 8 epochs, got 9");
}

TEST(Trainer, LearningRateDecayFlags) {
  Expected<TrainerOptions> o = parseOptions(
      {"--data", "d", "--lr-decay-epochs", "5,2,5", "--lr-decay-factor=0.2"});
  ASSERT_TRUE(o) << o.error().message();
  EXPECT_EQ(o->lrDecayEpochs, (std::vector<int64_t>{2, 5}));
  EXPECT_DOUBLE_EQ(o->lrDecayFactor, 0.2);

  TempDir dir;
  writeSeparableData(dir);
  RunResult r = run({"--data", dir.path(), "--epochs", "3", "--train-limit",
                     "64", "--test-limit", "0", "--lr", "1",
                     "--lr-decay-epochs", "2,3", "--lr-decay-factor", "0.5"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "schedule: lr 1 (x0.5 from epochs 2,3), "))
      << r.out;
  EXPECT_TRUE(contains(r.out, "epoch 1/3  t 5  lr 1  ")) << r.out;
  EXPECT_TRUE(contains(r.out, "epoch 2/3  t 5.5  lr 0.5  ")) << r.out;
  EXPECT_TRUE(contains(r.out, "epoch 3/3  t 6.05  lr 0.25  ")) << r.out;
  EXPECT_TRUE(contains(r.out, "final: test -  peak RSS ")) << r.out;
}

TEST(Trainer, PrintsPlanProgressAndMetrics) {
  TempDir dir;
  writeSeparableData(dir);
  std::string metrics = dir.file("metrics.jsonl");
  RunResult r = run(
      {"--data", dir.path(), "--epochs=3", "--lr", "0.1", "--train-limit",
       "330", "--test-limit", "100", "--barrier-t0", "2", "--barrier-gamma",
       "2", "--barrier-t-max", "5", "--lr-decay-last", "--metrics", metrics});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(contains(r.out, "model: batch 16, input 1,28,28, 10 classes, "
                              "quant f32, 7851 parameters (7850 trainable), "
                              "sgd momentum 0.9 weight decay 0\n"))
      << r.out;
  EXPECT_TRUE(contains(r.out, " (IDX): 800 training and 200 test samples "
                              "of 28,28; using 330 and 100\n"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "training: 3 epochs of 20 batches of 16 (10 of "
                              "330 samples left out each epoch, a different "
                              "10 each time)\n"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "schedule: lr 0.1 (x0.1 in the last epoch), "
                              "barrier t = min(5, 2 * 2^epoch)"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "evaluation: 100 test samples in 7 batches "
                              "(the last one padded; padding is not "
                              "counted)\n"))
      << r.out;
  // Plain progress lines at 10% steps (not the last batch), no '\r'.
  EXPECT_TRUE(contains(r.out, "epoch 2/3  50% (10/20 batches)  loss "))
      << r.out;
  EXPECT_FALSE(contains(r.out, "\r"));
  EXPECT_TRUE(contains(r.out, "epoch 3/3  t 5  lr 0.01  train loss ")) << r.out;
  EXPECT_TRUE(contains(r.out, " samples/s\n")) << r.out;
  // A float32 model has no saturation counters: no columns for them.
  EXPECT_FALSE(contains(r.out, "sat act")) << r.out;
  std::string last = lines(r.out).back();
  EXPECT_EQ(last.rfind("final: test acc ", 0), 0u) << last;
  EXPECT_TRUE(contains(last, "  peak RSS ")) << last;
  EXPECT_TRUE(contains(last, " MiB")) << last;

  std::ifstream in(metrics);
  std::vector<std::string> json =
      lines(std::string(std::istreambuf_iterator<char>(in), {}));
  ASSERT_EQ(json.size(), 4u);
  EXPECT_EQ(json[0].rfind("{\"epoch\": 1, \"t\": 2, \"lr\": 0.1, ", 0), 0u)
      << json[0];
  EXPECT_EQ(json[1].rfind("{\"epoch\": 2, \"t\": 4, \"lr\": 0.1, ", 0), 0u);
  EXPECT_EQ(json[2].rfind("{\"epoch\": 3, \"t\": 5, \"lr\": 0.01", 0), 0u);
  EXPECT_TRUE(contains(json[2], "\"train_samples\": 320, "));
  EXPECT_TRUE(contains(json[2], "\"test_samples\": 100, "));
  EXPECT_TRUE(contains(json[2], "\"steps\": 60, ")) << json[2];
  EXPECT_TRUE(contains(json[2], "\"sat_act\": null, \"sat_weight\": null, "
                                "\"sat_grad\": null, \"sat_mom\": null, "
                                "\"acc_overflow\": null, \"zero_act\": null"))
      << json[2];
  EXPECT_EQ(json[3].rfind("{\"final\": true, \"epochs\": 3, \"steps\": 60, "
                          "\"test_loss\": ",
                          0),
            0u)
      << json[3];
  EXPECT_TRUE(contains(json[3], "\"peak_rss_mib\": ")) << json[3];
}

TEST(Trainer, InteractiveProgressRedrawsOneLine) {
  TempDir dir;
  writeSeparableData(dir);
  RunResult r =
      run({"--data", dir.path(), "--epochs", "1", "--train-limit", "320"},
          fake::entryPoints(), /*interactive=*/true);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "\repoch 1/1 [##                  ]  10% (2/20 "
                              "batches)  loss "))
      << r.out;
  EXPECT_TRUE(contains(r.out, "\repoch 1/1 [##########          ]  50% "))
      << r.out;
  EXPECT_TRUE(contains(r.out, " samples/s\033[K")) << r.out;
  EXPECT_TRUE(contains(r.out, "\r\033[Kepoch 1/1  t 5  lr 0.05")) << r.out;
}

TEST(Trainer, ZeroEpochsEvaluatesTheInitialModel) {
  TempDir dir;
  writeSeparableData(dir);
  RunResult r = run({"--data", dir.path(), "--epochs", "0", "--quiet"});
  ASSERT_EQ(r.code, 0) << r.err;
  // Zero weights: every logit ties, argmax is class 0.
  EXPECT_TRUE(contains(r.out, "final: test acc ")) << r.out;
  EXPECT_TRUE(contains(r.out, "test loss 2.3026")) << r.out;
}

TEST(Trainer, FashionMnistIfInstalled) {
  const std::string dir = "/usr/share/datasets/fashion-mnist";
  if (!std::filesystem::exists(dir + "/t10k-labels-idx1-ubyte.gz"))
    GTEST_SKIP() << dir << " is not installed (dataset-fashion-mnist)";
  RunResult r = run({"--data", dir, "--epochs", "1", "--train-limit", "6400",
                     "--test-limit", "1000", "--lr", "0.05", "--quiet"});
  ASSERT_EQ(r.code, 0) << r.err;
  size_t at = r.out.find("final: test acc ");
  ASSERT_NE(at, std::string::npos) << r.out;
  double accuracy = std::stod(r.out.substr(at + 16));
  EXPECT_GT(accuracy, 70.0) << r.out; // softmax regression: 73.90% here
}

//===----------------------------------------------------------------------===//
// Step dump
//===----------------------------------------------------------------------===//

/// A batch of 16 separable samples as X.npy (float32 [16,1,28,28]) and
/// Y.npy (int64 [16]).
void writeStepInputs(const TempDir &dir, const std::vector<int64_t> &xShape,
                     NpyType labelType = NpyType::I64, int64_t badLabel = -1) {
  writeSeparableSplit(dir.file("i"), dir.file("l"), 16, 9, false);
  Expected<DataSplit> split = loadSplit(dir.file("i"), dir.file("l"), {784}, 10);
  ASSERT_TRUE(split);
  std::vector<int64_t> idx(16);
  for (int i = 0; i < 16; ++i)
    idx[size_t(i)] = i;
  std::vector<float> x(16 * 784);
  std::vector<int32_t> y(16);
  gatherBatch(*split, idx.data(), 16, x.data(), y.data());
  if (badLabel >= 0)
    y[5] = int32_t(badLabel);
  ASSERT_FALSE(writeNpy(dir.file("x.npy"), NpyType::F32, xShape, x.data()));
  std::vector<int64_t> y64(y.begin(), y.end());
  ASSERT_FALSE(writeNpy(dir.file("y.npy"), labelType, {16},
                        labelType == NpyType::I64 ? (const void *)y64.data()
                                                  : (const void *)y.data()));
}

TEST(StepDump, WritesLossGradientsAndUpdatedParameters) {
  TempDir dir;
  writeStepInputs(dir, {16, 1, 28, 28});
  std::string out = dir.file("dump");
  RunResult r = run({"--step-inputs", dir.file("x.npy"), dir.file("y.npy"),
                     "--dump", out, "--lr", "0.5"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "step dump: t 5, lr 0.5: loss ")) << r.out;
  EXPECT_TRUE(contains(r.out, "2 grad.*.npy, 3 param.*.npy")) << r.out;

  Expected<NpyArray> loss = readNpy(out + "/loss.npy");
  ASSERT_TRUE(loss) << loss.error().message();
  EXPECT_TRUE(loss->shape.empty());
  // Zero weights and bias: every class has probability 1/10 and the barrier
  // of zero weights is -(1/t) log(1) = 0.
  EXPECT_NEAR(loss->at<float>(0), std::log(10.0), 1e-5);

  Expected<NpyArray> gw = readNpy(out + "/grad.fc.weight.npy");
  Expected<NpyArray> gb = readNpy(out + "/grad.fc.bias.npy");
  ASSERT_TRUE(gw && gb);
  EXPECT_EQ(gw->shape, (std::vector<int64_t>{784, 10}));
  EXPECT_EQ(gb->shape, std::vector<int64_t>{10});
  EXPECT_FALSE(std::filesystem::exists(out + "/grad.input_scale.npy"));
  double biasSum = 0;
  for (int c = 0; c < 10; ++c)
    biasSum += gb->at<float>(c);
  EXPECT_NEAR(biasSum, 0.0, 1e-6); // softmax gradients sum to zero

  // From zero momentum, one step is p - lr * g exactly.
  Expected<NpyArray> pw = readNpy(out + "/param.fc.weight.npy");
  Expected<NpyArray> ps = readNpy(out + "/param.input_scale.npy");
  ASSERT_TRUE(pw && ps);
  EXPECT_EQ(ps->shape, std::vector<int64_t>{1});
  EXPECT_EQ(ps->at<float>(0), 1.0f);
  int changed = 0;
  for (int64_t i = 0; i < 7840; ++i) {
    ASSERT_EQ(pw->at<float>(i), 0.0f - 0.5f * gw->at<float>(i)) << i;
    changed += pw->at<float>(i) != 0.0f;
  }
  EXPECT_GT(changed, 100);
  EXPECT_TRUE(std::filesystem::exists(out + "/param.fc.bias.npy"));
}

TEST(StepDump, DecodesMU8Parameters) {
  TempDir dir;
  writeStepInputs(dir, {16, 1, 28, 28});
  std::string out = dir.file("dump");
  RunResult r = run({"--step-inputs", dir.file("x.npy"), dir.file("y.npy"),
                     "--dump", out, "--lr", "0.5"},
                    fake::mu8EntryPoints());
  ASSERT_EQ(r.code, 0) << r.err;
  Expected<NpyArray> gw = readNpy(out + "/grad.fc.weight.npy");
  Expected<NpyArray> pw = readNpy(out + "/param.fc.weight.npy");
  Expected<NpyArray> ps = readNpy(out + "/param.input_scale.npy");
  ASSERT_TRUE(gw && pw && ps);
  EXPECT_EQ(gw->type, NpyType::F32);
  EXPECT_EQ(pw->type, NpyType::F32);
  EXPECT_EQ(pw->shape, (std::vector<int64_t>{784, 10}));
  EXPECT_EQ(ps->at<float>(0), 1.0f); // code 127 at range 1
  // Every value is a MU8 level at the weight range (2^0), and the update
  // moved weights against the gradient.
  int changed = 0;
  for (int64_t i = 0; i < 7840; ++i) {
    float v = pw->at<float>(i);
    int8_t code = mu8::encodeNearest(v, fake::kWeightExponent);
    ASSERT_EQ(mu8::decode(code, fake::kWeightExponent), v) << i;
    if (v != 0) {
      ++changed;
      EXPECT_LT(v * gw->at<float>(i), 0) << i;
    }
  }
  EXPECT_GT(changed, 100);
}

TEST(StepDump, AcceptsFlatInputsAndInt32Labels) {
  TempDir dir;
  writeStepInputs(dir, {16, 784}, NpyType::I32);
  RunResult r = run({"--step-inputs", dir.file("x.npy"), dir.file("y.npy"),
                     "--dump", dir.file("d")});
  EXPECT_EQ(r.code, 0) << r.err;
}

/// The raw state the dump writes with --dump-steps.
struct DumpedState {
  NpyArray weight, bias, scale, momentum, ranges, gradWeight;
};

DumpedState readState(const std::string &dir) {
  DumpedState s;
  auto read = [&](const std::string &file, NpyArray &into) {
    Expected<NpyArray> a = readNpy(dir + "/" + file);
    EXPECT_TRUE(a) << a.error().message();
    if (a)
      into = *a;
  };
  read("param.fc.weight.npy", s.weight);
  read("param.fc.bias.npy", s.bias);
  read("param.input_scale.npy", s.scale);
  read("momentum.fc.weight.npy", s.momentum);
  read("ranges.npy", s.ranges);
  read("grad.fc.weight.npy", s.gradWeight);
  return s;
}

TEST(StepDump, WritesTheRawMU8StateAroundEachStep) {
  TempDir dir;
  writeStepInputs(dir, {16, 1, 28, 28});
  std::string out = dir.file("dump");
  RunResult r = run({"--step-inputs", dir.file("x.npy"), dir.file("y.npy"),
                     "--dump", out, "--lr", "0.5", "--dump-step", "7",
                     "--dump-steps", "2"},
                    fake::mu8EntryPoints());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "state.0 to state.2 (steps 7 to 8)")) << r.out;

  DumpedState s0 = readState(out + "/state.0");
  DumpedState s1 = readState(out + "/state.1");
  DumpedState s2 = readState(out + "/state.2");
  // Codes as int32 in the parameter's shape; one range per param record.
  EXPECT_EQ(s1.weight.type, NpyType::I32);
  EXPECT_EQ(s1.weight.shape, (std::vector<int64_t>{784, 10}));
  EXPECT_EQ(s1.momentum.type, NpyType::I32);
  EXPECT_EQ(s1.ranges.type, NpyType::I32);
  EXPECT_EQ(s1.ranges.shape, std::vector<int64_t>{fake::kParamRecords});
  // Before the first step: the initial codes, zero momentum and ranges.
  EXPECT_EQ(s0.scale.at<int32_t>(0), 127);
  for (int64_t i = 0; i < 7840; ++i) {
    ASSERT_EQ(s0.weight.at<int32_t>(i), 0) << i;
    ASSERT_EQ(s0.momentum.at<int32_t>(i), 0) << i;
  }
  for (int64_t i = 0; i < fake::kParamRecords; ++i)
    EXPECT_EQ(s0.ranges.at<int32_t>(i), 0);
  // state.1 is what param.*.npy decodes; state.0's gradients are the top
  // level ones; the step moved the momentum.
  Expected<NpyArray> decoded = readNpy(out + "/param.fc.weight.npy");
  Expected<NpyArray> grad = readNpy(out + "/grad.fc.weight.npy");
  ASSERT_TRUE(decoded && grad);
  int moved = 0;
  for (int64_t i = 0; i < 7840; ++i) {
    int32_t code = s1.weight.at<int32_t>(i);
    ASSERT_TRUE(code >= -127 && code <= 127) << i;
    ASSERT_EQ(mu8::decode(int8_t(code), fake::kWeightExponent),
              decoded->at<float>(i))
        << i;
    ASSERT_EQ(s0.gradWeight.at<float>(i), grad->at<float>(i)) << i;
    moved += s1.momentum.at<int32_t>(i) != 0;
  }
  EXPECT_GT(moved, 100);
  // The second step started from the first one's state: other gradients.
  int differ = 0;
  for (int64_t i = 0; i < 7840; ++i)
    differ += s1.gradWeight.at<float>(i) != s0.gradWeight.at<float>(i);
  EXPECT_GT(differ, 0);
  // Stats after each step, not before the first.
  EXPECT_FALSE(std::filesystem::exists(out + "/state.0/stats.npy"));
  for (const char *state : {"/state.1", "/state.2"}) {
    Expected<NpyArray> stats = readNpy(out + state + "/stats.npy");
    ASSERT_TRUE(stats) << stats.error().message();
    EXPECT_EQ(stats->type, NpyType::F32);
    EXPECT_EQ(stats->shape, std::vector<int64_t>{LOGBTQ_NUM_STATS});
    // The MU8 fake model fills every counter: weights were encoded.
    EXPECT_EQ(stats->at<float>(LOGBTQ_STAT_ENC_WEIGHTS),
              float(fake::kParamCount - 1))
        << state;
  }
  EXPECT_FALSE(std::filesystem::exists(out + "/state.3"));

  // The step number keys the stochastic rounding: step 8 instead of 7
  // rounds the same first update differently.
  std::string other = dir.file("other");
  r = run({"--step-inputs", dir.file("x.npy"), dir.file("y.npy"), "--dump",
           other, "--lr", "0.5", "--dump-step", "8", "--dump-steps", "1"},
          fake::mu8EntryPoints());
  ASSERT_EQ(r.code, 0) << r.err;
  DumpedState o1 = readState(other + "/state.1");
  int rounded = 0;
  for (int64_t i = 0; i < 7840; ++i)
    rounded += o1.weight.at<int32_t>(i) != s1.weight.at<int32_t>(i);
  EXPECT_GT(rounded, 0);
}

TEST(StepDump, WritesTheRawFloatState) {
  TempDir dir;
  writeStepInputs(dir, {16, 1, 28, 28});
  std::string out = dir.file("dump");
  RunResult r = run({"--step-inputs", dir.file("x.npy"), dir.file("y.npy"),
                     "--dump", out, "--dump-steps=1"});
  ASSERT_EQ(r.code, 0) << r.err;
  DumpedState s1 = readState(out + "/state.1");
  Expected<NpyArray> decoded = readNpy(out + "/param.fc.weight.npy");
  ASSERT_TRUE(decoded);
  EXPECT_EQ(s1.weight.type, NpyType::F32);
  EXPECT_EQ(s1.momentum.type, NpyType::F32);
  EXPECT_EQ(s1.weight.bytes, decoded->bytes);
  // Without --dump-steps no state is written (gradcheck.py counts files).
  std::string plain = dir.file("plain");
  r = run({"--step-inputs", dir.file("x.npy"), dir.file("y.npy"), "--dump",
           plain, "--dump-step", "3"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(std::filesystem::exists(plain + "/state.0"));
}

TEST(StepDump, RejectsBadBatches) {
  TempDir dir;
  std::vector<std::string> args = {"--step-inputs", dir.file("x.npy"),
                                   dir.file("y.npy"), "--dump", dir.file("d")};
  writeStepInputs(dir, {16, 1, 28, 28}, NpyType::I64, 10);
  RunResult r = run(args);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "trainer: error: " + dir.file("y.npy") +
                       ": byte 168: label 10 at index 5 is out of range for "
                       "a model with 10 classes\n");
  EXPECT_FALSE(std::filesystem::exists(dir.file("d")));

  writeStepInputs(dir, {8, 2, 784});
  r = run(args);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "trainer: error: " + dir.file("x.npy") +
                       ": shape (8,2,784) does not match the model's batch "
                       "of inputs (16,1,28,28)\n");

  std::vector<float> wrong(16 * 784);
  ASSERT_FALSE(
      writeNpy(dir.file("x.npy"), NpyType::I32, {16, 784}, wrong.data()));
  r = run(args);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "x.npy: dtype <i4, expected float32")) << r.err;
}

//===----------------------------------------------------------------------===//
// Errors and the command line
//===----------------------------------------------------------------------===//

TEST(TrainerErrors, BadFlagsAndDataExitWithTwo) {
  TempDir dir;
  writeSeparableData(dir);
  TempDir other;
  writeSeparableSplit(other.file("train-images-idx3-ubyte"),
                      other.file("train-labels-idx1-ubyte"), 40, 3, false);
  // Test labels up to 11 for a 10-class model.
  std::vector<uint8_t> px(4 * 784, 0), lb = {1, 11, 2, 3};
  ASSERT_FALSE(
      writeIdx(other.file("t10k-images-idx3-ubyte"), {4, 28, 28}, px, false));
  ASSERT_FALSE(writeIdx(other.file("t10k-labels-idx1-ubyte"), {4}, lb, false));
  TempDir small;
  writeSeparableSplit(small.file("train-images-idx3-ubyte"),
                      small.file("train-labels-idx1-ubyte"), 4, 3, false);
  std::vector<uint8_t> tiny(4 * 64, 0);
  ASSERT_FALSE(
      writeIdx(small.file("t10k-images-idx3-ubyte"), {4, 8, 8}, tiny, false));
  ASSERT_FALSE(
      writeIdx(small.file("t10k-labels-idx1-ubyte"), {4}, {0, 1, 2, 3}, false));

  struct Case {
    std::vector<std::string> args;
    std::string error;
  };
  std::vector<Case> cases = {
      {{},
       "missing --data DIR or --train X.npy Y.npy (or --step-inputs X.npy "
       "Y.npy --dump DIR); see --help"},
      {{"--data", dir.path(), "--train", "x.npy", "y.npy"},
       "--data DIR and --train X.npy Y.npy are two sources of data; give one"},
      {{"--test", "x.npy", "y.npy"},
       "--test X.npy Y.npy goes with --train X.npy Y.npy"},
      {{"--train", "x.npy"}, "--train takes two values: X.npy Y.npy"},
      {{"--data", dir.path(), "--normalize", "0.5"},
       "--normalize: expected as many means as standard deviations, got 1 "
       "numbers"},
      {{"--data", dir.path(), "--normalize", "0.5,0"},
       "--normalize: standard deviation 0 is not positive"},
      {{"--data", dir.path(), "--normalize", "0.5,x"},
       "--normalize: expected numbers separated by commas (MEAN,STD or "
       "M1,...,MC,S1,...,SC), got '0.5,x'"},
      {{"--data", dir.path(), "--normalize", "1,2,3,4"},
       "--normalize: 2 means and standard deviations for a model input of "
       "1x28x28 with 1 channel (give 1)"},
      {{"--bogus"}, "unknown flag '--bogus' (see --help)"},
      {{"stray"}, "unexpected argument 'stray' (see --help)"},
      {{"--data"}, "--data: missing value"},
      {{"--data", dir.path(), "--epochs", "many"},
       "--epochs: expected a non-negative integer, got 'many'"},
      {{"--data", dir.path(), "--lr", "-1"},
       "--lr: expected a non-negative number, got '-1'"},
      {{"--data", dir.path(), "--barrier-t0", "0"},
       "--barrier-t0: expected a positive number, got '0'"},
      {{"--data", dir.path(), "--seed", "x1"},
       "--seed: expected an unsigned 64-bit integer, got 'x1'"},
      {{"--data", dir.path(), "--threads", "0"},
       "--threads: expected 1 to 1024 threads, got '0'"},
      {{"--data", dir.path(), "--threads", "two"},
       "--threads: expected a non-negative integer, got 'two'"},
      {{"--quiet=yes"}, "--quiet takes no value"},
      {{"--step-inputs", "x.npy"},
       "--step-inputs takes two values: X.npy Y.npy"},
      {{"--step-inputs", "x.npy", "y.npy"}, "--step-inputs needs --dump DIR"},
      {{"--dump", "d"}, "--dump needs --step-inputs X.npy Y.npy"},
      {{"--data", dir.path(), "--step-inputs", "x", "y", "--dump", "d"},
       "--data/--train and --step-inputs are separate modes; give one"},
      {{"--data", dir.file("none")},
       "--data " + dir.file("none") + ": not a directory"},
      {{"--data", other.path()},
       other.file("t10k-labels-idx1-ubyte") +
           ": byte 9: label 11 of sample 1 is out of range for a model with "
           "10 classes"},
      {{"--data", dir.path(), "--train-limit", "15"},
       "the training split has 15 samples, fewer than one batch of 16 (see "
       "--train-limit)"},
      {{"--data", small.path()},
       small.file("t10k-images-idx3-ubyte") +
           ": byte 8: samples are 8x8 (64 values) but the model's input is "
           "1x28x28 (784 values)"},
      {{"--data", dir.path(), "--metrics", dir.file("no/such/dir/m.jsonl")},
       "--metrics " + dir.file("no/such/dir/m.jsonl") +
           ": cannot create the file"},
      {{"--data", dir.path(), "--lr-decay-epochs", "2,,3"},
       "--lr-decay-epochs: expected epochs (1-based) separated by commas, "
       "got '2,,3'"},
      {{"--data", dir.path(), "--lr-decay-epochs", "0"},
       "--lr-decay-epochs: expected epochs (1-based) separated by commas, "
       "got '0'"},
      {{"--data", dir.path(), "--lr-decay-factor", "0"},
       "--lr-decay-factor: expected a positive number, got '0'"},
      {{"--data", dir.path(), "--save"}, "--save: missing value"},
      {{"--step-inputs", "x", "y", "--dump", "d", "--save", "c"},
       "--save, --resume and --export-onnx go with --data, not the step "
       "dump"},
      {{"--epochs", "0", "--export-onnx", dir.file("m.onnx")},
       "--export-onnx: this trainer was not compiled from an ONNX model (an "
       "MLIR input has no ONNX graph to export)"},
      {{"--epochs", "1", "--export-onnx", dir.file("m.onnx")},
       "missing --data DIR or --train X.npy Y.npy (or --step-inputs X.npy "
       "Y.npy --dump DIR); see --help"},
      {{"--step-inputs", "x", "y", "--dump", "d", "--dump-steps", "0"},
       "--dump-steps: expected 1 to 1000 steps, got 0"},
      {{"--step-inputs", "x", "y", "--dump", "d", "--dump-step", "-1"},
       "--dump-step: expected a non-negative integer, got '-1'"},
      {{"--data", dir.path(), "--dump-step", "3"},
       "--dump-step and --dump-steps go with the step dump (--step-inputs "
       "X.npy Y.npy --dump DIR)"},
      {{"--data", dir.path(), "--resume", dir.file("none.ck")},
       "checkpoint " + dir.file("none.ck") +
           ": cannot open: No such file or directory"},
      {{"--data", dir.path(), "--save", dir.file("no/such/dir/c.ck"),
        "--epochs", "1", "--train-limit", "16", "--test-limit", "0"},
       "--save " + dir.file("no/such/dir/c.ck") + ": cannot create " +
           dir.file("no/such/dir/c.ck.tmp") + ": No such file or directory"},
  };
  for (const Case &c : cases) {
    RunResult r = run(c.args);
    std::string joined;
    for (const std::string &a : c.args)
      joined += a + " ";
    EXPECT_EQ(r.code, 2) << joined;
    EXPECT_EQ(r.err, "trainer: error: " + c.error + "\n") << joined;
  }
}

TEST(TrainerErrors, CorruptDataFile) {
  TempDir dir;
  writeSeparableData(dir);
  std::string path = dir.file("train-images-idx3-ubyte.gz");
  std::vector<unsigned char> gz = logbtq::testing::readBytes(path);
  gz.resize(gz.size() / 3);
  logbtq::testing::writeBytes(path, gz);
  RunResult r = run({"--data", dir.path()});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err.rfind("trainer: error: " + path + ": byte ", 0), 0u) << r.err;
  EXPECT_TRUE(contains(r.err, "(truncated gzip file)")) << r.err;
}

TEST(TrainerErrors, MalformedModelInfo) {
  ModelEntryPoints entry = fake::entryPoints();
  entry.info = "logbtq-model 3\nbatch 16\ninput 1,28,28\nclasses ten\n";
  RunResult r = run({"--help"}, entry);
  EXPECT_EQ(r.code, 0); // --help needs no model
  r = run({"--model-info"}, entry);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "trainer: error: model info line 4: classes must be a "
                   "positive integer, got 'ten'\n");
}

/// A train step that returns one parameter too few.
void shortTrainStep(LogbtqTrainResults *results, LogbtqMemRef1D *params,
                    LogbtqMemRef1D *momentum, LogbtqMemRef1D *ranges,
                    LogbtqMemRef1D *x, LogbtqMemRef1D *y, float lr, float t,
                    int64_t step) {
  fake::entryPoints().trainStep(results, params, momentum, ranges, x, y, lr, t,
                                step);
  results->params.sizes[0] -= 1;
}

/// A train step that returns no ranges.
void noRangesTrainStep(LogbtqTrainResults *results, LogbtqMemRef1D *params,
                       LogbtqMemRef1D *momentum, LogbtqMemRef1D *ranges,
                       LogbtqMemRef1D *x, LogbtqMemRef1D *y, float lr, float t,
                       int64_t step) {
  fake::entryPoints().trainStep(results, params, momentum, ranges, x, y, lr, t,
                                step);
  results->ranges.sizes[0] = 0;
}

/// A train step that returns 4 stats, as ABI v1 did.
void shortStatsTrainStep(LogbtqTrainResults *results, LogbtqMemRef1D *params,
                         LogbtqMemRef1D *momentum, LogbtqMemRef1D *ranges,
                         LogbtqMemRef1D *x, LogbtqMemRef1D *y, float lr,
                         float t, int64_t step) {
  fake::entryPoints().trainStep(results, params, momentum, ranges, x, y, lr, t,
                                step);
  results->stats.sizes[0] = 4;
}

TEST(TrainerErrors, MalformedModelResults) {
  TempDir dir;
  writeSeparableData(dir);
  ModelEntryPoints entry = fake::entryPoints();
  entry.trainStep = shortTrainStep;
  RunResult r = run({"--data", dir.path(), "--quiet"}, entry);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "trainer: error: the model's train_step returned "
                   "parameters with 7850 elements (expected 7851)\n");
  entry.trainStep = noRangesTrainStep;
  r = run({"--data", dir.path(), "--quiet"}, entry);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "trainer: error: the model's train_step returned "
                   "ranges with 0 elements (expected 3)\n");
  entry.trainStep = shortStatsTrainStep;
  r = run({"--data", dir.path(), "--quiet"}, entry);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "trainer: error: the model's train_step returned "
                   "stats with 4 elements (expected at least 16)\n");
}

TEST(TrainerCommandLine, HelpAndModelInfo) {
  RunResult r = run({"-h"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out.rfind("usage: trainer --data DIR [options]\n", 0), 0u)
      << r.out;
  for (const char *flag :
       {"--epochs N", "--lr X", "--seed S", "--train-limit N", "--test-limit N",
        "--quiet", "--barrier-t0", "--barrier-gamma", "--barrier-t-max",
        "--lr-decay-last", "--lr-decay-epochs E1,E2,...", "--lr-decay-factor F",
        "--save FILE", "--resume FILE", "--metrics FILE", "--step-inputs",
        "--dump DIR", "--dump-step N", "--dump-steps K"})
    EXPECT_TRUE(contains(r.out, flag)) << flag;

  r = run({"--model-info"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "param input/scale")) << r.out;
  EXPECT_TRUE(contains(r.out, "frozen")) << r.out;
  EXPECT_TRUE(contains(r.out, "barrier: lambda 0.01, bound 1, t0 5, gamma "
                              "1.1, t_max 100\n"))
      << r.out;
}

TEST(TrainerCommandLine, LinkedTrainerBinary) {
  // logbtq-fake-trainer: FakeModel.cpp + LogBTQRuntimeMain, linked the way a
  // compiled model is.
  std::string trainer = LOGBTQ_FAKE_TRAINER;
  int status = std::system((trainer + " --help > /dev/null").c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  status = std::system((trainer + " --epochs 2>/dev/null").c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
}

} // namespace
