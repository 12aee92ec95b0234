//===- Barrier.cpp - Log-barrier extension penalty ------------------------===//

#include "logbtq/Numerics/Barrier.h"

#include <cassert>
#include <cmath>

namespace logbtq::barrier {
namespace {

/// The switch point -1/t^2 where the log branch hands over to its tangent.
double switchPoint(double t) { return -1.0 / (t * t); }

} // namespace

bool isValidParameters(double bound, double t) {
  return std::isfinite(bound) && bound > 0 && std::isfinite(t) && t > 0;
}

double psi(double z, double t) {
  if (z <= switchPoint(t))
    return -(1.0 / t) * std::log(-z);
  return t * z - (1.0 / t) * std::log(1.0 / (t * t)) + 1.0 / t;
}

double dpsi(double z, double t) {
  if (std::isnan(z))
    return z;
  if (z <= switchPoint(t))
    return -1.0 / (t * z);
  return t;
}

double penalty(const float *x, size_t n, double bound, double t) {
  assert(isValidParameters(bound, t));
  if (n == 0)
    return 0.0;
  // Sequential float64 sum, in element order: the reference sums the same way.
  double sum = 0.0;
  for (size_t i = 0; i < n; ++i)
    sum += psi(std::fabs(static_cast<double>(x[i])) - bound, t);
  return sum / static_cast<double>(n);
}

void gradient(const float *x, size_t n, double bound, double t, double *grad) {
  assert(isValidParameters(bound, t));
  for (size_t i = 0; i < n; ++i) {
    double xi = x[i];
    // A NaN input stays NaN (as in numpy's sign), so it is never hidden.
    double sign = std::isnan(xi) ? xi : (xi > 0 ? 1.0 : (xi < 0 ? -1.0 : 0.0));
    grad[i] = sign * dpsi(std::fabs(xi) - bound, t) / static_cast<double>(n);
  }
}

} // namespace logbtq::barrier
