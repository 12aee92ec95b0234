//===- CheckpointTest.cpp - --save and --resume ---------------------------===//
//
// A run stopped after an epoch and resumed from its checkpoint must be the
// uninterrupted run bit for bit: parameters, momentum, ranges, the printed
// epochs. Checkpoints that are truncated, corrupt or of another model are
// refused with a message naming the file.
//
//===----------------------------------------------------------------------===//

#include "logbtq/Runtime/Checkpoint.h"
#include "logbtq/Runtime/Dataset.h"
#include "logbtq/Runtime/TrainLoop.h"

#include "FakeModel.h"
#include "TestUtil.h"
#include "TrainerTestUtil.h"

#include "gtest/gtest.h"

#include <cstring>
#include <zlib.h>
#include <filesystem>
#include <fstream>

using namespace logbtq;
using namespace logbtq::runtime;
using namespace logbtq::testing;

namespace {

std::unique_ptr<Model> makeModel(const ModelEntryPoints &entry) {
  Expected<std::unique_ptr<Model>> model = Model::create(entry);
  EXPECT_TRUE(model) << model.error().message();
  return model ? std::move(*model) : nullptr;
}

std::vector<unsigned char> paramBytes(const Model &m) {
  return {m.paramBytes(), m.paramBytes() + m.stateBytes()};
}
std::vector<unsigned char> momentumBytes(const Model &m) {
  return {m.momentumBytes(), m.momentumBytes() + m.stateBytes()};
}
std::vector<int32_t> ranges(const Model &m) {
  return {m.rangeValues(), m.rangeValues() + m.rangeCount()};
}

/// A printed line without what differs between runs: the speed and time of
/// an epoch line, the peak RSS of the final line.
std::string withoutTiming(const std::string &line) {
  for (const char *cut : {"  peak RSS ", " samples/s"}) {
    size_t at = line.find(cut);
    if (at == std::string::npos)
      continue;
    if (std::strcmp(cut, " samples/s") == 0)
      at = line.rfind("  ", at - 1);
    return line.substr(0, at);
  }
  return line;
}

void expectSameEpoch(const EpochResult &a, const EpochResult &b) {
  EXPECT_EQ(a.epoch, b.epoch);
  EXPECT_EQ(a.t, b.t);
  EXPECT_EQ(a.lr, b.lr);
  EXPECT_EQ(a.trainLoss, b.trainLoss);
  EXPECT_EQ(a.trainCe, b.trainCe);
  EXPECT_EQ(a.trainBarrier, b.trainBarrier);
  EXPECT_EQ(a.trainAccuracy, b.trainAccuracy);
  EXPECT_EQ(a.trainSamples, b.trainSamples);
  EXPECT_EQ(a.steps, b.steps);
  EXPECT_EQ(a.counters.sums, b.counters.sums);
  EXPECT_EQ(a.test.loss, b.test.loss);
  EXPECT_EQ(a.test.correct, b.test.correct);
  EXPECT_EQ(a.test.count, b.test.count);
}

class Resume : public ::testing::TestWithParam<bool> {
protected:
  ModelEntryPoints entry() const {
    return GetParam() ? fake::mu8EntryPoints() : fake::entryPoints();
  }
};

TEST_P(Resume, IsBitForBitTheUninterruptedRun) {
  TempDir dir;
  writeSeparableData(dir);
  Expected<Dataset> data = loadDataset(dir.path(), {784}, 10);
  ASSERT_TRUE(data) << data.error().message();
  data->train.truncate(500); // 31 batches, 4 samples left out each epoch
  TrainerOptions o = trainingOptions(3, 7);
  o.lrDecayEpochs = {3};
  o.barrierGamma = 2.0;
  o.metricsPath = dir.file("metrics.jsonl");

  std::unique_ptr<Model> straight = makeModel(entry());
  std::ostringstream straightOut;
  Expected<std::vector<EpochResult>> all =
      train(*straight, *data, o, straightOut, false);
  ASSERT_TRUE(all) << all.error().message();
  ASSERT_EQ(all->size(), 3u);

  // The same run stopped after epoch 1, then resumed by a new process (a
  // fresh model) with the same flags.
  std::string ck = dir.file("run.ck");
  TrainerOptions first = o;
  first.epochs = 1;
  first.savePath = ck;
  std::unique_ptr<Model> stopped = makeModel(entry());
  std::ostringstream firstOut;
  ASSERT_TRUE(train(*stopped, *data, first, firstOut, false));
  EXPECT_TRUE(std::filesystem::exists(ck));
  EXPECT_FALSE(std::filesystem::exists(ck + ".tmp"));
  EXPECT_EQ(int64_t(std::filesystem::file_size(ck)), checkpointBytes(*stopped));

  TrainerOptions second = o;
  second.resumePath = ck;
  second.savePath = ck;
  std::unique_ptr<Model> resumed = makeModel(entry());
  std::ostringstream resumedOut;
  Expected<std::vector<EpochResult>> rest =
      train(*resumed, *data, second, resumedOut, false);
  ASSERT_TRUE(rest) << rest.error().message();
  ASSERT_EQ(rest->size(), 2u);

  EXPECT_EQ(paramBytes(*resumed), paramBytes(*straight));
  EXPECT_EQ(momentumBytes(*resumed), momentumBytes(*straight));
  EXPECT_EQ(ranges(*resumed), ranges(*straight));
  expectSameEpoch((*rest)[0], (*all)[1]);
  expectSameEpoch((*rest)[1], (*all)[2]);
  EXPECT_EQ((*rest)[1].steps, 3 * 31);
  EXPECT_EQ((*rest)[1].lr, 0.1 * 0.1);
  EXPECT_EQ((*rest)[1].t, 20);

  // Printed: epochs 2 and 3 and the final line, the same but for timing.
  std::vector<std::string> a = lines(straightOut.str()),
                           b = lines(resumedOut.str());
  ASSERT_EQ(a.size(), 4u) << straightOut.str();
  ASSERT_EQ(b.size(), 3u) << resumedOut.str();
  for (size_t i = 0; i < 3; ++i)
    EXPECT_EQ(withoutTiming(b[i]), withoutTiming(a[i + 1]));

  // The checkpoint now holds the end of the run: resuming it trains nothing
  // and evaluates the same parameters.
  std::unique_ptr<Model> again = makeModel(entry());
  std::ostringstream againOut;
  Expected<std::vector<EpochResult>> none =
      train(*again, *data, second, againOut, false);
  ASSERT_TRUE(none) << none.error().message();
  EXPECT_EQ(paramBytes(*again), paramBytes(*straight));
  EXPECT_EQ(withoutTiming(lines(againOut.str()).back()),
            withoutTiming(a.back()));

  if (GetParam()) {
    // MU8: the ranges moved away from 0 and the update rounds
    // stochastically, so the test would catch ranges or steps lost.
    std::vector<int32_t> r = ranges(*straight);
    EXPECT_TRUE(r[1] != 0 || r[2] != 0);
    EXPECT_TRUE(contains(a[1], "  sat act ")) << a[1];
  }
}

INSTANTIATE_TEST_SUITE_P(Checkpoint, Resume, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool> &info) {
                           return info.param ? "MU8" : "F32";
                         });

