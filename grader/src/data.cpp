#include "gmmlab/grader/data.hpp"

#include <random>

#include "gmmlab/image.hpp"
#include "gmmlab/kmeans.hpp"
#include "gmmlab/pipeline.hpp"
#include "gmmlab/reference.hpp"

namespace gmmlab::grader::data {

namespace {
// Box-Muller on the generator's raw bits, so that the numbers do not depend on the standard
// library's distribution implementations.
struct Random {
  explicit Random(std::uint64_t seed) : engine(seed) {}
  double uniform() { return (double(engine() >> 11) + 0.5) * 0x1.0p-53; }
  double normal() {
    const double u = uniform(), v = uniform();
    return std::sqrt(-2 * std::log(u)) * std::cos(2 * 3.14159265358979323846 * v);
  }
  std::mt19937_64 engine;
};
}  // namespace

arma::mat photo_pixels(const std::string& name, arma::uword stride) {
  const Image image = load_image(sample_image().parent_path() / name, 3);
  const arma::uvec rows = arma::regspace<arma::uvec>(0, stride, image.pixels.n_rows - 1);
  return image.pixels.rows(rows);
}

const PhotoProblem& photo_problem() {
  static const PhotoProblem p = [] {
    PhotoProblem q;
    q.raw = photo_pixels("chelsea.png", 4);
    q.x = ReferenceSteps().zscore(q.raw);
    q.initial = kmeans_init(q.x, 3, KMeansOptions{});
    return q;
  }();
  return p;
}

arma::mat uniform_pixels(arma::uword n, arma::uword d, double lo, double hi, std::uint64_t seed) {
  Random r(seed);
  arma::mat out(n, d);
  for (arma::uword i = 0; i < n; ++i)
    for (arma::uword j = 0; j < d; ++j) out(i, j) = lo + (hi - lo) * r.uniform();
  return out;
}

Mixture random_mixture(arma::uword k, arma::uword d, std::uint64_t seed) {
  Random r(seed);
  Mixture m;
  m.means.set_size(k, d);
  m.covs.set_size(d, d, k);
  m.priors.set_size(k);
  for (arma::uword c = 0; c < k; ++c) {
    for (arma::uword j = 0; j < d; ++j) m.means(c, j) = 4 * r.normal();
    arma::mat a(d, d);
    for (auto& v : a) v = 0.5 * r.normal();
    m.covs.slice(c) = a * a.t() + 0.3 * arma::eye(d, d);  // well conditioned, not diagonal
    m.priors(c) = 0.5 + r.uniform();
  }
  m.priors /= arma::accu(m.priors);
  return m;
}

arma::mat sample(const Mixture& m, arma::uword n, std::uint64_t seed) {
  Random r(seed);
  const arma::uword d = m.dims();
  arma::mat out(n, d);
  const arma::vec cumulative = arma::cumsum(m.priors);
  for (arma::uword i = 0; i < n; ++i) {
    const double u = r.uniform();
    arma::uword c = 0;
    while (c + 1 < m.components() && u > cumulative(c)) ++c;
    arma::vec z(d);
    for (auto& v : z) v = r.normal();
    const arma::mat l = arma::chol(m.covs.slice(c), "lower");
    out.row(i) = m.means.row(c) + (l * z).t();
  }
  return out;
}

arma::mat far_pixels(const Mixture& m, arma::uword n, double distance, std::uint64_t seed) {
  Random r(seed);
  const arma::rowvec centre = arma::mean(m.means, 0);
  const double scale = std::sqrt(arma::max(arma::vectorise(m.covs)));
  arma::mat out(n, m.dims());
  for (arma::uword i = 0; i < n; ++i) {
    arma::rowvec dir(m.dims());
    for (auto& v : dir) v = r.normal();
    out.row(i) = centre + distance * scale * dir / arma::norm(dir);
  }
  return out;
}

}  // namespace gmmlab::grader::data
