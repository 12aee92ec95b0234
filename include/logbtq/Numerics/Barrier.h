//===- Barrier.h - Log-barrier extension penalty ----------------*- C++ -*-===//
//
// The log-barrier extension (Kervadec et al. 2019) that keeps tensors inside
// their fixed MU8 range; definitions in docs/MU8.md. Computed in float64.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_NUMERICS_BARRIER_H
#define LOGBTQ_NUMERICS_BARRIER_H

#include <cstddef>

namespace logbtq::barrier {

/// Returns true if (bound, t) are parameters the barrier is defined for.
bool isValidParameters(double bound, double t);

/// psi_t(z): -(1/t) log(-z) up to z = -1/t^2, then its tangent line.
double psi(double z, double t);

/// d psi_t / dz.
double dpsi(double z, double t);

/// Mean over the `n` elements of psi_t(|x_i| - bound); 0 when n == 0.
double penalty(const float *x, size_t n, double bound, double t);

/// The gradient of `penalty` with respect to each x_i, written to `grad`.
void gradient(const float *x, size_t n, double bound, double t, double *grad);

} // namespace logbtq::barrier

#endif // LOGBTQ_NUMERICS_BARRIER_H