TEST(Checkpoint, CommandLineResumeAppendsMetrics) {
  TempDir dir;
  writeSeparableData(dir);
  std::string ck = dir.file("c.ck"), m1 = dir.file("m1.jsonl"),
              m2 = dir.file("m2.jsonl");
  std::vector<std::string> common = {
      "--data", dir.path(), "--quiet", "--train-limit", "160", "--seed", "3"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = common;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  RunResult straight =
      run(with({"--epochs", "2", "--metrics", m1}), fake::mu8EntryPoints());
  ASSERT_EQ(straight.code, 0) << straight.err;
  RunResult first = run(with({"--epochs", "1", "--metrics", m2, "--save", ck}),
                        fake::mu8EntryPoints());
  ASSERT_EQ(first.code, 0) << first.err;
  RunResult second = run(
      with({"--epochs", "2", "--metrics", m2, "--resume", ck, "--save", ck}),
      fake::mu8EntryPoints());
  ASSERT_EQ(second.code, 0) << second.err;
  std::vector<std::string> a = lines(straight.out), b = lines(second.out);
  ASSERT_EQ(a.size(), 3u);
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(withoutTiming(b[0]), withoutTiming(a[1]));
  EXPECT_EQ(withoutTiming(b[1]), withoutTiming(a[2]));

  // m2: epoch 1 and a final record from the first run, then epoch 2 and the
  // final record of the second.
  std::ifstream in(m2);
  std::vector<std::string> json =
      lines(std::string(std::istreambuf_iterator<char>(in), {}));
  ASSERT_EQ(json.size(), 4u);
  EXPECT_EQ(json[0].rfind("{\"epoch\": 1, ", 0), 0u) << json[0];
  EXPECT_EQ(
      json[1].rfind("{\"final\": true, \"epochs\": 1, \"steps\": 10, ", 0), 0u)
      << json[1];
  EXPECT_EQ(json[2].rfind("{\"epoch\": 2, ", 0), 0u) << json[2];
  EXPECT_EQ(
      json[3].rfind("{\"final\": true, \"epochs\": 2, \"steps\": 20, ", 0), 0u)
      << json[3];

  // Not quiet: the plan says where the run resumes and where it saves.
  RunResult loud =
      run({"--data", dir.path(), "--train-limit", "160", "--seed", "3",
           "--epochs", "2", "--resume", ck, "--save", dir.file("d.ck")},
          fake::mu8EntryPoints());
  ASSERT_EQ(loud.code, 0) << loud.err;
  EXPECT_TRUE(contains(loud.out, "resumed: " + ck + " after epoch 2 (step 20)"))
      << loud.out;
  EXPECT_TRUE(contains(loud.out, "checkpoints: " + dir.file("d.ck") +
                                     " after every epoch (16182 bytes)"))
      << loud.out;
  // Nothing left to train: the parameters are evaluated and saved as they are.
  EXPECT_EQ(logbtq::testing::readBytes(dir.file("d.ck")),
            logbtq::testing::readBytes(ck));
}

//===----------------------------------------------------------------------===//
// The file
//===----------------------------------------------------------------------===//

/// A model trained for one step and its checkpoint at `path`.
std::unique_ptr<Model> savedModel(const ModelEntryPoints &entry,
                                  const std::string &path, RunState &state) {
  std::unique_ptr<Model> model = makeModel(entry);
  for (int64_t i = 0; i < 16 * 784; ++i)
    model->inputs()[i] = float(i % 97) / 97.0f;
  for (int64_t i = 0; i < 16; ++i)
    model->labels()[i] = int32_t(i % 10);
  EXPECT_TRUE(model->trainStep(0.1f, 5.0f, 0));
  state.epochsDone = 4;
  state.step = 123;
  state.seed = 99;
  state.trainSamples = 1000;
  state.t = 6.5;
  state.lr = 0.01;
  state.t0 = 5;
  state.gamma = 1.1;
  state.tMax = 100;
  state.counters.sums[1] = 17;
  state.lrSchedule.kind = LrScheduleKind::Cosine;
  state.lrSchedule.lr = 0.2;
  state.lrSchedule.lrMin = 0.001;
  state.lrSchedule.warmupSteps = 40;
  state.lrSchedule.epochs = 9;
  state.lrSchedule.decayEpochs = {2, 7};
  state.lrSchedule.decayFactor = 0.3;
  state.lrSchedule.decayLast = true;
  EXPECT_FALSE(saveCheckpoint(path, *model, state));
  return model;
}

TEST(Checkpoint, RoundTripsTheStateAndSize) {
  TempDir dir;
  for (bool mu8 : {false, true}) {
    ModelEntryPoints entry = mu8 ? fake::mu8EntryPoints() : fake::entryPoints();
    std::string path = dir.file(mu8 ? "mu8.ck" : "f32.ck");
    RunState state;
    std::unique_ptr<Model> saved = savedModel(entry, path, state);
    // Header, params and momentum, 3 ranges, CRC.
    int64_t expected = 464 + 2 * 7851 * (mu8 ? 1 : 4) + 3 * 4 + 4;
    EXPECT_EQ(checkpointBytes(*saved), expected);
    EXPECT_EQ(int64_t(std::filesystem::file_size(path)), expected);
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
    std::vector<unsigned char> bytes = readBytes(path);
    EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 8), "LOGBTQCK");

    std::unique_ptr<Model> loaded = makeModel(entry);
    Expected<RunState> got = loadCheckpoint(path, *loaded);
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(got->epochsDone, 4);
    EXPECT_EQ(got->step, 123);
    EXPECT_EQ(got->seed, 99u);
    EXPECT_EQ(got->trainSamples, 1000);
    EXPECT_EQ(got->t, 6.5);
    EXPECT_EQ(got->lr, 0.01);
    EXPECT_EQ(got->gamma, 1.1);
    EXPECT_EQ(got->counters.sums, state.counters.sums);
    EXPECT_TRUE(got->hasLrSchedule);
    const LrSchedule &lr = got->lrSchedule;
    EXPECT_EQ(lr.kind, LrScheduleKind::Cosine);
    EXPECT_EQ(lr.lr, 0.2);
    EXPECT_EQ(lr.lrMin, 0.001);
    EXPECT_EQ(lr.warmupSteps, 40);
    EXPECT_EQ(lr.epochs, 9);
    EXPECT_EQ(lr.decayEpochs, (std::vector<int64_t>{2, 7}));
    EXPECT_EQ(lr.decayFactor, 0.3);
    EXPECT_TRUE(lr.decayLast);
    EXPECT_EQ(paramBytes(*loaded), paramBytes(*saved));
    EXPECT_EQ(momentumBytes(*loaded), momentumBytes(*saved));
    EXPECT_EQ(ranges(*loaded), ranges(*saved));
    EXPECT_EQ(loaded->paramValues(), saved->paramValues());
    if (mu8) {
      EXPECT_NE(ranges(*saved), std::vector<int32_t>(3, 0));
    }
  }
}

