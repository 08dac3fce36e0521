// "Same init on any machine" (README, --seed): the k-means init of the sample photo and three
// reference EM iterations from it, bit for bit, against values stored from another build flavour:
// the portable -O3 build, checked equal on a portable -O2 build (RelWithDebInfo), and, through
// the baseline kernels, by vector_isa_test.cpp.
// This test runs in whatever flavour the build is (e.g. the portable -O3 default, or ASan's -O2).
// It holds because the code whose results must be identical is compiled with -ffp-contract=off
// (CMakeLists.txt, gmmlab_bit_identical) and fuses a multiply-add only where the source says so
// (fast_math.hpp's fmadd); with contraction left on, -march=native fuses others and the bits
// differ. The values are C hex floats, printed with %a.
#include <gtest/gtest.h>

#include <cstdio>
#include <vector>

#include "gmmlab/em.hpp"
#include "gmmlab/image.hpp"
#include "gmmlab/kmeans.hpp"
#include "gmmlab/reference.hpp"
#include "gmmlab/testing/support.hpp"

namespace {

// chelsea.png, K = 3, seed 0, column-major as Armadillo stores them.
const std::vector<double> kInitMeans{-0x1.f864facde8074p-3, -0x1.5a76b22d3d15ap+0, 0x1.117ba0ab87e97p+0, -0x1.3810e323f5a25p-3, -0x1.8dec326928eadp+0, 0x1.09c70dd29420cp+0, -0x1.21f858fdb4eb9p-4, -0x1.8d2e8f9aee7d1p+0, 0x1.d659b720e26c6p-1};
const std::vector<double> kInitCovariances{0x1.ac6bcf9208897p-3, 0x1.d0e62c6623082p-4, 0x1.ffa20f1a673fcp-6, 0x1.d0e62c6623082p-4, 0x1.2c2da02184f1fp-3, 0x1.0a7e23db53e1bp-3, 0x1.ffa20f1a673fcp-6, 0x1.0a7e23db53e1bp-3, 0x1.a042b51612a25p-3, 0x1.b3e141960bd41p-3, 0x1.bc3c9a234c5b1p-3, 0x1.aa08d56e4af79p-3, 0x1.bc3c9a234c5b1p-3, 0x1.647d13d4ff0bap-2, 0x1.c75c3e83fac64p-2, 0x1.aa08d56e4af79p-3, 0x1.c75c3e83fac64p-2, 0x1.8d928179f3fcdp-1, 0x1.764c8c2658d8fp-2, 0x1.d6d90b67e0069p-3, 0x1.8ca2e839b9984p-4, 0x1.d6d90b67e0069p-3, 0x1.8f54b1298af71p-3, 0x1.125c8cc40be8p-3, 0x1.8ca2e839b9984p-4, 0x1.125c8cc40be8p-3, 0x1.3890c86b87fap-3};
const std::vector<double> kInitPriors{0x1.f24f0f24f0f25p-2, 0x1.6a72f6a72f6a7p-3, 0x1.5877758777587p-2};
const std::vector<double> kRunLogLikelihoods{-0x1.a215abc9bbc74p+17, -0x1.953095d631589p+17, -0x1.8ea61ab0673d2p+17};
const std::vector<double> kRunMeans{-0x1.ab5112fe33804p-3, -0x1.5a65f0ecfdd88p+0, 0x1.e1061019d2f04p-1, -0x1.6f666b20ea6dp-3, -0x1.7772aa64bbaadp+0, 0x1.e7be4aeeb7936p-1, -0x1.070bf2ec69c1dp-3, -0x1.6e81d0f44bc5p+0, 0x1.ba8f6fb2f0acp-1};
const std::vector<double> kRunCovariances{0x1.305cade0c0ce5p-2, 0x1.b2e9bf0037d1p-3, 0x1.05cebe0a54f93p-3, 0x1.b2e9bf0037d1p-3, 0x1.009ad022f6071p-2, 0x1.e01f763d29d92p-3, 0x1.05cebe0a54f93p-3, 0x1.e01f763d29d92p-3, 0x1.36523f0d68c59p-2, 0x1.e31b79d24363dp-3, 0x1.372a2939dfcf8p-2, 0x1.4dc7eb33a2611p-2, 0x1.372a2939dfcf8p-2, 0x1.21780f33e9584p-1, 0x1.63a0caddf9251p-1, 0x1.4dc7eb33a2611p-2, 0x1.63a0caddf9251p-1, 0x1.18a2cf18510b5p+0, 0x1.112b938c75c4dp-1, 0x1.6b2e7a8592844p-2, 0x1.7145a966a7f1fp-3, 0x1.6b2e7a8592844p-2, 0x1.1e9713ccd116ap-2, 0x1.8367fb4fbbf8bp-3, 0x1.7145a966a7f1fp-3, 0x1.8367fb4fbbf8bp-3, 0x1.776bc63c3ff51p-3};
const std::vector<double> kRunPriors{0x1.f2fac7a76c426p-2, 0x1.5379c3584166fp-3, 0x1.634856ac7309fp-2};

std::string hex(double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%a", v);
  return buffer;
}

void expect_bits(const double* got, const std::vector<double>& expected, std::size_t n, const char* what) {
  ASSERT_EQ(n, expected.size()) << what;
  for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(hex(got[i]), hex(expected[i])) << what << " entry " << i;
}

struct Sample {
  arma::mat x;
  gmmlab::Mixture init;
};

const Sample& sample() {
  static const Sample s = [] {
    const gmmlab::ReferenceSteps reference;
    Sample out;
    out.x = reference.zscore(gmmlab::load_image(gmmlab::testing::sample_photo(), 3).pixels);
    out.init = gmmlab::kmeans_init(out.x, 3, {.seed = 0});
    return out;
  }();
  return s;
}

}  // namespace

TEST(SameBitsOnEveryBuild, KMeansInitOfTheSample) {
  const gmmlab::Mixture& m = sample().init;
  expect_bits(m.means.memptr(), kInitMeans, m.means.n_elem, "means");
  expect_bits(m.covs.memptr(), kInitCovariances, m.covs.n_elem, "covariances");
  expect_bits(m.priors.memptr(), kInitPriors, m.priors.n_elem, "priors");
}

TEST(SameBitsOnEveryBuild, ThreeReferenceIterationsFromIt) {
  const gmmlab::EmOutcome r =
      gmmlab::run_em(gmmlab::ReferenceSteps(), sample().x, sample().init, {.max_iterations = 3});
  ASSERT_EQ(r.iterations, 3) << r.message;
  expect_bits(r.log_likelihood.data(), kRunLogLikelihoods, r.log_likelihood.size(), "log-likelihoods");
  expect_bits(r.mixture.means.memptr(), kRunMeans, r.mixture.means.n_elem, "means");
  expect_bits(r.mixture.covs.memptr(), kRunCovariances, r.mixture.covs.n_elem, "covariances");
  expect_bits(r.mixture.priors.memptr(), kRunPriors, r.mixture.priors.n_elem, "priors");
}
