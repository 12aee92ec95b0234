//===- BarrierTest.cpp - Barrier numerics against the Python reference ----===//

#include "GoldenData.h"
#include "logbtq/Numerics/Barrier.h"

#include "gtest/gtest.h"

#include <cmath>
#include <limits>

using namespace logbtq;
using logbtq::testing::readGolden;

namespace {

/// Both sides go through libm's log (numpy may use its own vector code), so
/// values agree to rounding, not to the bit.
void expectClose(double actual, double expected, const char *what,
                 size_t index) {
  double tolerance = 1e-12 * std::max(1.0, std::fabs(expected));
  EXPECT_NEAR(actual, expected, tolerance) << what << " at case " << index;
}

TEST(BarrierGolden, PsiAndDerivative) {
  auto cases = readGolden<double>("barrier_cases.f64");
  auto psi = readGolden<double>("barrier_psi.f64");
  auto dpsi = readGolden<double>("barrier_dpsi.f64");
  ASSERT_EQ(cases.size() % 3, 0u);
  size_t n = cases.size() / 3;
  ASSERT_GT(n, 100u);
  ASSERT_EQ(psi.size(), n);
  ASSERT_EQ(dpsi.size(), n);
  for (size_t i = 0; i < n; ++i) {
    double x = cases[3 * i], b = cases[3 * i + 1], t = cases[3 * i + 2];
    double z = std::fabs(x) - b;
    double sign = x > 0 ? 1 : (x < 0 ? -1 : 0);
    expectClose(barrier::psi(z, t), psi[i], "psi", i);
    expectClose(sign * barrier::dpsi(z, t), dpsi[i], "dpsi", i);
  }
}

TEST(BarrierGolden, TensorPenaltyAndGradient) {
  auto x = readGolden<float>("barrier_tensor.f32");
  auto penalties = readGolden<double>("barrier_tensor_penalty.f64");
  auto grad = readGolden<double>("barrier_tensor_grad_b1_t5.f64");
  ASSERT_EQ(x.size(), 4096u);
  ASSERT_EQ(penalties.size(), 3u);
  ASSERT_EQ(grad.size(), x.size());
  const double params[3][2] = {{1, 5}, {1, 20}, {0.5, 1.1}};
  for (int i = 0; i < 3; ++i)
    expectClose(barrier::penalty(x.data(), x.size(), params[i][0],
                                 params[i][1]),
                penalties[i], "penalty", i);
  std::vector<double> g(x.size());
  barrier::gradient(x.data(), x.size(), 1, 5, g.data());
  for (size_t i = 0; i < g.size(); ++i)
    expectClose(g[i], grad[i], "gradient", i);
}

TEST(Barrier, BranchesMeetSmoothly) {
  for (double t : {0.5, 1.0, 5.0, 20.0, 100.0}) {
    double s = -1 / (t * t);
    double eps = 1e-9 * std::fabs(s);
    EXPECT_NEAR(barrier::psi(s - eps, t), barrier::psi(s + eps, t), 1e-6);
    EXPECT_NEAR(barrier::dpsi(s - eps, t), barrier::dpsi(s + eps, t),
                1e-6 * t);
    EXPECT_EQ(barrier::dpsi(1.0, t), t) << "slope t past the bound";
  }
}

TEST(Barrier, EdgeCases) {
  EXPECT_EQ(barrier::penalty(nullptr, 0, 1, 5), 0.0);
  float inf = std::numeric_limits<float>::infinity();
  float values[] = {0.5f, inf};
  EXPECT_EQ(barrier::penalty(values, 2, 1, 5), inf);
  float nan[] = {0.5f, std::nanf("")};
  EXPECT_TRUE(std::isnan(barrier::penalty(nan, 2, 1, 5)));
  double g[2];
  barrier::gradient(nan, 2, 1, 5, g);
  EXPECT_TRUE(std::isnan(g[1]));
  float zero = 0.0f;
  barrier::gradient(&zero, 1, 1, 5, g);
  EXPECT_EQ(g[0], 0.0);
  EXPECT_FALSE(barrier::isValidParameters(0, 5));
  EXPECT_FALSE(barrier::isValidParameters(1, -1));
  EXPECT_FALSE(barrier::isValidParameters(1, inf));
  EXPECT_TRUE(barrier::isValidParameters(1, 5));
}

} // namespace
