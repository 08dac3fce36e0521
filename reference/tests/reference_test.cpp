// What only the reference promises beyond the contract suite (contract_reference_test.cpp):
// exactly symmetric covariances, and an answer that does not depend on the number of threads,
// bit for bit.
#include <gtest/gtest.h>
#include "gmmlab/worker_pool.hpp"

#include "gmmlab/reference.hpp"
#include "gmmlab/testing/support.hpp"

namespace {

const gmmlab::ReferenceSteps reference;

}  // namespace

TEST(MStep, CovariancesAreExactlySymmetric) {
  const gmmlab::Mixture truth = gmmlab::testing::random_mixture(4, 3, 2);
  const arma::mat x = gmmlab::testing::sample_from(truth, 5000, 3);
  const gmmlab::Mixture m = reference.m_step(x, reference.e_step(x, truth).gamma);
  for (arma::uword c = 0; c < 4; ++c) EXPECT_TRUE(m.covs.slice(c).is_symmetric()) << c;
}

TEST(Iterate, ThreadCountDoesNotChangeTheAnswer) {
  const gmmlab::Mixture m = gmmlab::testing::random_mixture(5, 3, 60);
  const arma::mat x = gmmlab::testing::sample_from(m, 100000, 61);
  const int before = gmmlab::thread_count();
  gmmlab::set_reference_threads(1);
  const gmmlab::Iteration one = reference.iterate(x, m);
  const gmmlab::Posterior p1 = reference.e_step(x, m);
  gmmlab::set_reference_threads(2);
  const gmmlab::Iteration two = reference.iterate(x, m);
  const gmmlab::Posterior p2 = reference.e_step(x, m);
  gmmlab::set_reference_threads(before);
  // Bit for bit: blocks are fixed and their sums are added in block order.
  EXPECT_EQ(one.e.log_likelihood, two.e.log_likelihood);
  EXPECT_TRUE(arma::approx_equal(one.next.means, two.next.means, "absdiff", 0.0));
  EXPECT_TRUE(arma::approx_equal(one.next.covs, two.next.covs, "absdiff", 0.0));
  EXPECT_EQ(p1.log_likelihood, p2.log_likelihood);
}
