// Hostile submission (slow compile): minutes of constant evaluation, for the tests that stop or
// kill the grader while the compiler runs and then look for the compiler.
namespace gmmlab_hostile {
constexpr unsigned long long spin(unsigned long long n) {
  unsigned long long x = 1;
  for (unsigned long long i = 0; i < n; ++i) x = x * 6364136223846793005ULL + (i ^ (x >> 7));
  return x;
}
static_assert(spin(1ULL << 40) != 0);
}  // namespace gmmlab_hostile
// Instructor solution of exercise 1: Z-score normalisation (handout §Z-score).
// The plain way a good student writes it: whole-column Armadillo operations.
#include "gmmlab/errors.hpp"
#include "student.hpp"

namespace gmmlab {

// ============================================================================================
// SOLUTION Exercise 1: StudentSteps::zscore (handout §Z-score)
//   z_nj = (x_nj - m_j) / s_j, s_j the population standard deviation; a constant channel -> 0.
// ============================================================================================
arma::mat StudentSteps::zscore(const arma::mat& raw) const {
  // ---- YOUR CODE ---------------------------------------------------------------------------
  const arma::rowvec mean = arma::mean(raw, 0);
  arma::rowvec sd = arma::stddev(raw, 1, 0);  // norm_type 1 divides by N: the population sd
  // A constant channel has no spread to divide by. Found from max == min rather than sd == 0,
  // since the mean of a constant non-integer column can be off by an ulp, leaving sd tiny.
  const arma::uvec constant = arma::find(arma::range(raw, 0) == 0);
  sd.elem(constant).ones();

  arma::mat z = raw.each_row() - mean;
  z.each_row() /= sd;
  z.cols(constant).zeros();
  return z;
  // ---- END OF YOUR CODE --------------------------------------------------------------------
}

}  // namespace gmmlab
