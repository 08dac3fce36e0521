// `gmmlab course ...`: the instructor's commands for a whole class.
#include "gmmlab/course/command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "gmmlab/course/batch.hpp"
#include "gmmlab/errors.hpp"

namespace fs = std::filesystem;

namespace gmmlab::course {

namespace {

// The program running now: it has the `grade` command the batch runs for each submission.
fs::path this_program() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path("gmmlab") : self;
}

void add_grade(CLI::App& course, int& exit_code) {
  // CLI11 writes into these while parsing; the callback (which owns them) runs after.
  struct Args {
    BatchOptions batch;
    std::string submissions, gradebook, grader;
  };
  auto args = std::make_shared<Args>();
  BatchOptions* o = &args->batch;
  auto* cmd = course.add_subcommand("grade", "Grade every submission in a folder into a CSV gradebook");
  cmd->footer(
      "Each subfolder, .zip or .tar.gz of SUBMISSIONS is one student (the id is its name before the\n"
      "extension). Beside the gradebook it writes NAME-feedback/ID.txt (what each student would read),\n"
      "NAME-summary.txt, NAME-histogram.png and NAME-state/ (so that a killed batch resumes).");
  cmd->add_option("SUBMISSIONS", args->submissions, "Folder with one subfolder, .zip or .tar.gz per student")->required();
  cmd->add_option("-o,--output", args->gradebook, "The CSV gradebook to write")->required();
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
  cmd->add_flag_callback("-q,--quiet", [o] { o->progress = nullptr; }, "No progress bar");
  cmd->callback([args, o, &exit_code] {
    o->submissions = args->submissions;
    o->gradebook = args->gradebook;
    o->grader = args->grader.empty() ? this_program() : fs::path(args->grader);
    const BatchResult r = grade_batch(*o);
    fmt::print("{}", r.summary);
    exit_code = 0;
  });
}

}  // namespace

void add_course_command(CLI::App& app, int& exit_code) {
  auto* course = app.add_subcommand("course", "Instructors: grade a class, make the student package and bundles");
  course->require_subcommand(1);
  add_grade(*course, exit_code);
}

}  // namespace gmmlab::course
