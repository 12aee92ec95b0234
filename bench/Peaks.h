//===- Peaks.h - The host's multiply-accumulate peaks ----------*- C++ -*-===//
//
// The ceilings the kernels of KernelBench.cpp are measured against: loops of
// independent AVX-512 multiply-accumulates, the most one core can issue.
// Peaks.cpp is the only file built with AVX-512 flags, so only these
// functions may run AVX-512 code: call them after hostHasPeakIsa() (in
// KernelBench.cpp) says the CPU has it.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_BENCH_PEAKS_H
#define LOGBTQ_BENCH_PEAKS_H

#include <cstdint>

namespace logbtq::bench {

/// False when the compiler could not build the AVX-512 loops (the functions
/// below then do nothing and return 0).
bool peaksCompiled();

/// `iterations` rounds of kPeakAccumulators `vpdpwssd` on zmm registers
/// (int16 pairs into int32 lanes: 32 MACs each). Returns a checksum for
/// the caller to keep.
int64_t vpdpwssdLoop(int64_t iterations);

/// The same `vpdpwssd` count on one accumulator: every instruction waits for
/// the previous one, so this is the latency-bound rate of a kernel that
/// keeps a single accumulator chain (PackedProduct.cpp does, per row and
/// panel). Returns a checksum.
int64_t vpdpwssdChainLoop(int64_t iterations);

/// `iterations` rounds of kPeakAccumulators fp32 FMAs on zmm registers (16
/// MACs each). Returns a checksum.
double fmaLoop(int64_t iterations);

/// Independent accumulator chains: enough to cover the latency (4-5 cycles)
/// times the issue rate (1-2 per cycle) of current cores.
constexpr int64_t kPeakAccumulators = 12;
constexpr int64_t kVnniMacsPerRound = kPeakAccumulators * 32;
constexpr int64_t kFmaMacsPerRound = kPeakAccumulators * 16;

} // namespace logbtq::bench

#endif // LOGBTQ_BENCH_PEAKS_H
