// build_submission: a folder becomes a worker one file at a time; a broken file costs only its
// exercise, edits to provided code are named, and bad input is one sentence with nothing of the
// submission changed.
#include "gmmlab/submission_build.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "gmmlab/sandbox.hpp"
#include "gmmlab/testing/support.hpp"
#ifdef GMMLAB_SANDBOX_HAVE_SOLUTION
#include "student.hpp"  // the instructor solution, in process
#endif

namespace gmmlab {
namespace {

namespace fs = std::filesystem;

// Every file of a folder and its bytes: to show a submission is left exactly as it was.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    files[fs::relative(e.path(), dir).string()] = e.is_regular_file() ? testing::read_file(e.path()) : "<dir>";
  return files;
}

fs::path copy_folder(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  for (const auto& e : fs::directory_iterator(from))
    if (e.is_regular_file()) fs::copy_file(e.path(), to / e.path().filename());
  return to;
}

// Replaces the first occurrence of `what` in a file (the test fails if it is not there).
void edit(const fs::path& file, const std::string& what, const std::string& with) {
  std::string text = testing::read_file(file);
  const auto at = text.find(what);
  ASSERT_NE(at, std::string::npos) << what << " not in " << file;
  text.replace(at, what.size(), with);
  testing::write_file(file, text);
}

int line_of(const fs::path& file, const std::string& what) {
  const std::string text = testing::read_file(file);
  const auto at = text.find(what);
  return at == std::string::npos
             ? -1
             : 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
}

std::string build_error(const fs::path& submission, const fs::path& work) {
  const auto before = fs::exists(submission) && fs::is_directory(submission) ? snapshot(submission)
                                                                             : std::map<std::string, std::string>{};
  try {
    (void)build_submission(submission, work);
  } catch (const Error& e) {
    if (fs::is_directory(submission)) {
      EXPECT_EQ(snapshot(submission), before) << "the submission was changed";
    }
    return e.what();
  }
  ADD_FAILURE() << "build_submission accepted " << submission;
  return "";
}

bool has_warning(const SubmissionBuild& b, const std::string& text) {
  return std::any_of(b.warnings.begin(), b.warnings.end(), [&](const std::string& w) { return w == text; });
}

std::string all_warnings(const SubmissionBuild& b) {
  std::string s;
  for (const auto& w : b.warnings) s += w + "\n";
  return s;
}

TEST(BuildSubmission, MissingEmptyAndSourcelessFoldersAreOneSentenceEach) {
  testing::TempDir dir;
  EXPECT_EQ(build_error(dir / "nowhere", dir / "work"),
            "the submission folder " + (dir / "nowhere").string() +
                " does not exist; give the folder holding zscore.cpp, e_step.cpp and m_step.cpp");
  testing::write_file(dir / "file.cpp", "int x;\n");
  EXPECT_EQ(build_error(dir / "file.cpp", dir / "work"),
            "the submission " + (dir / "file.cpp").string() +
                " is not a folder; give the folder holding zscore.cpp, e_step.cpp and m_step.cpp");
  fs::create_directories(dir / "empty");
  EXPECT_EQ(build_error(dir / "empty", dir / "work"),
            "the submission folder " + (dir / "empty").string() +
                " is empty; give the folder holding zscore.cpp, e_step.cpp and m_step.cpp");
  fs::create_directories(dir / "notes");
  testing::write_file(dir / "notes" / "README.txt", "my answers are in my head\n");
  testing::write_file(dir / "notes" / "student.hpp", "// nothing\n");
  EXPECT_EQ(build_error(dir / "notes", dir / "work"),
            "the submission folder " + (dir / "notes").string() +
                " holds none of zscore.cpp, e_step.cpp, m_step.cpp; give the folder holding zscore.cpp, e_step.cpp "
                "and m_step.cpp");
  EXPECT_FALSE(fs::exists(dir / "work"));
}

TEST(BuildSubmission, AnImageNamedLikeASourceIsNotCpp) {
  testing::TempDir dir;
  const fs::path sub = copy_folder(GMMLAB_SKELETON_DIR, dir / "sub");
  fs::copy_file(testing::sample_photo(), sub / "e_step.cpp", fs::copy_options::overwrite_existing);
  EXPECT_EQ(build_error(sub, dir / "work"),
            "e_step.cpp in the submission " + sub.string() +
                " is not C++ source (it is a PNG image); submit the .cpp file you edited");
  testing::write_file(sub / "e_step.cpp", std::string("int x;\0\1\2", 9));
  EXPECT_NE(build_error(sub, dir / "work").find("(it holds binary data, not text)"), std::string::npos);
  // Too large to be a source: refused from its size, before it is read.
  fs::remove(sub / "e_step.cpp");
  { std::ofstream(sub / "e_step.cpp").close(); }
  fs::resize_file(sub / "e_step.cpp", std::uintmax_t{2} << 20);
  EXPECT_EQ(build_error(sub, dir / "work"),
            "e_step.cpp in the submission " + sub.string() +
                " is not C++ source (it is 2097152 bytes, too large for a source file); submit the .cpp file you "
                "edited");
}

TEST(BuildSubmission, NothingCompilingIsOneSentenceNamingTheFirstError) {
  testing::TempDir dir;
  const fs::path sub = copy_folder(GMMLAB_SKELETON_DIR, dir / "sub");
  for (const char* f : {"zscore.cpp", "e_step.cpp", "m_step.cpp"})
    edit(sub / f, "namespace gmmlab {", "namespace gmmlab { oops");
  const std::string e = build_error(sub, dir / "work");
  EXPECT_TRUE(e.starts_with("nothing in the submission " + sub.string() + " compiles (first error: zscore.cpp:")) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  EXPECT_EQ(e.find((dir / "work").string()), std::string::npos) << e;
}

TEST(BuildSubmission, TheWorkFolderMayNotBeInsideTheSubmission) {
  testing::TempDir dir;
  const fs::path sub = copy_folder(GMMLAB_SKELETON_DIR, dir / "sub");
  EXPECT_NE(build_error(sub, sub / "build").find("is inside the submission"), std::string::npos);
}

#ifdef GMMLAB_SANDBOX_HAVE_SOLUTION
TEST(BuildSubmission, TheSolutionBuildsCleanAndAnswersLikeTheSolution) {
  testing::TempDir dir;
  const fs::path sub = copy_folder(GMMLAB_SOLUTION_DIR, dir / "sub");
  const auto before = snapshot(sub);
  const SubmissionBuild b = build_submission(sub, dir / "work");
  ::testing::Test::RecordProperty("build_seconds", std::to_string(b.seconds));
  EXPECT_EQ(snapshot(sub), before);
  ASSERT_EQ(b.files.size(), 3u);
  for (const FileBuild& f : b.files) {
    EXPECT_TRUE(f.compiled) << exercise_file(f.exercise) << ": " << f.errors;
    EXPECT_EQ(f.errors, "");
  }
  EXPECT_EQ(all_warnings(b), "");
  const IsolatedSteps isolated(b.worker, {.seconds = 10, .memory_mb = 1024});
  const StudentSteps in_process;
  const Mixture m = testing::random_mixture(3, 3, 11);
  const arma::mat x = testing::sample_from(m, 500, 5);
  EXPECT_TRUE(arma::approx_equal(isolated.zscore(x), in_process.zscore(x), "absdiff", 0.0));
  EXPECT_TRUE(arma::approx_equal(isolated.e_step(x, m).gamma, in_process.e_step(x, m).gamma, "absdiff", 0.0));
}

// A header edited so that a part the grader calls on its own is gone (responsibilities() renamed)
// is graded as it is: that part is answered by the whole E-step, and everything else as before.
TEST(BuildSubmission, AHeaderWithoutAPartIsGradedThroughTheWholeHalfStep) {
  testing::TempDir dir;
  const fs::path sub = copy_folder(GMMLAB_SOLUTION_DIR, dir / "sub");
  for (const char* name : {"student.hpp", "e_step.cpp"}) {
    std::string text = testing::read_file(sub / name);
    for (auto at = text.find("responsibilities("); at != std::string::npos; at = text.find("responsibilities(", at))
      text.replace(at, std::string("responsibilities(").size(), "gamma_from(");
    testing::write_file(sub / name, text);
  }
  const SubmissionBuild b = build_submission(sub, dir / "work");
  for (const FileBuild& f : b.files) EXPECT_TRUE(f.compiled) << exercise_file(f.exercise) << ": " << f.errors;
  const IsolatedSteps isolated(b.worker, {.seconds = 10, .memory_mb = 1024});
  const StudentSteps in_process;
  const Mixture m = testing::random_mixture(3, 3, 11);
  const arma::mat x = testing::sample_from(m, 500, 5);
  EXPECT_TRUE(arma::approx_equal(isolated.gamma_of(x, m), in_process.e_step(x, m).gamma, "absdiff", 0.0));
  EXPECT_EQ(isolated.log_likelihood_of(x, m), in_process.e_step(x, m).log_likelihood);
}

TEST(BuildSubmission, ABrokenFileCostsOnlyItsExerciseAndEditedProvidedCodeIsNamed) {
  testing::TempDir dir;
  const fs::path sub = copy_folder(GMMLAB_SOLUTION_DIR, dir / "sub");
  // e_step.cpp does not compile; student.hpp and the M-step's PROVIDED block were edited.
  edit(sub / "e_step.cpp", "arma::mat StudentSteps::responsibilities(",
       "arma::mat StudentSteps::responsibilities(int oops, ");
  edit(sub / "student.hpp", "class StudentSteps final : public Steps {",
       "// my note\nclass StudentSteps final : public Steps {");
  edit(sub / "m_step.cpp", "Mixture StudentSteps::m_step(", "Mixture  StudentSteps::m_step(");
  testing::write_file(sub / "helpers.cpp", "this is not C++ yet\n");
  const auto before = snapshot(sub);
  const SubmissionBuild b = build_submission(sub, dir / "work");
  EXPECT_EQ(snapshot(sub), before);

  ASSERT_EQ(b.files.size(), 3u);
  EXPECT_TRUE(b.files[0].compiled);
  EXPECT_FALSE(b.files[1].compiled);
  EXPECT_TRUE(b.files[2].compiled);
  EXPECT_EQ(b.files[1].exercise, Exercise::e_step);
  const int broken_line = line_of(sub / "e_step.cpp", "int oops");
  EXPECT_NE(b.files[1].errors.find(fmt::format("e_step.cpp:{}:", broken_line)), std::string::npos) << b.files[1].errors;
  EXPECT_NE(b.files[1].errors.find("error"), std::string::npos) << b.files[1].errors;
  EXPECT_EQ(b.files[1].errors.find((dir / "work").string()), std::string::npos) << b.files[1].errors;

  const int note = line_of(sub / "student.hpp", "// my note");
  EXPECT_TRUE(has_warning(b, fmt::format("student.hpp was edited (line {}): graded as it is", note)))
      << all_warnings(b);
  const int provided = line_of(sub / "m_step.cpp", "Mixture  StudentSteps::m_step(");
  EXPECT_TRUE(
      has_warning(b, fmt::format("m_step.cpp: a PROVIDED block was edited (line {}): graded as it is", provided)))
      << all_warnings(b);
  EXPECT_NE(all_warnings(b).find("helpers.cpp does not compile and was left out: helpers.cpp:1:1: error:"),
            std::string::npos)
      << all_warnings(b);

  // The other exercises are graded: the Z-score answers, the E-step is the skeleton's.
  const IsolatedSteps isolated(b.worker, {.seconds = 10, .memory_mb = 1024});
  const arma::mat x = testing::sample_from(testing::random_mixture(3, 3, 11), 300, 5);
  EXPECT_TRUE(arma::approx_equal(isolated.zscore(x), StudentSteps().zscore(x), "absdiff", 0.0));
  EXPECT_THROW((void)isolated.e_step(x, testing::random_mixture(3, 3, 11)), NotImplemented);
}

TEST(BuildSubmission, MissingFilesAreTheLabsOwnAndSaySo) {
  testing::TempDir dir;
  fs::create_directories(dir / "sub");
  fs::copy_file(fs::path(GMMLAB_SOLUTION_DIR) / "zscore.cpp", dir / "sub" / "zscore.cpp");
  const SubmissionBuild b = build_submission(dir / "sub", dir / "work");
  EXPECT_TRUE(b.files[0].compiled);
  EXPECT_FALSE(b.files[1].compiled);
  EXPECT_EQ(b.files[1].errors, "e_step.cpp is missing from the submission");
  EXPECT_EQ(b.files[2].errors, "m_step.cpp is missing from the submission");
  // Students are told to edit the three .cpp files: a missing student.hpp is no news to them.
  EXPECT_TRUE(b.warnings.empty()) << all_warnings(b);
  const IsolatedSteps isolated(b.worker, {.seconds = 10, .memory_mb = 1024});
  EXPECT_THROW((void)isolated.m_step(arma::mat(5, 2, arma::fill::ones), arma::mat(5, 2, arma::fill::ones)),
               NotImplemented);
}
#endif

}  // namespace
}  // namespace gmmlab
