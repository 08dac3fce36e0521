#pragma once
// exp(x) for x <= 0 that the compiler can vectorise: std::exp is a library call per value
// (about 7 ns here), this is a dozen fused multiply-adds (about 1 ns in SIMD lanes).
#include <bit>
#include <cstdint>

namespace gmmlab::detail {

// Accurate to a few units in the last place on [-708, 0]; 0 below (where the true value
// is subnormal, which is 0 next to the largest term of a log-sum-exp); 0 for -inf.
inline double exp_nonpositive(double x) {
  const bool underflow = x < -708.0;
  const double xc = underflow ? -708.0 : x;
  // n = round(x / ln 2) by the 1.5 * 2^52 trick, which leaves n in the low mantissa bits.
  constexpr double shifter = 6755399441055744.0;
  const double t = xc * 1.4426950408889634 + shifter;
  const double n = t - shifter;
  // r = x - n ln 2 in two parts (Cody-Waite), so r is exact to double precision.
  const double r = (xc - n * 6.93147180369123816490e-01) - n * 1.90821492927058770002e-10;
  // Taylor series to degree 13: |r| <= 0.35 makes the remainder below 1e-17.
  double p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  // 2^n from its exponent bits; n >= -1022 here so the result is a normal number.
  const std::uint64_t bits = (std::bit_cast<std::uint64_t>(t) + 1023) << 52;
  const double scale = std::bit_cast<double>(bits);
  return underflow ? 0.0 : p * scale;
}

}  // namespace gmmlab::detail
