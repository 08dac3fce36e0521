// Exercise 1: Z-score normalisation (handout §Z-score).
//
// Write your answer between "YOUR CODE" and "END OF YOUR CODE". Everything else in this
// file is provided: leave it as it is.
#include "gmmlab/errors.hpp"
#include "student.hpp"

namespace gmmlab {

// ============================================================================================
// TODO Exercise 1: StudentSteps::zscore (handout §Z-score)
//
// Before EM, every channel is put on the same scale. For each channel j = 1..d:
//
//   m_j  = (1/N) sum_n x_nj                       the channel's mean
//   s_j  = sqrt( (1/N) sum_n (x_nj - m_j)^2 )     its POPULATION standard deviation
//                                                  (divide by N, not by N - 1)
//   z_nj = (x_nj - m_j) / s_j
//
// A constant channel (every pixel has the same value, e.g. a photo with no blue) has
// s_j = 0: its z_nj must all be 0, not NaN. Decide "constant" from the channel's values
// (largest == smallest), not from s_j == 0: rounding can leave a tiny s_j.
//
// In:  raw, N x d. One row per pixel; the columns are the channels (B, G, R for a colour
//      photo, one column for a grey one). Values 0..255, but do not rely on that.
// Out: N x d, the same shape. Each non-constant column has mean 0 and population standard
//      deviation 1.
//
// Armadillo calls that help (arma.sourceforge.net/docs.html):
//   arma::mean(A, 0)               1 x d row: the mean of each column
//   arma::stddev(A, norm_type, 0)  1 x d row: read which norm_type divides by N
//   arma::range(A, 0)              1 x d row: max - min of each column
//   A.each_row() - r               subtracts the 1 x d row r from every row of A
//   A.each_row() / r               divides every row of A by r, element by element
//   arma::find(v == 0), A.cols(indices).zeros(), A.col(j)
// Work on whole columns or the whole matrix; a loop over pixels is not needed.
// ============================================================================================
arma::mat StudentSteps::zscore(const arma::mat& raw) const {
  // ---- YOUR CODE ---------------------------------------------------------------------------
  (void)raw;  // silences "unused parameter"; delete this line and the next one when you start
  throw NotImplemented(Exercise::zscore, "student/zscore.cpp", "compute the Z-scores in zscore()");
  // ---- END OF YOUR CODE --------------------------------------------------------------------
}

}  // namespace gmmlab
