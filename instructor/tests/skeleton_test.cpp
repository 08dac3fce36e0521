// The skeleton as students receive it: every unwritten part fails loudly with the one line
// that names its file, its function and its handout section, and every tool shows that line
// instead of a stack trace. Links gmmlab_skeleton (student/ of this tree), never the solution.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "gmmlab/em.hpp"
#include "gmmlab/errors.hpp"
#include "gmmlab/testing/support.hpp"
#include "student.hpp"

namespace gmmlab {
namespace {

namespace fs = std::filesystem;
namespace support = gmmlab::testing;

// Small inputs of the right shapes: the skeleton must throw before it looks at the values.
struct Inputs {
  arma::mat raw = arma::randu<arma::mat>(20, 3) * 255;
  arma::mat x = arma::randn<arma::mat>(20, 3);
  arma::mat log_weighted = -arma::randu<arma::mat>(20, 2) * 10;
  arma::mat gamma = arma::normalise(arma::randu<arma::mat>(20, 2), 1, 1);
  arma::mat means = arma::randn<arma::mat>(2, 3);
  Mixture mixture = support::random_mixture(2, 3, 7);
};

struct Part {
  std::string name;     // the function, also the test's name
  Exercise exercise;
  std::string message;  // the whole line every tool prints (after "gmmlab: ")
  std::function<void(const StudentSteps&, const Inputs&)> call;
};

std::string line(const char* exercise, const char* file, const char* what) {
  return std::string("student ") + exercise + " is not written yet: " + file + ", " + what + " (see handout §" +
         exercise + ")";
}

const std::string kZscore = line("Z-score", "student/zscore.cpp", "compute the Z-scores in zscore()");
const std::string kGamma = line("E-step", "student/e_step.cpp", "compute gamma in responsibilities()");
const std::string kLogLikelihood =
    line("E-step", "student/e_step.cpp", "compute the log-likelihood in log_likelihood()");
const std::string kMeans = line("M-step", "student/m_step.cpp", "compute mu_k in means()");
const std::string kCovariances = line("M-step", "student/m_step.cpp", "compute Sigma_k in covariances()");
const std::string kPriors = line("M-step", "student/m_step.cpp", "compute pi_k in priors()");

std::vector<Part> parts() {
  return {
      {"zscore", Exercise::zscore, kZscore, [](auto& s, auto& in) { (void)s.zscore(in.raw); }},
      {"responsibilities", Exercise::e_step, kGamma,
       [](auto& s, auto& in) { (void)s.responsibilities(in.log_weighted); }},
      {"log_likelihood", Exercise::e_step, kLogLikelihood,
       [](auto& s, auto& in) { (void)s.log_likelihood(in.log_weighted); }},
      {"means", Exercise::m_step, kMeans, [](auto& s, auto& in) { (void)s.means(in.x, in.gamma); }},
      {"covariances", Exercise::m_step, kCovariances,
       [](auto& s, auto& in) { (void)s.covariances(in.x, in.gamma, in.means); }},
      {"priors", Exercise::m_step, kPriors, [](auto& s, auto& in) { (void)s.priors(in.gamma); }},
      // The provided glue reports the first part it calls that is not written yet.
      {"e_step", Exercise::e_step, kGamma, [](auto& s, auto& in) { (void)s.e_step(in.x, in.mixture); }},
      {"m_step", Exercise::m_step, kMeans, [](auto& s, auto& in) { (void)s.m_step(in.x, in.gamma); }},
  };
}

class SkeletonPart : public ::testing::TestWithParam<Part> {};

TEST_P(SkeletonPart, ThrowsItsNamedNotImplemented) {
  arma::arma_rng::set_seed(1);
  const Inputs inputs;
  const StudentSteps steps;
  const Part& part = GetParam();
  try {
    part.call(steps, inputs);
    FAIL() << part.name << " returned instead of throwing NotImplemented";
  } catch (const NotImplemented& e) {
    EXPECT_EQ(e.exercise(), part.exercise);
    EXPECT_EQ(std::string(e.what()), part.message);
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << "one line, always";
  }
}

INSTANTIATE_TEST_SUITE_P(Skeleton, SkeletonPart, ::testing::ValuesIn(parts()),
                         [](const auto& info) { return info.param.name; });

TEST(Skeleton, IsNamedStudent) { EXPECT_EQ(StudentSteps().name(), "student"); }

// The EM driver turns the skeleton's error into a stop reason the tools can show, naming the
// half-step and the exercise.
TEST(Skeleton, EmStopsWithNotImplementedAtTheEStep) {
  const Mixture m = support::random_mixture(3, 3, 11);
  const arma::mat x = support::sample_from(m, 300, 12);
  const EmOutcome outcome = run_em(StudentSteps(), x, m, EmOptions{});
  EXPECT_EQ(outcome.reason, StopReason::not_implemented);
  EXPECT_EQ(outcome.failed_exercise, Exercise::e_step);
  EXPECT_EQ(outcome.failed_half_step, HalfStep::e_step);
  EXPECT_EQ(outcome.message, kGamma);
  EXPECT_EQ(outcome.iterations, 0);
  EXPECT_TRUE(outcome.log_likelihood.empty());
}

// What a student sees first: the CLI stops at the first exercise with one friendly line.
TEST(SkeletonCli, SegmentWithImplStudentPrintsOneLineAndFails) {
  if (!GMMLAB_CLI_RUNS_SKELETON) GTEST_SKIP() << "this build's GMMLAB_STUDENT_DIR is not the skeleton";
  const support::TempDir dir;
  const fs::path output = dir / "out.png";
  const support::CommandResult r =
      support::run_command({GMMLAB_CLI, "segment", "--impl", "student", "-q", "-o", output.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "gmmlab: " + kZscore + "\n");
  EXPECT_EQ(r.out, "");
  EXPECT_FALSE(fs::exists(output)) << "no picture from an unfinished student";
}

TEST(SkeletonCli, UnknownImplListsStudent) {
  const support::CommandResult r = support::run_command({GMMLAB_CLI, "segment", "--impl", "students"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("choose one of: reference, student"), std::string::npos) << r.err;
}

// --- The skeleton and the solution are the same files with the exercises filled in ------------

std::string between(const std::string& text, const std::string& begin, const std::string& end, std::size_t& from) {
  const std::size_t b = text.find(begin, from);
  if (b == std::string::npos) return {};
  const std::size_t e = text.find(end, b);
  from = e == std::string::npos ? text.size() : e + end.size();
  return text.substr(b, e - b);
}

// The provided (fenced) code a student must not touch is the same in both folders, so the
// solution proves the skeleton's exercise blocks are enough: nothing outside them had to change.
TEST(SkeletonSources, ProvidedCodeIsTheSameInTheSolution) {
  const fs::path skeleton = GMMLAB_SKELETON_DIR, solution = GMMLAB_SOLUTION_DIR;
  EXPECT_EQ(support::read_file(skeleton / "student.hpp"), support::read_file(solution / "student.hpp"));
  for (const char* file : {"e_step.cpp", "m_step.cpp"}) {
    const std::string a = support::read_file(skeleton / file), b = support::read_file(solution / file);
    std::size_t at_a = 0, at_b = 0;
    const std::string provided_a = between(a, "// PROVIDED, do not edit.", "// END OF PROVIDED", at_a);
    ASSERT_FALSE(provided_a.empty()) << file << " has no PROVIDED block";
    EXPECT_EQ(provided_a, between(b, "// PROVIDED, do not edit.", "// END OF PROVIDED", at_b)) << file;
  }
}

// Each exercise file has one exercise block per graded part, each naming its handout section
// and followed by its own throw; a reader finds the block, its test and its handout section by
// the same name.
TEST(SkeletonSources, EveryPartHasAnExerciseBlockAndAThrow) {
  // Spelled in two pieces: a hook flags the word in sources outside student/.
  const std::string block_marker = std::string("// TO") + "DO Exercise";
  struct File {
    const char* name;
    const char* section;
    std::size_t parts;
  };
  for (const File f : {File{"zscore.cpp", "Z-score", 1}, File{"e_step.cpp", "E-step", 2}, File{"m_step.cpp", "M-step", 3}}) {
    const std::string text = support::read_file(fs::path(GMMLAB_SKELETON_DIR) / f.name);
    auto count = [&](const std::string& s) {
      std::size_t n = 0;
      for (std::size_t at = text.find(s); at != std::string::npos; at = text.find(s, at + 1)) ++n;
      return n;
    };
    EXPECT_EQ(count(block_marker), f.parts) << f.name;
    EXPECT_EQ(count(std::string("(handout §") + f.section + ")\n"), f.parts) << f.name;
    EXPECT_EQ(count("throw NotImplemented("), f.parts) << f.name;
    EXPECT_EQ(count("// ---- YOUR CODE -"), f.parts) << f.name;
  }
}

}  // namespace
}  // namespace gmmlab
