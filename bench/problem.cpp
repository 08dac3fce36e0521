#include "problem.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>
#include <vector>

#include "gmmlab/errors.hpp"
#include "gmmlab/gaussian.hpp"

namespace gmmlab::bench {

namespace {

constexpr char kMagic[8] = {'G', 'M', 'M', 'B', 'E', 'N', 'C', 'H'};

struct Header {
  std::uint64_t n = 0, d = 0, k = 0;
};

Header read_header(std::ifstream& in, const std::filesystem::path& path) {
  char magic[8];
  Header h;
  in.read(magic, 8);
  in.read(reinterpret_cast<char*>(&h), sizeof h);
  if (!in || std::memcmp(magic, kMagic, 8) != 0)
    throw Error(fmt::format("'{}' is not a benchmark problem file", path.string()));
  return h;
}

void read_doubles(std::ifstream& in, double* out, std::size_t count, const std::filesystem::path& path) {
  in.read(reinterpret_cast<char*>(out), std::streamsize(count * sizeof(double)));
  if (!in) throw Error(fmt::format("benchmark problem file '{}' is truncated", path.string()));
}

}  // namespace

void write_problem(const std::filesystem::path& path, const arma::mat& x, const Mixture& initial) {
  std::ofstream out(path, std::ios::binary);
  const Header h{x.n_rows, x.n_cols, initial.components()};
  out.write(kMagic, 8);
  out.write(reinterpret_cast<const char*>(&h), sizeof h);
  out.write(reinterpret_cast<const char*>(x.memptr()), std::streamsize(x.n_elem * sizeof(double)));
  const arma::mat means_by_row = initial.means.t();  // so that component k's mean is contiguous
  out.write(reinterpret_cast<const char*>(means_by_row.memptr()), std::streamsize(means_by_row.n_elem * sizeof(double)));
  out.write(reinterpret_cast<const char*>(initial.covs.memptr()), std::streamsize(initial.covs.n_elem * sizeof(double)));
  out.write(reinterpret_cast<const char*>(initial.priors.memptr()), std::streamsize(initial.priors.n_elem * sizeof(double)));
  if (!out) throw Error(fmt::format("cannot write the benchmark problem file '{}'", path.string()));
}

arma::mat read_pixels(const std::filesystem::path& path, Layout layout) {
  std::ifstream in(path, std::ios::binary);
  const Header h = read_header(in, path);
  if (layout == Layout::pixels_by_channel) {
    arma::mat x(h.n, h.d);
    read_doubles(in, x.memptr(), x.n_elem, path);
    return x;
  }
  // Transposed while reading, a slab at a time, so that only one copy of the data exists.
  arma::mat x(h.d, h.n);
  std::vector<double> slab(1 << 16);
  for (std::uint64_t c = 0; c < h.d; ++c)
    for (std::uint64_t first = 0; first < h.n; first += slab.size()) {
      const std::uint64_t count = std::min<std::uint64_t>(slab.size(), h.n - first);
      read_doubles(in, slab.data(), count, path);
      for (std::uint64_t i = 0; i < count; ++i) x(c, first + i) = slab[i];
    }
  return x;
}

Mixture read_initial(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  const Header h = read_header(in, path);
  in.seekg(std::streamoff(8 + sizeof(Header) + h.n * h.d * sizeof(double)));
  arma::mat means_by_row(h.d, h.k);
  Mixture m;
  m.covs.set_size(h.d, h.d, h.k);
  m.priors.set_size(h.k);
  read_doubles(in, means_by_row.memptr(), means_by_row.n_elem, path);
  read_doubles(in, m.covs.memptr(), m.covs.n_elem, path);
  read_doubles(in, m.priors.memptr(), m.priors.n_elem, path);
  m.means = means_by_row.t();
  return m;
}

cv::Mat resized_photo(const std::filesystem::path& path, double megapixels) {
  const cv::Mat photo = cv::imread(path.string(), cv::IMREAD_COLOR);
  if (photo.empty()) throw Error(fmt::format("cannot read the benchmark photo '{}'", path.string()));
  const double scale = std::sqrt(megapixels * 1e6 / double(photo.total()));
  const cv::Size size(std::max(1, int(std::lround(photo.cols * scale))), std::max(1, int(std::lround(photo.rows * scale))));
  cv::Mat resized;
  cv::resize(photo, resized, size, 0, 0, scale < 1 ? cv::INTER_AREA : cv::INTER_CUBIC);
  return resized;
}

arma::mat pixels_of(const cv::Mat& photo) {
  arma::mat pixels(photo.total(), 3);
  arma::uword i = 0;
  for (int r = 0; r < photo.rows; ++r)
    for (int c = 0; c < photo.cols; ++c, ++i) {
      const cv::Vec3b& v = photo.at<cv::Vec3b>(r, c);
      for (int j = 0; j < 3; ++j) pixels(i, arma::uword(j)) = v[j];
    }
  return pixels;
}

double log_likelihood(const arma::mat& x, const Mixture& m) {
  const arma::uword k = m.components(), d = x.n_cols, n = x.n_rows;
  std::vector<FactoredComponent> f;
  for (arma::uword c = 0; c < k; ++c) f.push_back(factor_component(m, c));
  constexpr arma::uword block = 4096;
  const arma::uword blocks = (n + block - 1) / block;
  std::vector<long double> partial(blocks, 0.0L);
#pragma omp parallel for schedule(static)
  for (arma::uword b = 0; b < blocks; ++b) {
    std::vector<long double> lp(k);
    long double sum_block = 0;
    for (arma::uword i = b * block; i < std::min(n, (b + 1) * block); ++i) {
      long double top = -INFINITY;
      for (arma::uword c = 0; c < k; ++c) {
        long double q = 0;
        for (arma::uword a = 0; a < d; ++a) {
          long double z = 0;
          for (arma::uword e = 0; e <= a; ++e) z += (long double)f[c].l_inv(a, e) * ((long double)x(i, e) - f[c].mean[e]);
          q += z * z;
        }
        lp[c] = f[c].log_weight - 0.5L * q;
        top = std::max(top, lp[c]);
      }
      long double s = 0;
      for (arma::uword c = 0; c < k; ++c) s += std::exp(lp[c] - top);
      sum_block += top + std::log(s);
    }
    partial[b] = sum_block;
  }
  long double total = 0;
  for (long double p : partial) total += p;
  return double(total);
}

std::string mixture_to_line(const Mixture& m) {
  std::string line;
  for (arma::uword c = 0; c < m.components(); ++c)
    for (arma::uword a = 0; a < m.dims(); ++a) line += fmt::format(" {:.17g}", m.means(c, a));
  for (double v : m.covs) line += fmt::format(" {:.17g}", v);
  for (double v : m.priors) line += fmt::format(" {:.17g}", v);
  return line;
}

Mixture mixture_from_tokens(const std::vector<double>& values, arma::uword k, arma::uword d) {
  if (values.size() != k * d + k * d * d + k)
    throw Error(fmt::format("a benchmark child printed {} mixture values, expected {}", values.size(),
                            k * d + k * d * d + k));
  Mixture m;
  m.means.set_size(k, d);
  m.covs.set_size(d, d, k);
  m.priors.set_size(k);
  std::size_t i = 0;
  for (arma::uword c = 0; c < k; ++c)
    for (arma::uword a = 0; a < d; ++a) m.means(c, a) = values[i++];
  for (double& v : m.covs) v = values[i++];
  for (double& v : m.priors) v = values[i++];
  return m;
}

long peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

}  // namespace gmmlab::bench
