//===- DataParallelTest.cpp - Data-parallel training on threads -----------===//
//
// The runtime's data-parallel loop on the fake model, with ranks played by
// threads of one process (a communicator over shared memory), so that the
// sharding, the exchange, the combined update, the split evaluation and
// the single writer are checked without MPI. The trainers under mpirun are
// checked by test/Integration/Distributed.
//
//===----------------------------------------------------------------------===//

#include "logbtq/Runtime/DataParallel.h"
#include "logbtq/Runtime/Checkpoint.h"
#include "logbtq/Runtime/Dataset.h"
#include "logbtq/Runtime/Shuffle.h"
#include "logbtq/Runtime/TrainLoop.h"

#include "FakeModel.h"
#include "TrainerTestUtil.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

using namespace logbtq;
using namespace logbtq::runtime;
using namespace logbtq::testing;

namespace {

/// What the threads of one job share.
class SharedMemory {
public:
  explicit SharedMemory(int size) : size(size), slots(size_t(size)) {}

  /// Puts `bytes` of rank `rank` in its slot; when every rank has, copies
  /// all slots, rank after rank, to `receive`.
  void exchange(int rank, const void *send, size_t bytes, void *receive) {
    std::unique_lock<std::mutex> lock(mutex);
    // The previous exchange must be read by everyone first.
    changed.wait(lock, [&] { return reading == 0; });
    auto *p = static_cast<const unsigned char *>(send);
    slots[size_t(rank)].assign(p, p + bytes);
    if (++arrived == size) {
      arrived = 0;
      reading = size;
      ++round;
      changed.notify_all();
    } else {
      uint64_t mine = round;
      changed.wait(lock, [&] { return round != mine; });
    }
    auto *out = static_cast<unsigned char *>(receive);
    for (const auto &slot : slots) {
      std::memcpy(out, slot.data(), slot.size());
      out += slot.size();
    }
    if (--reading == 0)
      changed.notify_all();
  }

private:
  int size;
  std::vector<std::vector<unsigned char>> slots;
  std::mutex mutex;
  std::condition_variable changed;
  int arrived = 0, reading = 0;
  uint64_t round = 0;
};

class ThreadCommunicator final : public Communicator {
public:
  ThreadCommunicator(SharedMemory &shared, int rank, int size)
      : shared(shared), myRank(rank), worldSize(size) {}
  int rank() const override { return myRank; }
  int size() const override { return worldSize; }
  void allGather(const void *send, size_t bytes, void *receive) override {
    shared.exchange(myRank, send, bytes, receive);
  }
  void allToAll(const void *send, size_t blockBytes, void *receive) override {
    size_t total = blockBytes * size_t(worldSize);
    std::vector<unsigned char> all(total * size_t(worldSize));
    shared.exchange(myRank, send, total, all.data());
    auto *out = static_cast<unsigned char *>(receive);
    for (int r = 0; r < worldSize; ++r)
      std::memcpy(out + size_t(r) * blockBytes,
                  all.data() + size_t(r) * total + size_t(myRank) * blockBytes,
                  blockBytes);
  }
  void allReduceSum(float *values, size_t n) override { sum(values, n); }
  void allReduceSum(double *values, size_t n) override { sum(values, n); }
  void allReduceSum(int32_t *values, size_t n) override { sum(values, n); }
  void allReduceMax(int32_t *values, size_t n) override {
    std::vector<int32_t> all(n * size_t(worldSize));
    shared.exchange(myRank, values, n * sizeof(int32_t), all.data());
    for (size_t i = 0; i < n; ++i)
      for (int r = 0; r < worldSize; ++r)
        values[i] = std::max(values[i], all[size_t(r) * n + i]);
  }
  [[noreturn]] void abort(int status) override { std::exit(status); }

private:
  template <typename T>
  void sum(T *values, size_t n) {
    std::vector<T> all(n * size_t(worldSize));
    shared.exchange(myRank, values, n * sizeof(T), all.data());
    for (size_t i = 0; i < n; ++i) {
      T total = 0;
      for (int r = 0; r < worldSize; ++r)
        total += all[size_t(r) * n + i];
      values[i] = total;
    }
  }

