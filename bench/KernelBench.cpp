//===- KernelBench.cpp - The compiler's products against the peaks -------===//
//
// logbtq-kernel-bench (docs/Benchmarks.md, "Kernel microbenchmarks"): the
// products the trainers of the zoo run at batch 64, as the current compiler
// lowers them (python/tools/gen_kernel_bench.py writes them; the build runs
// logbtq-opt --logbtq-lower-to-llvm, mlir-translate and llc), in MU8
// (`logbtq.integer_kernel`) and in f32, timed in GMAC/s next to the core's
// `vpdpwssd` and fp32 FMA peaks (Peaks.cpp), measured by the same binary.
//
// A kernel's time is the whole op, as a trainer calls it: for MU8 the code
// -> int16 table lookups, the packing, the product, the overflow count and
// the f32 epilogue; for both the allocation of the result (freed here).
//
//===----------------------------------------------------------------------===//

#include "Peaks.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <malloc.h>
#include <random>
#include <string>
#include <vector>

using namespace logbtq::bench;

namespace {

/// A ranked memref descriptor, the C interface of MLIR's LLVM lowering.
template <typename T, int Rank>
struct Memref {
  T *allocated;
  T *aligned;
  int64_t offset;
  int64_t sizes[Rank];
  int64_t strides[Rank];
};

/// An MU8 kernel's results, as the C interface packs `(tensor, i32)`.
template <int Rank>
struct Mu8Result {
  Memref<float, Rank> y;
  int32_t overflows;
};

// The C interfaces: results through the first pointer, then the operands'
// descriptors (i8 codes or f32) and, for MU8, both range exponents (only
// the dynamic ones are read).
typedef void Mu8Kernel(void *result, void *a, void *b, int32_t ea, int32_t eb);
typedef void F32Kernel(void *result, void *a, void *b);

struct KernelSpec {
  const char *name;
  int rank;
  int64_t a[4], b[4], out[4];
  long long macs;
  Mu8Kernel *mu8;
  F32Kernel *f32;
};

#include "kernels.inc"

/// Peaks in GMAC/s, measured in main() before any benchmark runs so that
/// %peak is there whatever --benchmark_filter selects; 0 when unavailable.
double gVnniPeak = 0, gFmaPeak = 0;

bool hostHasPeakIsa() {
  __builtin_cpu_init();
  return peaksCompiled() && __builtin_cpu_supports("avx512f") &&
         __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vnni");
}

double threadSeconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

/// The best of a few short runs: on a shared machine the fastest run is the
/// one closest to what the core can do.
template <typename Loop>
double calibrate(Loop loop, int64_t macsPerRound) {
  const int64_t rounds = 10'000'000; // tens of milliseconds
  double best = 0;
  for (int run = 0; run < 5; ++run) {
    double start = threadSeconds();
    benchmark::DoNotOptimize(loop(rounds));
    double gmacs = 1e-9 * rounds * macsPerRound / (threadSeconds() - start);
    best = std::max(best, gmacs);
  }
  return best;
}

/// Runs `body` as the benchmark's loop and reports GMAC/s and the share of
/// `peak` as plain counters (rate counters would print as "GMAC/s=4/s"),
/// from the CPU time of the loop (the clock of the benchmark's CPU column).
template <typename Body>
void timeMacs(benchmark::State &state, double macs, double peak, Body body) {
  double start = threadSeconds();
  for (auto _ : state)
    if (!body())
      return state.SkipWithError("result shape differs from the kernel's");
  double gmacs = 1e-9 * macs * state.iterations() / (threadSeconds() - start);
  state.counters["GMAC/s"] = gmacs;
  if (peak > 0)
    state.counters["%peak"] = 100 * gmacs / peak;
}

void peakVnni(benchmark::State &state) {
  if (gVnniPeak == 0)
    return state.SkipWithError("no AVX-512 VNNI on this host: peak skipped");
  const int64_t rounds = 1 << 20;
  timeMacs(state, rounds * kVnniMacsPerRound, gVnniPeak, [&] {
    benchmark::DoNotOptimize(vpdpwssdLoop(rounds));
    return true;
  });
}

void oneChainVnni(benchmark::State &state) {
  if (gVnniPeak == 0)
    return state.SkipWithError("no AVX-512 VNNI on this host: skipped");
  const int64_t rounds = 1 << 18;
  timeMacs(state, rounds * kVnniMacsPerRound, gVnniPeak, [&] {
    benchmark::DoNotOptimize(vpdpwssdChainLoop(rounds));
    return true;
  });
}

void peakFma(benchmark::State &state) {
  if (gFmaPeak == 0)
    return state.SkipWithError("no AVX-512 VNNI on this host: peak skipped");
  const int64_t rounds = 1 << 20;
  timeMacs(state, rounds * kFmaMacsPerRound, gFmaPeak, [&] {
    benchmark::DoNotOptimize(fmaLoop(rounds));
    return true;
  });
}

template <typename T, int Rank>
Memref<T, Rank> view(std::vector<T> &data, const int64_t *shape) {
  Memref<T, Rank> m{data.data(), data.data(), 0, {}, {}};
  int64_t stride = 1;
  for (int d = Rank - 1; d >= 0; --d) {
    m.sizes[d] = shape[d];
    m.strides[d] = stride;
    stride *= shape[d];
  }
  return m;
}

int64_t elements(const int64_t *shape, int rank) {
  int64_t n = 1;
  for (int d = 0; d < rank; ++d)
    n *= shape[d];
  return n;
}

/// A wrong descriptor layout or a stale kernel would show here first.
template <int Rank>
bool hasShape(const Memref<float, Rank> &y, const KernelSpec &k) {
  return std::equal(y.sizes, y.sizes + Rank, k.out);
}

template <int Rank>
void runMu8(benchmark::State &state, const KernelSpec &k) {
  // Uniform codes: the kernel's time does not depend on the values.
  std::mt19937 rng(1);
  std::uniform_int_distribution<int> code(-127, 127);
  auto codes = [&](const int64_t *shape) {
    std::vector<int8_t> v(elements(shape, Rank));
    for (auto &c : v)
      c = static_cast<int8_t>(code(rng));
    return v;
  };
  std::vector<int8_t> a = codes(k.a), b = codes(k.b);
  auto ma = view<int8_t, Rank>(a, k.a), mb = view<int8_t, Rank>(b, k.b);
  timeMacs(state, k.macs, gVnniPeak, [&] {
    Mu8Result<Rank> out;
    k.mu8(&out, &ma, &mb, /*ea=*/-6, /*eb=*/0);
    benchmark::DoNotOptimize(out.y.aligned);
    bool ok = hasShape(out.y, k);
    free(out.y.allocated);
    return ok;
  });
}

template <int Rank>
void runF32(benchmark::State &state, const KernelSpec &k) {
  std::mt19937 rng(1);
  std::normal_distribution<float> value(0, 1);
  auto values = [&](const int64_t *shape) {
    std::vector<float> v(elements(shape, Rank));
    for (auto &x : v)
      x = value(rng);
    return v;
  };
  std::vector<float> a = values(k.a), b = values(k.b);
  auto ma = view<float, Rank>(a, k.a), mb = view<float, Rank>(b, k.b);
  timeMacs(state, k.macs, gFmaPeak, [&] {
    Memref<float, Rank> out;
    k.f32(&out, &ma, &mb);
    benchmark::DoNotOptimize(out.aligned);
    bool ok = hasShape(out, k);
    free(out.allocated);
    return ok;
  });
}

void registerAll() {
  benchmark::RegisterBenchmark("peak/vpdpwssd_zmm", peakVnni)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("peak/vpdpwssd_zmm_one_chain", oneChainVnni)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("peak/fma_f32_zmm", peakFma)
      ->Unit(benchmark::kMillisecond);
  // MU8 next to f32, kernel by kernel.
  for (const KernelSpec &k : kKernels) {
    bool rank2 = k.rank == 2;
    benchmark::RegisterBenchmark(("mu8/" + std::string(k.name)).c_str(),
                                 [&k, rank2](benchmark::State &s) {
                                   rank2 ? runMu8<2>(s, k) : runMu8<4>(s, k);
                                 })
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("f32/" + std::string(k.name)).c_str(),
                                 [&k, rank2](benchmark::State &s) {
                                   rank2 ? runF32<2>(s, k) : runF32<4>(s, k);
                                 })
        ->Unit(benchmark::kMillisecond);
  }
}

} // namespace