TEST(Checkpoint, RefusesDamagedFilesAndOtherModels) {
  TempDir dir;
  std::string path = dir.file("c.ck");
  RunState state;
  std::unique_ptr<Model> saved =
      savedModel(fake::mu8EntryPoints(), path, state);
  const std::vector<unsigned char> good = readBytes(path);
  std::unique_ptr<Model> target = makeModel(fake::mu8EntryPoints());
  const std::vector<unsigned char> before = paramBytes(*target);

  auto loadError = [&](const std::vector<unsigned char> &bytes) {
    writeBytes(path, bytes);
    Expected<RunState> got = loadCheckpoint(path, *target);
    return got ? std::string() : got.error().message();
  };
  const std::string prefix = "checkpoint " + path + ": ";

  std::vector<unsigned char> flipped = good;
  flipped[kCheckpointHeaderBytes + 100] ^= 0x10; // a parameter code
  std::string e = loadError(flipped);
  EXPECT_EQ(e.rfind(prefix + "checksum mismatch (stored 0x", 0), 0u) << e;
  EXPECT_TRUE(contains(e, "): the file is corrupt")) << e;

  flipped = good;
  flipped[good.size() - 1] ^= 0x01; // the CRC itself
  e = loadError(flipped);
  EXPECT_EQ(e.rfind(prefix + "checksum mismatch", 0), 0u) << e;

  std::vector<unsigned char> truncated(good.begin(), good.end() - 10);
  EXPECT_EQ(loadError(truncated),
            prefix + "truncated (16172 bytes; its header promises 16182)");
  truncated.resize(100);
  EXPECT_EQ(loadError(truncated),
            prefix + "truncated (100 bytes, less than the 212 of a header "
                     "and checksum)");
  EXPECT_EQ(loadError({}), prefix + "truncated (0 bytes, less than the 212 of "
                                    "a header and checksum)");

  std::vector<unsigned char> longer = good;
  longer.push_back(0);
  EXPECT_EQ(loadError(longer),
            prefix + "16183 bytes, but its header promises 16182 (trailing "
                     "data or a corrupt header)");

  std::vector<unsigned char> magic = good;
  magic[0] = 'X';
  EXPECT_EQ(loadError(magic),
            prefix +
                "not a logbtq checkpoint (bad magic; expected 'LOGBTQCK')");

  std::vector<unsigned char> version = good;
  version[8] = 9;
  EXPECT_EQ(loadError(version), prefix + "unsupported format version 9 (this "
                                         "runtime reads 1 to 3)");

  // A checkpoint of the f32 model offered to the MU8 one.
  std::string other = dir.file("f32.ck");
  RunState s2;
  savedModel(fake::entryPoints(), other, s2);
  Expected<RunState> got = loadCheckpoint(other, *target);
  ASSERT_FALSE(got);
  e = got.error().message();
  EXPECT_EQ(e.rfind("checkpoint " + other +
                        ": written for a different model (model info hash 0x",
                    0),
            0u)
      << e;

  // Nothing refused touched the model.
  EXPECT_EQ(paramBytes(*target), before);

  // Through the trainer: one line on stderr, status 2.
  TempDir data;
  writeSeparableData(data);
  writeBytes(path, flipped);
  RunResult r =
      run({"--data", data.path(), "--resume", path}, fake::mu8EntryPoints());
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err.rfind("trainer: error: " + prefix + "checksum mismatch", 0),
            0u)
      << r.err;
  r = run({"--data", data.path(), "--resume", other}, fake::mu8EntryPoints());
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "written for a different model")) << r.err;
}