  SharedMemory &shared;
  int myRank, worldSize;
};

struct RankRun {
  std::unique_ptr<Model> model;
  Expected<std::vector<EpochResult>> history = std::vector<EpochResult>();
  std::string out;
};

/// Trains the data-parallel fake model on `ranks` threads.
std::vector<RankRun> trainOnThreads(int ranks, const Dataset &data,
                                    const TrainerOptions &options) {
  SharedMemory shared(ranks);
  std::vector<RankRun> runs(static_cast<size_t>(ranks));
  // The models first: a rank that failed before its first exchange would
  // leave the others waiting in it.
  for (RankRun &run : runs) {
    Expected<std::unique_ptr<Model>> model =
        Model::create(fake::dataParallelEntryPoints(ranks));
    if (!model) {
      run.history = model.error();
      return runs;
    }
    run.model = std::move(*model);
  }
  std::vector<std::thread> threads;
  for (int r = 0; r < ranks; ++r)
    threads.emplace_back([&, r] {
      RankRun &run = runs[size_t(r)];
      ThreadCommunicator comm(shared, r, ranks);
      std::ostringstream out;
      run.history = train(*run.model, data, options, out, false, &comm);
      run.out = out.str();
    });
  for (std::thread &t : threads)
    t.join();
  return runs;
}

std::vector<float> params(const Model &model) { return model.paramValues(); }

std::string readFile(const std::string &path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(DataParallel, OneRankIsTheTrainStep) {
  TempDir dir;
  writeSeparableData(dir);
  Expected<Dataset> data = loadDataset(dir.path(), {784}, 10);
  ASSERT_TRUE(data) << data.error().message();
  TrainerOptions options = trainingOptions(2, 3);

  Expected<std::unique_ptr<Model>> plain = Model::create(fake::entryPoints());
  ASSERT_TRUE(plain);
  std::ostringstream out;
  auto history = train(**plain, *data, options, out, false);
  ASSERT_TRUE(history) << history.error().message();

  std::vector<RankRun> runs = trainOnThreads(1, *data, options);
  ASSERT_TRUE(runs[0].history) << runs[0].history.error().message();
  EXPECT_EQ(params(**plain), params(*runs[0].model));
  EXPECT_EQ(history->back().test.correct, runs[0].history->back().test.correct);
  EXPECT_DOUBLE_EQ(history->back().trainLoss,
                   runs[0].history->back().trainLoss);
}

TEST(DataParallel, TwoRanksApplyTheMeanGradientOfTheWholeBatch) {
  TempDir dir;
  writeSeparableData(dir);
  Expected<Dataset> data = loadDataset(dir.path(), {784}, 10);
  ASSERT_TRUE(data) << data.error().message();
  // One step: a batch of 32, ranks taking 16 each.
  data->train.truncate(32);
  TrainerOptions options = trainingOptions(1, 5);
  std::vector<RankRun> runs = trainOnThreads(2, *data, options);
  for (const RankRun &run : runs)
    ASSERT_TRUE(run.history) << run.history.error().message();

  // The reference: the grad step on each half of the epoch's order, their
  // mean, and the SGD update from the initial state (momentum 0).
  Expected<std::unique_ptr<Model>> ref = Model::create(fake::entryPoints());
  ASSERT_TRUE(ref);
  std::vector<int64_t> order = epochOrder(32, options.seed, 0);
  std::vector<float> sum(size_t(fake::kParamCount), 0.0f);
  std::vector<std::vector<float>> grads(2);
  for (int half = 0; half < 2; ++half) {
    gatherBatch(data->train, order.data() + 16 * half, 16, (*ref)->inputs(),
                (*ref)->labels(), data->normalization);
    ASSERT_TRUE((*ref)->gradStep(
        float(barrierT(resolveBarrier(options, (*ref)->info().barrier), 0)),
        grads[size_t(half)]));
  }
  std::vector<float> initial = params(**ref);
  std::vector<float> expected = initial;
  for (int64_t i = 1; i < fake::kParamCount; ++i) {
    float g =
        float((double(grads[0][size_t(i)]) + double(grads[1][size_t(i)])) / 2);
    expected[size_t(i)] = initial[size_t(i)] - float(options.lr) * g;
  }
  std::vector<float> got0 = params(*runs[0].model);
  std::vector<float> got1 = params(*runs[1].model);
  EXPECT_EQ(got0, got1) << "the ranks' parameters differ";
  EXPECT_EQ(got0, expected);
  EXPECT_EQ(runs[0].history->back().trainSamples, 32);
}

TEST(DataParallel, RanksStayIdenticalAndTheFirstWritesAlone) {
  TempDir dir;
  writeSeparableData(dir);
  Expected<Dataset> data = loadDataset(dir.path(), {784}, 10);
  ASSERT_TRUE(data) << data.error().message();
  TrainerOptions options = trainingOptions(2, 7);
  options.savePath = dir.file("ckpt.bin");
  options.metricsPath = dir.file("metrics.jsonl");
  options.quiet = false;
  std::vector<RankRun> runs = trainOnThreads(3, *data, options);
  for (const RankRun &run : runs)
    ASSERT_TRUE(run.history) << run.history.error().message();
  for (int r = 1; r < 3; ++r)
    EXPECT_EQ(params(*runs[0].model), params(*runs[size_t(r)].model))
        << "rank " << r;
  // 800 samples, steps of 3 x 16: 16 steps, 32 samples left out.
  const EpochResult &last = runs[0].history->back();
  EXPECT_EQ(last.trainSamples, 16 * 48);
  EXPECT_EQ(last.test.count, 200);
  EXPECT_GE(last.test.accuracy(), 0.9);
  // Every rank evaluated the whole test split between them.
  for (const RankRun &run : runs)
    EXPECT_EQ(run.history->back().test.correct, last.test.correct);
  EXPECT_TRUE(contains(runs[0].out, "(3 ranks of 16 samples each"))
      << runs[0].out;
  std::string metrics = readFile(options.metricsPath);
  EXPECT_TRUE(contains(metrics, "\"ranks\": 3")) << metrics;
  EXPECT_EQ(lines(metrics).size(), 3u) << metrics;
  EXPECT_TRUE(std::filesystem::exists(options.savePath));
}

TEST(DataParallel, AllReducesGiveTheGatheredMean) {
  TempDir dir;
  writeSeparableData(dir);
  Expected<Dataset> data = loadDataset(dir.path(), {784}, 10);
  ASSERT_TRUE(data) << data.error().message();
  data->train.truncate(320);
  TrainerOptions options = trainingOptions(1, 11);
  std::vector<RankRun> gathered = trainOnThreads(2, *data, options);
  ASSERT_TRUE(gathered[0].history) << gathered[0].history.error().message();
  std::vector<float> reference = params(*gathered[0].model);
  // f32 sums in another order: the last bits; the int32 grid: 2^-29 of
  // each tensor's range, a step's worth of rounding at most.
  for (auto [mode, tolerance] :
       {std::pair{GradientExchange::AllReduceF32, 1e-6},
        std::pair{GradientExchange::AllReduceGrid, 1e-6}}) {
    options.exchange = mode;
    std::vector<RankRun> runs = trainOnThreads(2, *data, options);
    ASSERT_TRUE(runs[0].history) << runs[0].history.error().message();
    ASSERT_TRUE(runs[1].history) << runs[1].history.error().message();
    std::vector<float> got = params(*runs[0].model);
    EXPECT_EQ(got, params(*runs[1].model)) << "the ranks' parameters differ";
    double worst = 0, scale = 0;
    for (size_t i = 0; i < got.size(); ++i) {
      worst = std::max(worst, std::fabs(double(got[i]) - reference[i]));
      scale = std::max(scale, std::fabs(double(reference[i])));
    }
    EXPECT_LE(worst / scale, tolerance) << "exchange " << int(mode);
    EXPECT_GT(runs[0].history->back().exchangeSteps, 0);
  }
}

TEST(DataParallel, ScatterGivesTheGathersBits) {
  TempDir dir;
  writeSeparableData(dir);
  Expected<Dataset> data = loadDataset(dir.path(), {784}, 10);
  ASSERT_TRUE(data) << data.error().message();
  data->train.truncate(480);
  // 3 ranks: 7851 parameters in shares of 2617, the last one padded.
  for (int ranks : {2, 3}) {
    TrainerOptions options = trainingOptions(1, 13);
    std::vector<RankRun> gathered = trainOnThreads(ranks, *data, options);
    options.exchange = GradientExchange::Scatter;
    std::vector<RankRun> scattered = trainOnThreads(ranks, *data, options);
    for (int r = 0; r < ranks; ++r) {
      ASSERT_TRUE(gathered[size_t(r)].history);
      ASSERT_TRUE(scattered[size_t(r)].history)
          << scattered[size_t(r)].history.error().message();
      EXPECT_EQ(params(*scattered[size_t(r)].model), params(*gathered[0].model))
          << ranks << " ranks, rank " << r;
    }
  }
}

TEST(DataParallel, RanksWhoseStateDiffersAreAnError) {
  SharedMemory shared(2);
  std::vector<std::unique_ptr<Model>> models;
  for (int r = 0; r < 2; ++r) {
    Expected<std::unique_ptr<Model>> model =
        Model::create(fake::dataParallelEntryPoints(2));
    ASSERT_TRUE(model) << model.error().message();
    models.push_back(std::move(*model));
  }
  std::string errors[2];
  auto check = [&] {
    std::vector<std::thread> threads;
    for (int r = 0; r < 2; ++r)
      threads.emplace_back([&, r] {
        ThreadCommunicator comm(shared, r, 2);
        Error e = checkSameState(*models[size_t(r)], comm);
        errors[r] = e ? e.message() : "";
      });
    for (std::thread &t : threads)
      t.join();
  };
  check();
  EXPECT_EQ(errors[0], "");
  EXPECT_EQ(errors[1], "");
  // One weight of rank 1 changed: both ranks see it.
  const Model &m = *models[1];
  std::vector<unsigned char> params(m.paramBytes(),
                                    m.paramBytes() + m.stateBytes());
  params[4 * fake::kWeightOffset] ^= 1;
  ASSERT_FALSE(models[1]->restoreState(params.data(), m.momentumBytes(),
                                       m.rangeValues()));
  check();
  for (const std::string &e : errors)
    EXPECT_EQ(e, "the parameters of rank 1 are not those of rank 0: the ranks "
                 "diverged");
}

TEST(DataParallel, CheckpointsResumeOnAnotherRankCount) {
  TempDir dir;
  writeSeparableData(dir);
  Expected<Dataset> data = loadDataset(dir.path(), {784}, 10);
  ASSERT_TRUE(data) << data.error().message();
  // A checkpoint of steps of 32 samples (2 ranks of 16) is one of the
  // same model on any rank count with steps of 32; a model of steps of 16
  // (1 rank of 16) is another model.
  TrainerOptions first = trainingOptions(1, 9);
  first.savePath = dir.file("two.bin");
  std::vector<RankRun> two = trainOnThreads(2, *data, first);
  ASSERT_TRUE(two[0].history) << two[0].history.error().message();

  TrainerOptions resumed = trainingOptions(2, 9);
  resumed.resumePath = first.savePath;
  // The same job on 2 ranks goes on from epoch 1.
  std::vector<RankRun> again = trainOnThreads(2, *data, resumed);
  ASSERT_TRUE(again[0].history) << again[0].history.error().message();
  EXPECT_EQ(again[0].history->size(), 1u);
  // A model whose steps take another number of samples is refused.
  std::vector<RankRun> other = trainOnThreads(1, *data, resumed);
  ASSERT_FALSE(other[0].history);
  EXPECT_TRUE(contains(other[0].history.error().message(),
                       "written for a different model"))
      << other[0].history.error().message();
}

} // namespace
