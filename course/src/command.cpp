// `gmmlab course ...`: the instructor's commands for a whole class.
#include "gmmlab/course/command.hpp"

#include <fmt/format.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <cerrno>
#include <cstring>
#include <memory>

#include "gmmlab/course/autograde.hpp"
#include "gmmlab/course/batch.hpp"
#include "gmmlab/course/package.hpp"
#include "gmmlab/errors.hpp"
#include "gmmlab/output_path.hpp"
#include "gmmlab/temp_folder.hpp"

namespace fs = std::filesystem;

namespace gmmlab::course {

namespace {

// The program running now: it has the `grade` command the batch runs for each submission.
fs::path this_program() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path("gmmlab") : self;
}

// $GITHUB_OUTPUT is appended to, not replaced. It was checked to be a regular file or a new
// name; O_NOFOLLOW and O_NONBLOCK keep a link or a FIFO put there since from being written
// through or blocking.
void append_line(const fs::path& file, const std::string& line) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0666);
  struct stat st {};
  bool ok = fd >= 0 && ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  ok = ok && ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  const int err = errno;
  if (fd >= 0) ok = ::close(fd) == 0 && ok;
  if (!ok)
    throw Error(fmt::format("--classroom '{}' cannot be appended to ({}); give a regular file in a folder you can "
                            "write to",
                            file.string(), fd >= 0 && !S_ISREG(st.st_mode) ? "not a regular file" : std::strerror(err)));
}

void add_grade(CLI::App& course, int& exit_code) {
  // CLI11 writes into these while parsing; the callback (which owns them) runs after.
  struct Args {
    BatchOptions batch;
    std::string submissions, gradebook, grader, roster, rubric;
  };
  auto args = std::make_shared<Args>();
  BatchOptions* o = &args->batch;
  auto* cmd = course.add_subcommand("grade", "Grade every submission in a folder into a CSV gradebook");
  cmd->footer(
      "Each subfolder, .zip or .tar.gz of SUBMISSIONS is one student (the id is its name before the\n"
      "extension); or SUBMISSIONS is what Canvas, Moodle or Blackboard downloads (the .zip or its folder),\n"
      "grouped by student from the names it gives. Beside the gradebook it writes NAME-feedback/ID.txt\n"
      "(what each student would read), NAME-summary.txt, NAME-histogram.png and NAME-state/ (so that a\n"
      "killed batch resumes).");
  cmd->add_option("SUBMISSIONS", args->submissions,
                  "Folder with one subfolder, .zip or .tar.gz per student, or an LMS download (.zip or folder)")
      ->required();
  cmd->add_option("-o,--output", args->gradebook, "The CSV gradebook to write")->required();
  cmd->add_option("--roster", args->roster,
                  "CSV of the class (an id column, names, emails): joined into the gradebook; who handed in "
                  "nothing gets a row");
  cmd->add_option("--rubric", args->rubric,
                  "An edited copy of grader/rubric.toml (points, visibility, ...) given to every grader; checked "
                  "first, and named in the summary");
  cmd->add_option("-j,--jobs", o->jobs, "Submissions graded at once (default: one per core)")
      ->check(CLI::Range(1u, 256u));
  cmd->add_option("--timeout", o->check_timeout, "Seconds per check, given to `gmmlab grade`")
      ->default_val(10)
      ->check(CLI::PositiveNumber);
  cmd->add_option("--memory", o->memory_mb, "Megabytes per check, given to `gmmlab grade`")
      ->default_val(2048)
      ->check(CLI::PositiveNumber);
  cmd->add_option("--submission-timeout", o->submission_timeout,
                  "Seconds for one whole submission, compile included; past it: 'timed out'")
      ->default_val(900)
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--update", o->update,
                "Write over an existing gradebook, grading only new or changed submissions");
  cmd->add_flag("--force", o->force, "Write over an existing gradebook, grading every submission again");
  cmd->add_option("--grader", args->grader, "The gmmlab program that grades one submission (default: this one)");
  cmd->add_flag("--allow-weak-isolation", o->allow_weak_isolation,
                "Grade even where student code can only run as your own user (see the instructor guide)");
  cmd->add_flag_callback("-q,--quiet", [o] { o->progress = nullptr; }, "No progress bar");
  cmd->callback([args, o, &exit_code] {
    o->submissions = args->submissions;
    o->gradebook = args->gradebook;
    o->roster = args->roster;
    o->rubric = args->rubric;
    o->grader = args->grader.empty() ? this_program() : fs::path(args->grader);
    const BatchResult r = grade_batch(*o);
    fmt::print("{}", r.summary);
    exit_code = 0;
  });
}