TEST(Checkpoint, RefusesARunThatCannotContinueIt) {
  TempDir dir;
  writeSeparableData(dir);
  std::string ck = dir.file("c.ck");
  RunResult r = run({"--data", dir.path(), "--quiet", "--epochs", "1",
                     "--train-limit", "64", "--seed", "5", "--save", ck});
  ASSERT_EQ(r.code, 0) << r.err;
  struct Case {
    std::vector<std::string> flags;
    std::string error;
  };
  std::vector<Case> cases = {
      {{"--train-limit", "64", "--seed", "6"},
       "written by a run with --seed 5, this run has --seed 6 (give the same "
       "flags)"},
      {{"--train-limit", "80", "--seed", "5"},
       "written by a run with 64 training samples, this run has 80 (give the "
       "same --train-limit)"},
      {{"--train-limit", "64", "--seed", "5", "--lr-schedule", "cosine"},
       "written by a run with lr schedule 0.05, this run has cosine from "
       "0.05 to 0 over 2 epochs (give the same --lr* and --warmup-steps "
       "flags)"},
      {{"--train-limit", "64", "--seed", "5", "--warmup-steps", "3"},
       "written by a run with lr schedule 0.05, this run has 0.05, 3 warm-up "
       "steps (give the same --lr* and --warmup-steps flags)"},
      {{"--train-limit", "64", "--seed", "5", "--lr-decay-last"},
       "written by a run with lr schedule 0.05, this run has 0.05 (x0.1 in "
       "the last epoch) (give the same --lr* and --warmup-steps flags)"},
      {{"--train-limit", "64", "--seed", "5", "--barrier-gamma", "2"},
       "written by a run with barrier schedule t0 5 gamma 1.1 t_max 100, this "
       "run has t0 5 gamma 2 t_max 100 (give the same --barrier-* flags)"},
  };
  for (const Case &c : cases) {
    std::vector<std::string> args = {"--data", dir.path(), "--epochs",
                                     "2",      "--resume", ck};
    args.insert(args.end(), c.flags.begin(), c.flags.end());
    RunResult bad = run(args);
    EXPECT_EQ(bad.code, 2);
    EXPECT_EQ(bad.err,
              "trainer: error: checkpoint " + ck + ": " + c.error + "\n");
  }
}

