// The k-means initialisation: deterministic, and no NaN whatever the data.
#include <gtest/gtest.h>

#include "gmmlab/image.hpp"
#include "gmmlab/kmeans.hpp"
#include "gmmlab/testing/support.hpp"
#include "gmmlab/testing/textbook.hpp"
#include "gmmlab/worker_pool.hpp"

namespace {

arma::mat sample_pixels() {
  const gmmlab::Image image = gmmlab::load_image(gmmlab::testing::sample_photo(), 3);
  return gmmlab::testing::TextbookSteps().zscore(image.pixels);
}

// The k-means objective: the sum of squared distances of the pixels to their cluster's centre.
double inertia(const arma::mat& x, const gmmlab::KMeansResult& r) {
  double total = 0;
  for (arma::uword i = 0; i < x.n_rows; ++i) total += arma::accu(arma::square(x.row(i) - r.centres.row(r.labels[i])));
  return total;
}

bool identical(const gmmlab::Mixture& a, const gmmlab::Mixture& b) {
  return arma::approx_equal(a.means, b.means, "absdiff", 0.0) && arma::approx_equal(a.covs, b.covs, "absdiff", 0.0) &&
         arma::approx_equal(a.priors, b.priors, "absdiff", 0.0);
}

}  // namespace

TEST(KMeansInit, SameImageKAndSeedGiveTheSameInit) {
  const arma::mat x = sample_pixels();
  const gmmlab::Mixture a = gmmlab::kmeans_init(x, 4, {.seed = 7});
  const gmmlab::Mixture b = gmmlab::kmeans_init(x, 4, {.seed = 7});
  EXPECT_TRUE(identical(a, b));
  const gmmlab::Mixture c = gmmlab::kmeans_init(x, 4, {.seed = 8});
  EXPECT_FALSE(identical(a, c)) << "the seed should matter";
}

TEST(KMeansInit, ThreadCountDoesNotChangeTheInit) {
  const arma::mat x = sample_pixels();
  const int before = gmmlab::thread_count();
  // Whole (the sample photo is smaller than the Lloyd sample) and sampled (as a 12 MP photo is).
  for (const arma::uword lloyd_sample : {arma::uword(1) << 18, arma::uword(20000)}) {
    const gmmlab::KMeansOptions options{.seed = 3, .lloyd_sample = lloyd_sample};
    gmmlab::set_threads(1);
    const gmmlab::Mixture one = gmmlab::kmeans_init(x, 5, options);
    gmmlab::set_threads(2);
    const gmmlab::Mixture two = gmmlab::kmeans_init(x, 5, options);
    EXPECT_TRUE(identical(one, two)) << "Lloyd sample " << lloyd_sample;
  }
  gmmlab::set_threads(before);
}

TEST(KMeansInit, LloydOnASampleThenFullPassesIsAsGoodAsOnEveryPixel) {
  // The sample photo (135 300 pixels) clustered whole, and as a large photo is: Lloyd on
  // 20 000 evenly spread pixels, then at most 3 passes over all of them.
  const arma::mat x = sample_pixels();
  for (const arma::uword k : {3u, 5u}) {
    const gmmlab::KMeansResult whole = gmmlab::kmeans(x, k, {.seed = 0});
    const gmmlab::KMeansResult sampled = gmmlab::kmeans(x, k, {.seed = 0, .lloyd_sample = 20000});
    EXPECT_EQ(whole.full_iterations, 0);
    EXPECT_GE(sampled.full_iterations, 1);
    EXPECT_LE(sampled.full_iterations, 3);
    EXPECT_LT(inertia(x, sampled), 1.005 * inertia(x, whole)) << "K = " << k;
  }
}

TEST(KMeansInit, CovariancesAreNumpyCovOfEachCluster) {
  const arma::mat x = sample_pixels();
  const gmmlab::KMeansResult clusters = gmmlab::kmeans(x, 3, {.seed = 1});
  const gmmlab::Mixture m = gmmlab::mixture_from_clusters(x, clusters);
  ASSERT_EQ(m.components(), 3u);
  EXPECT_NEAR(arma::accu(m.priors), 1.0, 1e-12);
  for (arma::uword c = 0; c < 3; ++c) {
    const arma::uvec members = arma::find(clusters.labels == c);
    ASSERT_GE(members.n_elem, 2u);
    const arma::mat cluster = x.rows(members);
    // np.cov divides by n - 1.
    const arma::mat centred = cluster.each_row() - arma::mean(cluster, 0);
    const arma::mat expected = centred.t() * centred / double(members.n_elem - 1);
    EXPECT_TRUE(arma::approx_equal(m.covs.slice(c), expected, "reldiff", 1e-10));
    EXPECT_TRUE(arma::approx_equal(m.means.row(c), arma::mean(cluster, 0), "absdiff", 1e-12));
    EXPECT_DOUBLE_EQ(m.priors[c], double(members.n_elem) / double(x.n_rows));
  }
}

TEST(KMeansInit, MoreComponentsThanColoursGivesNoNaN) {
  // Two distinct colours, five components: three clusters stay empty or hold one colour.
  arma::mat x(200, 3);
  for (arma::uword i = 0; i < 200; ++i) x.row(i) = i % 2 ? arma::rowvec{1, 1, -1} : arma::rowvec{-1, -1, 1};
  const gmmlab::Mixture m = gmmlab::kmeans_init(x, 5, {.seed = 0});
  EXPECT_TRUE(m.means.is_finite());
  EXPECT_TRUE(m.covs.is_finite());
  EXPECT_NEAR(arma::accu(m.priors), 1.0, 1e-12);
  EXPECT_NO_THROW(gmmlab::validate_mixture(m, 3, "init"));
}

TEST(KMeansInit, ClusterWithOnePixelGetsAValidCovariance) {
  // One outlier far from 99 other points: with K = 2 it forms a cluster of its own.
  arma::mat x = arma::randn<arma::mat>(100, 3) * 0.1;
  x.row(42) = arma::rowvec{50, 50, 50};
  const gmmlab::KMeansResult clusters = gmmlab::kmeans(x, 2, {.seed = 0});
  ASSERT_EQ(arma::accu(clusters.labels == clusters.labels[42]), 1u);
  const gmmlab::Mixture m = gmmlab::mixture_from_clusters(x, clusters);
  EXPECT_NO_THROW(gmmlab::validate_mixture(m, 3, "init"));
}

TEST(KMeansInit, ConstantImageGivesAValidMixture) {
  const arma::mat x(50, 3, arma::fill::zeros);
  const gmmlab::Mixture m = gmmlab::kmeans_init(x, 2, {.seed = 0});
  EXPECT_NO_THROW(gmmlab::validate_mixture(m, 3, "init"));
}
