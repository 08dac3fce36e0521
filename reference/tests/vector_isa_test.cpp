// The kernels are built twice, for any x86-64 and for AVX2, and the faster one runs where the
// CPU has it (gmmlab/vector_isa.hpp). The promise that makes this safe: both give the same
// bits. Checked here on the sample photo for k-means and every reference step, 1 to 4 channels.
#include <gtest/gtest.h>

#include <cstring>

#include "gmmlab/errors.hpp"
#include "gmmlab/image.hpp"
#include "gmmlab/kmeans.hpp"
#include "gmmlab/reference.hpp"
#include "gmmlab/testing/support.hpp"
#include "gmmlab/vector_isa.hpp"

namespace {

using gmmlab::VectorIsa;

bool same_bits(const arma::mat& a, const arma::mat& b) {
  return a.n_rows == b.n_rows && a.n_cols == b.n_cols && std::memcmp(a.memptr(), b.memptr(), a.n_elem * sizeof(double)) == 0;
}
bool same_bits(const arma::cube& a, const arma::cube& b) {
  return arma::size(a) == arma::size(b) && std::memcmp(a.memptr(), b.memptr(), a.n_elem * sizeof(double)) == 0;
}
bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

struct Results {
  gmmlab::Mixture init, m_step, iterated;
  gmmlab::Posterior e_step;
  double iterate_log_likelihood = 0;
};

// k-means on the sample's first `channels` channels (the sampled path too: a 20 000-pixel
// sample), then one E-step, one M-step and one fused iteration from it.
Results run_all(const arma::mat& x, arma::uword k) {
  const gmmlab::ReferenceSteps reference;
  Results r;
  r.init = gmmlab::kmeans_init(x, k, {.seed = 3, .lloyd_sample = 20000});
  r.e_step = reference.e_step(x, r.init);
  r.m_step = reference.m_step(x, r.e_step.gamma);
  const gmmlab::Iteration it = reference.iterate(x, r.init);
  r.iterated = it.next;
  r.iterate_log_likelihood = it.e.log_likelihood;
  return r;
}

class VectorIsaKernels : public ::testing::TestWithParam<arma::uword> {
 protected:
  void TearDown() override { gmmlab::set_vector_isa(best_); }
  const VectorIsa best_ = gmmlab::vector_isa();
};

TEST_P(VectorIsaKernels, AvxAndBaselineGiveTheSameBits) {
  if (!gmmlab::vector_isa_available(VectorIsa::avx2)) GTEST_SKIP() << "this CPU or build has no AVX2 kernels";
  const gmmlab::ReferenceSteps reference;
  const arma::mat all = reference.zscore(gmmlab::load_image(gmmlab::testing::sample_photo(), 5).pixels);
  const arma::mat x = all.cols(0, GetParam() - 1);
  gmmlab::set_vector_isa(VectorIsa::baseline);
  const Results baseline = run_all(x, 5);
  gmmlab::set_vector_isa(VectorIsa::avx2);
  const Results avx2 = run_all(x, 5);
  EXPECT_TRUE(same_bits(baseline.init.means, avx2.init.means)) << "k-means centres";
  EXPECT_TRUE(same_bits(baseline.init.covs, avx2.init.covs)) << "k-means covariances";
  EXPECT_TRUE(same_bits(baseline.e_step.gamma, avx2.e_step.gamma)) << "E-step responsibilities";
  EXPECT_TRUE(same_bits(baseline.e_step.log_likelihood, avx2.e_step.log_likelihood)) << "E-step log-likelihood";
  EXPECT_TRUE(same_bits(baseline.m_step.means, avx2.m_step.means)) << "M-step means";
  EXPECT_TRUE(same_bits(baseline.m_step.covs, avx2.m_step.covs)) << "M-step covariances";
  EXPECT_TRUE(same_bits(baseline.m_step.priors, avx2.m_step.priors)) << "M-step priors";
  EXPECT_TRUE(same_bits(baseline.iterated.covs, avx2.iterated.covs)) << "fused iteration covariances";
  EXPECT_TRUE(same_bits(baseline.iterate_log_likelihood, avx2.iterate_log_likelihood)) << "fused log-likelihood";
}

INSTANTIATE_TEST_SUITE_P(Channels, VectorIsaKernels, ::testing::Values(1, 2, 3),
                         [](const auto& info) { return std::to_string(info.param) + "_channels"; });

TEST(VectorIsa, BaselineIsAlwaysThereAndAChoiceThatCannotRunIsRefused) {
  EXPECT_TRUE(gmmlab::vector_isa_available(VectorIsa::baseline));
  EXPECT_STREQ(gmmlab::vector_isa_name(VectorIsa::avx2), "avx2");
  if (gmmlab::vector_isa_available(VectorIsa::avx2)) {
    EXPECT_EQ(gmmlab::vector_isa(), VectorIsa::avx2) << "the faster kernels run by default where they can";
  } else {
    EXPECT_THROW(gmmlab::set_vector_isa(VectorIsa::avx2), gmmlab::Error);
    EXPECT_EQ(gmmlab::vector_isa(), VectorIsa::baseline);
  }
}

}  // namespace
