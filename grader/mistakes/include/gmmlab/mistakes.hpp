#pragma once
// The known wrong answers to the lab's exercises, recognised by computing each wrong variant
// from the same inputs and comparing, never by guessing from the numbers' look. One detector,
// used by the grader's feedback and by `gmmlab trace compare`, so both say the same words.
//
// Links the core and the reference: every wrong variant is written here in plain Armadillo,
// independently of any student code; the reference is the right answer the explanations
// (explain.cpp) compare a student's E-step with.
#include <armadillo>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace gmmlab::mistakes {

// What a student's answer is: the part of an exercise the detector looks at.
enum class Part { zscore, gamma, log_likelihood, means, covariances, priors };

// How a mistake's wrong answer is computed, from what that part of the exercise is given; one
// type per part, in Part's order. `log_weighted` is the N x K matrix
// a_nk = ln(pi_k N(x_n | mu_k, Sigma_k)); `new_means` are the means the covariances are about,
// `old_means` those of the mixture that produced gamma.
struct ZscoreOf { arma::mat (*of)(const arma::mat& raw); };
struct GammaOf { arma::mat (*of)(const arma::mat& log_weighted); };
struct LogLikelihoodOf { double (*of)(const arma::mat& log_weighted); };
struct MeansOf { arma::mat (*of)(const arma::mat& x, const arma::mat& gamma); };
struct CovariancesOf {
  arma::cube (*of)(const arma::mat& x, const arma::mat& gamma, const arma::mat& new_means, const arma::mat& old_means);
};
struct PriorsOf { arma::vec (*of)(const arma::mat& gamma); };
using WrongAnswer = std::variant<ZscoreOf, GammaOf, LogLikelihoodOf, MeansOf, CovariancesOf, PriorsOf>;

// One known mistake, whole: adding one is adding one of these to the catalogue (mistakes.cpp),
// and planting it in the grader's loop implementation (grader/tests/planted_steps.cpp).
struct Mistake {
  std::string_view id;    // stable, e.g. "zscore-n-minus-1"; tests and the rubric use it
  std::string_view name;  // plain words: what the answer did
  std::string_view hint;  // what to do instead, pointing at the handout
  WrongAnswer wrong;      // the wrong answer itself, computed
  Part part() const { return static_cast<Part>(wrong.index()); }
};

// Every known mistake, in the order the detector tries them.
const std::vector<Mistake>& catalogue();
const Mistake& by_id(std::string_view id);  // throws std::out_of_range for an unknown id

// Each function returns the first known mistake whose answer, computed from the same inputs,
// agrees with `got` (NaN where it has NaN), or nothing.
std::optional<Mistake> recognise_zscore(const arma::mat& raw, const arma::mat& got);
std::optional<Mistake> recognise_gamma(const arma::mat& log_weighted, const arma::mat& got);
std::optional<Mistake> recognise_log_likelihood(const arma::mat& log_weighted, double got);
std::optional<Mistake> recognise_means(const arma::mat& x, const arma::mat& gamma, const arma::mat& got);
std::optional<Mistake> recognise_covariances(const arma::mat& x, const arma::mat& gamma, const arma::mat& new_means,
                                             const arma::mat& old_means, const arma::cube& got);
std::optional<Mistake> recognise_priors(const arma::mat& gamma, const arma::vec& got);

// The wrong answer of mistake `id`, for tests and for anyone who wants to show one; throws
// std::out_of_range for an unknown id or one of another part.
arma::mat wrong_zscore(std::string_view id, const arma::mat& raw);
arma::mat wrong_gamma(std::string_view id, const arma::mat& log_weighted);
double wrong_log_likelihood(std::string_view id, const arma::mat& log_weighted);
arma::mat wrong_means(std::string_view id, const arma::mat& x, const arma::mat& gamma);
arma::cube wrong_covariances(std::string_view id, const arma::mat& x, const arma::mat& gamma,
                             const arma::mat& new_means, const arma::mat& old_means);
arma::vec wrong_priors(std::string_view id, const arma::mat& gamma);

// The right covariances about the given centres (sum_n gamma_nk (x_n - c_k)^T (x_n - c_k) / N_k):
// what every covariance variant differs from, and what the grader compares a student's
// covariances with when the student's own means (which they are about) are not the reference's.
arma::cube covariances_about(const arma::mat& x, const arma::mat& gamma, const arma::mat& centres);

// "the answer <name>; <hint>" as one sentence pair, the form every tool prints.
std::string describe(const Mistake& m);

}  // namespace gmmlab::mistakes