TEST(Checkpoint, ResumesACosineScheduleWithWarmupBitForBit) {
  // 10 steps per epoch; the warm-up ends in the second epoch, so the
  // resumed run must both finish it and read the cosine at the right step.
  TempDir dir;
  writeSeparableData(dir);
  std::string a = dir.file("a.ck"), b = dir.file("b.ck");
  std::vector<std::string> common = {
      "--data",        dir.path(), "--quiet",       "--train-limit",
      "160",           "--seed",   "3",             "--lr-schedule",
      "cosine",        "--lr-min", "0.001",         "--warmup-steps",
      "13",            "--lr",     "0.2"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = common;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  RunResult straight =
      run(with({"--epochs", "3", "--save", a}), fake::mu8EntryPoints());
  ASSERT_EQ(straight.code, 0) << straight.err;
  // The cosine reads --epochs: the first part is the 3-epoch run stopped.
  RunResult first = run(with({"--epochs", "3", "--stop-after", "1", "--save", b}),
                        fake::mu8EntryPoints());
  ASSERT_EQ(first.code, 0) << first.err;
  ASSERT_EQ(lines(first.out).size(), 2u) << first.out;
  RunResult resumed = run(with({"--epochs", "3", "--resume", b, "--save", b}),
                          fake::mu8EntryPoints());
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  EXPECT_EQ(readBytes(a), readBytes(b));
  std::vector<std::string> x = lines(straight.out), y = lines(resumed.out);
  ASSERT_EQ(x.size(), 4u) << straight.out;
  ASSERT_EQ(y.size(), 3u) << resumed.out;
  for (size_t i = 0; i < 3; ++i)
    EXPECT_EQ(withoutTiming(y[i]), withoutTiming(x[i + 1]));
  // The epochs report the rate of their last step: 0.2 * 10/13 in the
  // warm-up, then the cosine over steps 13..29 at steps 19 and 29.
  EXPECT_TRUE(contains(x[0], "  lr 0.1538  ")) << x[0];
  EXPECT_TRUE(contains(x[1], "  lr 0.1449  ")) << x[1];
  EXPECT_TRUE(contains(x[2], "  lr 0.002694  ")) << x[2];
}

TEST(Checkpoint, ReadsVersionOneWithoutASchedule) {
  // A version-1 file is today's without the 120 bytes of the lr schedule
  // and the 136 of epoch progress.
  TempDir dir;
  std::string path = dir.file("c.ck");
  RunState state;
  std::unique_ptr<Model> saved =
      savedModel(fake::mu8EntryPoints(), path, state);
  std::vector<unsigned char> bytes = readBytes(path);
  bytes.erase(bytes.begin() + 208, bytes.begin() + kCheckpointHeaderBytes);
  bytes[8] = 1;              // version
  bytes[12] = 208;           // header size, little-endian
  bytes[13] = 0;
  bytes.resize(bytes.size() - 4);
  uint32_t crc = uint32_t(crc32(0L, bytes.data(), uInt(bytes.size())));
  for (int i = 0; i < 4; ++i)
    bytes.push_back((unsigned char)(crc >> (8 * i)));
  writeBytes(path, bytes);

  std::unique_ptr<Model> loaded = makeModel(fake::mu8EntryPoints());
  Expected<RunState> got = loadCheckpoint(path, *loaded);
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_FALSE(got->hasLrSchedule);
  EXPECT_EQ(got->step, 123);
  EXPECT_EQ(got->counters.sums, state.counters.sums);
  EXPECT_EQ(paramBytes(*loaded), paramBytes(*saved));
  EXPECT_EQ(momentumBytes(*loaded), momentumBytes(*saved));
  EXPECT_EQ(ranges(*loaded), ranges(*saved));
}

TEST(Checkpoint, ReadsVersionTwoAndKeepsEpochProgress) {
  // A version-2 file is today's without the 136 bytes of epoch progress.
  TempDir dir;
  std::string path = dir.file("c.ck");
  RunState state;
  state.progress.batchesDone = 17;
  state.progress.skippedSteps = 2;
  state.progress.lossSum = 3.25;
  state.progress.correct = 99;
  state.progress.counters.sums[1] = 7;
  std::unique_ptr<Model> saved =
      savedModel(fake::mu8EntryPoints(), path, state);
  std::unique_ptr<Model> loaded = makeModel(fake::mu8EntryPoints());
  Expected<RunState> got = loadCheckpoint(path, *loaded);
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(got->progress.batchesDone, 17);
  EXPECT_EQ(got->progress.skippedSteps, 2);
  EXPECT_EQ(got->progress.lossSum, 3.25);
  EXPECT_EQ(got->progress.correct, 99);
  EXPECT_EQ(got->progress.counters.sums, state.progress.counters.sums);

  std::vector<unsigned char> bytes = readBytes(path);
  bytes.erase(bytes.begin() + 328, bytes.begin() + kCheckpointHeaderBytes);
  bytes[8] = 2;               // version
  bytes[12] = 328 & 0xff;     // header size, little-endian
  bytes[13] = 328 >> 8;
  bytes.resize(bytes.size() - 4);
  uint32_t crc = uint32_t(crc32(0L, bytes.data(), uInt(bytes.size())));
  for (int i = 0; i < 4; ++i)
    bytes.push_back((unsigned char)(crc >> (8 * i)));
  writeBytes(path, bytes);
  Expected<RunState> v2 = loadCheckpoint(path, *loaded);
  ASSERT_TRUE(v2) << v2.error().message();
  EXPECT_TRUE(v2->hasLrSchedule);
  EXPECT_EQ(v2->progress.batchesDone, 0);
  EXPECT_EQ(v2->step, got->step);
  EXPECT_EQ(paramBytes(*loaded), paramBytes(*saved));
}

TEST(Checkpoint, WritesAtomically) {
  TempDir dir;
  std::string path = dir.file("c.ck");
  // A stale temporary file from a crash is replaced, then renamed away.
  writeBytes(path + ".tmp", {1, 2, 3});
  writeBytes(path, {4, 5, 6});
  RunState state;
  savedModel(fake::entryPoints(), path, state);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  EXPECT_EQ(int64_t(std::filesystem::file_size(path)), 464 + 8 * 7851 + 16);

  // The rename fails (the target is a directory): an error, and the
  // temporary file is removed; the directory is untouched.
  std::string target = dir.file("adir");
  std::filesystem::create_directory(target);
  std::filesystem::create_directory(target + "/inside");
  std::unique_ptr<Model> model = makeModel(fake::entryPoints());
  Error e = saveCheckpoint(target, *model, state);
  ASSERT_TRUE(bool(e));
  EXPECT_EQ(
      e.message().rfind("--save " + target +
                            ": cannot rename the temporary file over it: ",
                        0),
      0u)
      << e.message();
  EXPECT_FALSE(std::filesystem::exists(target + ".tmp"));
  EXPECT_TRUE(std::filesystem::is_directory(target + "/inside"));
}

TEST(Checkpoint, ModelInfoHash) {
  // FNV-1a 64 test vectors.
  EXPECT_EQ(modelInfoHash(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(modelInfoHash("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_NE(modelInfoHash(fake::entryPoints().info),
            modelInfoHash(fake::mu8EntryPoints().info));
}

TEST(Checkpoint, DataParallelModelsHashAsOneProcess) {
  // A model compiled for 4 ranks of 16 is the one-process model of 64 to a
  // checkpoint: it resumes on any number of ranks.
  const char *one = "logbtq-model 3\nbatch 64\ninput 4\nparam-count 8\n";
  const char *four =
      "logbtq-model 3\nbatch 16\ninput 4\nparam-count 8\nranks 4\n";
  const char *two =
      "logbtq-model 3\nbatch 32\ninput 4\nparam-count 8\nranks 2\n";
  EXPECT_EQ(canonicalModelInfo(four), one);
  EXPECT_EQ(modelInfoHash(four), modelInfoHash(one));
  EXPECT_EQ(modelInfoHash(two), modelInfoHash(one));
  // Another step batch is another model; text without ranks is unchanged.
  const char *otherBatch =
      "logbtq-model 3\nbatch 8\ninput 4\nparam-count 8\nranks 4\n";
  EXPECT_NE(modelInfoHash(otherBatch), modelInfoHash(one));
  EXPECT_EQ(canonicalModelInfo(one), one);
  EXPECT_EQ(canonicalModelInfo("ranks x\nbatch 2\n"), "ranks x\nbatch 2\n");
}

} // namespace
