#pragma once
// Helpers shared by the test suites. Nothing here is part of the product.
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "gmmlab/mixture.hpp"
#include "gmmlab/testing/child_process.hpp"  // run_command: running the CLI from a test

namespace gmmlab::testing {

// A fresh folder under the system's temp dir, removed with everything in it at scope exit.
// Others may pass through it (0711), not list it: the grader's sandbox runs student code as
// another uid, which must reach the workers and folders a test puts here.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

std::filesystem::path sample_photo(const std::string& name = "chelsea.png");
std::filesystem::path astronaut_photo();

void write_file(const std::filesystem::path& path, const std::string& bytes);

// The PIDs of the processes whose name (/proc/PID/comm, as set by prctl(PR_SET_NAME)) is
// `comm`: how a test finds a process of the student's, whose own PID it cannot know (inside the
// sandbox's PID namespace the student sees other numbers).
std::vector<int> processes_named(const std::string& comm);

// Waits up to `seconds` for `done()`; true when it came.
bool eventually(const std::function<bool()>& done, double seconds);
std::string read_file(const std::filesystem::path& path);

// Points drawn from a known mixture (means K x d, covariances, priors), seeded.
arma::mat sample_from(const Mixture& m, arma::uword n, std::uint64_t seed, arma::uvec* labels = nullptr);

// A random but well-conditioned mixture in d dimensions, seeded.
Mixture random_mixture(arma::uword k, arma::uword d, std::uint64_t seed);

// The lab's formulas computed the plainest way, in long double, pixel by pixel: the yardstick
// the fast code is checked against. No ridge, no log-sum-exp tricks beyond what the formula
// needs to stay finite on moderate data.
struct NaivePosterior {
  std::vector<std::vector<long double>> gamma;  // N x K
  long double log_likelihood;
};
NaivePosterior naive_e_step(const arma::mat& x, const Mixture& m);
Mixture naive_m_step(const arma::mat& x, const std::vector<std::vector<long double>>& gamma);
arma::mat naive_zscore(const arma::mat& raw);

}  // namespace gmmlab::testing
