#include "gmmlab/testing/support.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "gmmlab/temp_folder.hpp"

namespace gmmlab::testing {

namespace fs = std::filesystem;

TempDir::TempDir() {
  path_ = make_temp_folder("test");
  fs::permissions(path_, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(path_, ec);
}

std::vector<int> processes_named(const std::string& comm) {
  std::vector<int> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string pid = e.path().filename();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "comm");
    std::string name;
    if (std::getline(in, name) && name == comm) found.push_back(std::stoi(pid));
  }
  return found;
}

bool eventually(const std::function<bool()>& done, double seconds) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

fs::path sample_photo(const std::string& name) { return fs::path(GMMLAB_SAMPLE_DIR) / name; }
fs::path astronaut_photo() { return GMMLAB_ASTRONAUT_PNG; }

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

arma::mat sample_from(const Mixture& m, arma::uword n, std::uint64_t seed, arma::uvec* labels) {
  arma::arma_rng::set_seed(seed);
  const arma::uword d = m.dims();
  arma::mat x(n, d);
  arma::uvec which(n);
  const arma::vec cumulative = arma::cumsum(m.priors);
  std::vector<arma::mat> factors;
  for (arma::uword k = 0; k < m.components(); ++k) factors.push_back(arma::chol(m.covs.slice(k), "lower"));
  for (arma::uword i = 0; i < n; ++i) {
    const double u = arma::randu();
    arma::uword k = 0;
    while (k + 1 < m.components() && u > cumulative[k]) ++k;
    which[i] = k;
    const arma::vec z = arma::randn<arma::vec>(d);
    x.row(i) = m.means.row(k) + (factors[k] * z).t();
  }
  if (labels) *labels = which;
  return x;
}

Mixture random_mixture(arma::uword k, arma::uword d, std::uint64_t seed) {
  arma::arma_rng::set_seed(seed);
  Mixture m;
  m.means = 3.0 * arma::randn<arma::mat>(k, d);
  m.covs.set_size(d, d, k);
  for (arma::uword c = 0; c < k; ++c) {
    const arma::mat a = arma::randn<arma::mat>(d, d);
    m.covs.slice(c) = 0.3 * a * a.t() + 0.2 * arma::eye(d, d);
  }
  m.priors = arma::randu<arma::vec>(k) + 0.5;
  m.priors /= arma::accu(m.priors);
  return m;
}

namespace {

using LMat = std::vector<std::vector<long double>>;

// Gauss-Jordan inverse and determinant with partial pivoting, in long double.
LMat invert(LMat a, long double& determinant) {
  const std::size_t d = a.size();
  LMat inv(d, std::vector<long double>(d, 0));
  for (std::size_t i = 0; i < d; ++i) inv[i][i] = 1;
  determinant = 1;
  for (std::size_t col = 0; col < d; ++col) {
    std::size_t pivot = col;
    for (std::size_t r = col + 1; r < d; ++r)
      if (std::fabs(a[r][col]) > std::fabs(a[pivot][col])) pivot = r;
    if (pivot != col) std::swap(a[pivot], a[col]), std::swap(inv[pivot], inv[col]), determinant = -determinant;
    const long double p = a[col][col];
    determinant *= p;
    for (std::size_t c = 0; c < d; ++c) a[col][c] /= p, inv[col][c] /= p;
    for (std::size_t r = 0; r < d; ++r) {
      if (r == col) continue;
      const long double f = a[r][col];
      for (std::size_t c = 0; c < d; ++c) a[r][c] -= f * a[col][c], inv[r][c] -= f * inv[col][c];
    }
  }
  return inv;
}

}  // namespace

NaivePosterior naive_e_step(const arma::mat& x, const Mixture& m) {
  const std::size_t n = x.n_rows, d = x.n_cols, k = m.components();
  std::vector<LMat> inverses(k);
  std::vector<long double> norms(k);
  for (std::size_t c = 0; c < k; ++c) {
    LMat s(d, std::vector<long double>(d));
    for (std::size_t a = 0; a < d; ++a)
      for (std::size_t b = 0; b < d; ++b) s[a][b] = m.covs(a, b, c);
    long double det = 0;
    inverses[c] = invert(s, det);
    norms[c] = (long double)m.priors[c] / std::sqrt(std::pow(2 * std::numbers::pi_v<long double>, (long double)d) * det);
  }
  NaivePosterior p;
  p.gamma.assign(n, std::vector<long double>(k));
  p.log_likelihood = 0;
  std::vector<long double> diff(d);
  for (std::size_t i = 0; i < n; ++i) {
    long double total = 0;
    for (std::size_t c = 0; c < k; ++c) {
      for (std::size_t a = 0; a < d; ++a) diff[a] = (long double)x(i, a) - m.means(c, a);
      long double q = 0;
      for (std::size_t a = 0; a < d; ++a)
        for (std::size_t b = 0; b < d; ++b) q += diff[a] * inverses[c][a][b] * diff[b];
      p.gamma[i][c] = norms[c] * std::exp(-0.5L * q);  // pi_k N(x_n | mu_k, Sigma_k)
      total += p.gamma[i][c];
    }
    for (std::size_t c = 0; c < k; ++c) p.gamma[i][c] /= total;
    p.log_likelihood += std::log(total);
  }
  return p;
}

Mixture naive_m_step(const arma::mat& x, const LMat& gamma) {
  const std::size_t n = x.n_rows, d = x.n_cols, k = gamma.front().size();
  Mixture m;
  m.means.set_size(k, d);
  m.covs.set_size(d, d, k);
  m.priors.set_size(k);
  for (std::size_t c = 0; c < k; ++c) {
    long double nk = 0;
    std::vector<long double> mean(d, 0);
    for (std::size_t i = 0; i < n; ++i) {
      nk += gamma[i][c];
      for (std::size_t a = 0; a < d; ++a) mean[a] += gamma[i][c] * x(i, a);
    }
    for (std::size_t a = 0; a < d; ++a) mean[a] /= nk, m.means(c, a) = double(mean[a]);
    for (std::size_t a = 0; a < d; ++a)
      for (std::size_t b = 0; b < d; ++b) {
        long double s = 0;
        for (std::size_t i = 0; i < n; ++i) s += gamma[i][c] * (x(i, a) - mean[a]) * (x(i, b) - mean[b]);
        m.covs(a, b, c) = double(s / nk);
      }
    m.priors[c] = double(nk / n);
  }
  return m;
}

arma::mat naive_zscore(const arma::mat& raw) {
  arma::mat z(raw.n_rows, raw.n_cols);
  for (arma::uword j = 0; j < raw.n_cols; ++j) {
    long double mean = 0, var = 0;
    for (arma::uword i = 0; i < raw.n_rows; ++i) mean += raw(i, j);
    mean /= raw.n_rows;
    for (arma::uword i = 0; i < raw.n_rows; ++i) var += (raw(i, j) - mean) * (raw(i, j) - mean);
    const long double sd = std::sqrt(var / raw.n_rows);
    for (arma::uword i = 0; i < raw.n_rows; ++i) z(i, j) = sd > 0 ? double((raw(i, j) - mean) / sd) : 0.0;
  }
  return z;
}

}  // namespace gmmlab::testing
