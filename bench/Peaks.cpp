//===- Peaks.cpp - The host's multiply-accumulate peaks -------------------===//
//
// Built with -mavx512f -mavx512vnni -mavx512bw when the compiler takes them
// (bench/CMakeLists.txt defines LOGBTQ_PEAKS_AVX512 then).
//
//===----------------------------------------------------------------------===//

#include "Peaks.h"

#include <cstdint>
#include <cstring>

#ifdef LOGBTQ_PEAKS_AVX512
#include <immintrin.h>
#endif

namespace logbtq::bench {

#ifdef LOGBTQ_PEAKS_AVX512

// Operands come from volatile memory so that the compiler cannot see
// constants and simplify the multiply-accumulates away (an fp32 FMA by 1.0
// becomes an add).
static volatile int16_t gInt16Operand = 3;
static volatile float gFloatOperand = 1e-3f;

bool peaksCompiled() { return true; }

// Twelve named accumulators, each starting from a different value: chains
// that compute the same thing would be merged into one. (GCC 12 adds a
// register copy per `vpdpwssd`; the loop still issues as fast as one of
// inline-assembly `vpdpwssd` only, within 2% on the project machine.)
#define LOGBTQ_FOR_EACH_ACC(X)                                                 \
  X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
static_assert(kPeakAccumulators == 12, "LOGBTQ_FOR_EACH_ACC lists 12");

// The sum of a vector's `Lane` lanes: the loops' result, so that nothing
// they compute is dead.
template <typename Lane, typename Total, typename Vector>
static Total sumLanes(Vector v) {
  Lane lanes[sizeof(Vector) / sizeof(Lane)];
  std::memcpy(lanes, &v, sizeof(v));
  Total total = 0;
  for (Lane lane : lanes)
    total += lane;
  return total;
}

int64_t vpdpwssdLoop(int64_t iterations) {
  __m512i x = _mm512_set1_epi16(gInt16Operand);
  __m512i y = _mm512_set1_epi16(static_cast<int16_t>(gInt16Operand + 1));
#define DECLARE(k) __m512i acc##k = _mm512_set1_epi32(k);
#define STEP(k) acc##k = _mm512_dpwssd_epi32(acc##k, x, y);
#define SUM(k) sum = _mm512_add_epi32(sum, acc##k);
  LOGBTQ_FOR_EACH_ACC(DECLARE)
  for (int64_t i = 0; i < iterations; ++i) {
    LOGBTQ_FOR_EACH_ACC(STEP)
  }
  __m512i sum = _mm512_setzero_si512();
  LOGBTQ_FOR_EACH_ACC(SUM)
#undef DECLARE
#undef STEP
#undef SUM
  return sumLanes<int32_t, int64_t>(sum);
}

int64_t vpdpwssdChainLoop(int64_t iterations) {
  __m512i x = _mm512_set1_epi16(gInt16Operand);
  __m512i y = _mm512_set1_epi16(static_cast<int16_t>(gInt16Operand + 1));
  __m512i acc = _mm512_setzero_si512();
#define STEP(k) acc = _mm512_dpwssd_epi32(acc, x, y);
  for (int64_t i = 0; i < iterations; ++i) {
    LOGBTQ_FOR_EACH_ACC(STEP)
  }
#undef STEP
  return sumLanes<int32_t, int64_t>(acc);
}

double fmaLoop(int64_t iterations) {
  // Small operands: the sums grow by 1e-6 a round and stay normal and finite.
  __m512 x = _mm512_set1_ps(gFloatOperand);
  __m512 y = _mm512_set1_ps(gFloatOperand);
#define DECLARE(k) __m512 acc##k = _mm512_set1_ps(k);
#define STEP(k) acc##k = _mm512_fmadd_ps(x, y, acc##k);
#define SUM(k) sum = _mm512_add_ps(sum, acc##k);
  LOGBTQ_FOR_EACH_ACC(DECLARE)
  for (int64_t i = 0; i < iterations; ++i) {
    LOGBTQ_FOR_EACH_ACC(STEP)
  }
  __m512 sum = _mm512_setzero_ps();
  LOGBTQ_FOR_EACH_ACC(SUM)
#undef DECLARE
#undef STEP
#undef SUM
  return sumLanes<float, double>(sum);
}

#else

bool peaksCompiled() { return false; }
int64_t vpdpwssdLoop(int64_t) { return 0; }
int64_t vpdpwssdChainLoop(int64_t) { return 0; }
double fmaLoop(int64_t) { return 0; }

#endif

} // namespace logbtq::bench