void add_package(CLI::App& course, int& exit_code) {
  auto o = std::make_shared<PackageOptions>();
  auto source = std::make_shared<std::string>(GMMLAB_SOURCE_DIR);
  auto output = std::make_shared<std::string>();
  auto* cmd = course.add_subcommand("package", "Write the student package: the lab with no answers inside");
  cmd->footer(
      "The reference and the mistake detector go in compiled (for any x86-64), not as source; the\n"
      "instructor's solution, the hidden checks and every test folder stay out. See\n"
      "docs/instructor-guide.md for what this hides and what it does not.");
  cmd->add_option("-o,--output", *output, "The archive to write (.tar.gz)")->default_val("gmm-lab-student.tar.gz");
  cmd->add_option("--source", *source, "The GMM Lab checkout to package (default: the one gmmlab was built from)");
  cmd->add_flag("--force", o->force, "Replace an existing archive");
  cmd->add_flag_callback("-q,--quiet", [o] { o->progress = nullptr; }, "Say nothing while working");
  cmd->callback([o, source, output, &exit_code] {
    o->source = *source;
    o->output = *output;
    write_student_package(*o);
    exit_code = 0;
  });
}

void add_bundles(CLI::App& course, int& exit_code) {
  for (const bool gradescope : {true, false}) {
    auto o = std::make_shared<BundleOptions>();
    auto source = std::make_shared<std::string>(GMMLAB_SOURCE_DIR);
    auto output = std::make_shared<std::string>();
    auto package = std::make_shared<std::string>();
    auto* cmd = gradescope
                    ? course.add_subcommand("gradescope", "Write Gradescope's autograder.zip (every check)")
                    : course.add_subcommand("classroom", "Write a GitHub Classroom starter repository (public checks)");
    cmd->add_option("-o,--output", *output, gradescope ? "The zip to write" : "The folder to write")
        ->default_val(gradescope ? "autograder.zip" : "gmm-lab-classroom");
    cmd->add_option("--source", *source, "The GMM Lab checkout (default: the one gmmlab was built from)");
    if (!gradescope)
      cmd->add_option("--package", *package, "A student package made before (default: make one now)");
    cmd->add_flag("--force", o->force, "Replace an existing output");
    cmd->add_flag_callback("-q,--quiet", [o] { o->progress = nullptr; }, "Say nothing while working");
    cmd->callback([=, &exit_code] {
      o->source = *source;
      o->output = *output;
      o->package = *package;
      gradescope ? write_gradescope_bundle(*o) : write_classroom_template(*o);
      exit_code = 0;
    });
  }
}

void add_autograde(CLI::App& course, int& exit_code) {
  struct Args {
    BatchOptions batch;
    std::string submission, gradescope, classroom, grader;
    bool hidden = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = course.add_subcommand(
      "autograde", "Grade one submission for a hosted system (Gradescope's run_autograder, the Classroom workflow)");
  cmd->add_option("SUBMISSION", a->submission, "The folder with the student's files (also one folder deep)")
      ->required();
  cmd->add_option("--gradescope", a->gradescope, "Write Gradescope's results.json here");
  cmd->add_option("--classroom", a->classroom, "Append GitHub Classroom's result line to this file ($GITHUB_OUTPUT)");
  cmd->add_flag("--hidden", a->hidden, "Run the hidden checks too (the instructor's build has them)");
  cmd->add_option("--timeout", a->batch.check_timeout, "Seconds per check")->default_val(10)->check(CLI::PositiveNumber);
  cmd->add_option("--memory", a->batch.memory_mb, "Megabytes per check")->default_val(2048)->check(CLI::PositiveNumber);
  cmd->add_option("--grader", a->grader, "The gmmlab program that grades (default: this one)");
  cmd->add_flag("--allow-weak-isolation", a->batch.allow_weak_isolation,
                "Grade even where student code can only run as your own user (see the instructor guide)");
  cmd->callback([a, &exit_code] {
    if (a->gradescope.empty() && a->classroom.empty())
      throw CLI::ValidationError("autograde", "give --gradescope FILE, --classroom FILE or both");
    check_isolation(a->batch);
    // Both outputs by the rules of gmmlab/output_path.hpp, before anything is graded.
    std::vector<OutputFile> outputs;
    if (!a->gradescope.empty()) outputs.push_back({a->gradescope, "--gradescope"});
    if (!a->classroom.empty()) outputs.push_back({a->classroom, "--classroom"});
    check_outputs(outputs, {a->submission});
    a->batch.grader = a->grader.empty() ? this_program() : fs::path(a->grader);
    const TempFolder folder("autograde");
    const fs::path& work = folder.path();
    const GradeRecord r = grade_submission(a->submission, work, a->batch, a->hidden);
    fmt::print("{}", r.feedback);
    if (!a->gradescope.empty()) write_file_whole(a->gradescope, gradescope_results(r, work / "results.json"));
    if (!a->classroom.empty()) append_line(a->classroom, classroom_output_line(r));
    exit_code = 0;
  });
}

}  // namespace

void add_course_command(CLI::App& app, int& exit_code) {
  auto* course = app.add_subcommand("course", "Instructors: grade a class, make the student package and bundles");
  course->require_subcommand(1);
  add_grade(*course, exit_code);
  add_package(*course, exit_code);
  add_bundles(*course, exit_code);
  add_autograde(*course, exit_code);
}

}  // namespace gmmlab::course