int main(int argc, char **argv) {
  // Keep freed memory in the heap. By default glibc hands a kernel's
  // temporaries back to the OS after each call (unmapping them or trimming
  // the heap), the next call page-faults them in again, and a kernel's time
  // depended on which benchmark had run before it (0.26 or 5.4 ms for the
  // MU8 mlp grad_input, half of it system time). So this measures the
  // kernels' own work, not the allocator's. Blocks beyond the largest
  // threshold glibc allows (32 MiB: the float32 cnn's input-gradient panels
  // are 46 MiB) would still be mapped afresh each call, so none is mapped.
  mallopt(M_MMAP_THRESHOLD, 32 << 20); // glibc's maximum
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  if (hostHasPeakIsa()) {
    gVnniPeak = calibrate(vpdpwssdLoop, kVnniMacsPerRound);
    gFmaPeak = calibrate(fmaLoop, kFmaMacsPerRound);
    benchmark::AddCustomContext("vpdpwssd peak GMAC/s (best of 5)",
                                std::to_string(gVnniPeak));
    benchmark::AddCustomContext("fp32 FMA peak GMAC/s (best of 5)",
                                std::to_string(gFmaPeak));
  } else {
    std::fprintf(stderr, "logbtq-kernel-bench: no AVX-512 VNNI on this host "
                         "(or compiler): peaks and %%peak skipped\n");
  }
  registerAll();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
