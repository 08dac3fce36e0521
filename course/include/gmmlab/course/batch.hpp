#pragma once
// Grading a whole class: every submission in a folder graded by its own `gmmlab grade --hidden`
// process, several at once, resumable, written to a gradebook.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace gmmlab::course {

// What the batch says about a submission, in the gradebook's status column.
namespace status {
inline constexpr const char* graded = "graded";
inline constexpr const char* did_not_compile = "did not compile";
inline constexpr const char* incomplete = "incomplete files";
inline constexpr const char* timed_out = "timed out";
inline constexpr const char* refused = "refused";
inline constexpr const char* not_graded = "could not grade";
inline constexpr const char* no_submission = "no submission";  // on the roster, nothing handed in
}  // namespace status

// One check of one submission, as the grader's results.json gives it.
struct CheckResult {
  std::string name, number, status, visibility, output;
  double score = 0, max_score = 0;
};

struct GradeRecord {
  std::string id;
  std::string name, email;  // from the roster, else the name the LMS gives (never stored: joined afresh)
  std::string source;    // the folder or archive's name in the submissions folder
  std::string status;    // one of status::*
  std::string note;      // one line: why not graded, renamed files, ignored files
  std::vector<CheckResult> checks;
  double total = 0, max_total = 0;
  std::string feedback;  // the report the student would read
  std::uint64_t key = 0; // content hash + grader + options: unchanged key, no regrading
};

struct BatchOptions {
  std::filesystem::path submissions;
  std::filesystem::path gradebook;   // the CSV; the other outputs sit beside it (see outputs_for)
  std::filesystem::path grader;      // the gmmlab program whose `grade` command grades one submission
  std::filesystem::path roster;      // a CSV of the class (see roster.hpp), or empty: no roster
  std::filesystem::path rubric;      // an edited rubric.toml given to every grader, or empty: its own
  unsigned jobs = 0;                 // 0: one per core
  double check_timeout = 10;         // --timeout given to the grader (per check)
  std::size_t memory_mb = 2048;      // --memory given to the grader (per check)
  double submission_timeout = 900;   // the whole grading of one submission, compile included
  bool force = false;                // regrade everything and overwrite the outputs
  bool update = false;               // overwrite the outputs, regrading only new or changed submissions
  bool allow_weak_isolation = false; // grade even where student code would run as this user (see check_isolation)
  std::FILE* progress = stderr;      // nullptr: quiet
};

// Where a batch writes, all beside the gradebook and named after it.
struct BatchOutputs {
  std::filesystem::path gradebook, feedback_dir, summary, histogram, state_dir;
};
BatchOutputs outputs_for(const std::filesystem::path& gradebook);

struct BatchResult {
  std::vector<GradeRecord> records;  // sorted by id
  std::vector<std::string> skipped;  // entries of the submissions folder that are not submissions
  std::string layout;                // how an LMS download was grouped, one line ("" for one folder per student)
  int graded_now = 0, reused = 0;
  std::string summary;               // the summary's text, as written
};

// The sandbox's line for the reports ("Isolation: ..."); throws Error when this host can only
// run student code as the grading user itself (not root, no user namespaces) and the instructor
// did not pass --allow-weak-isolation: a class's hostile submission could then forge marks.
std::string check_isolation(const BatchOptions& options);

// Grades every submission and writes the gradebook, the feedback files, the summary and the
// histogram. Throws Error (one sentence) for what stops the whole batch: a missing or empty
// submissions folder, an existing gradebook without force/update, an unwritable output folder,
// a missing grader, an interrupt. Anything wrong with one submission only marks that one.
BatchResult grade_batch(const BatchOptions& options);

// Grades one submission folder (as Gradescope or a CI job hands it over) in the fresh folder
// `work`: its files found and staged as for a batch, then one `gmmlab grade` process, with the
// hidden checks when `hidden`. The grader's own results.json, when it wrote one, is left in
// `work`/results.json. Never throws for what is wrong with the submission: the record says it.
GradeRecord grade_submission(const std::filesystem::path& submission, const std::filesystem::path& work,
                             const BatchOptions& options, bool hidden);

}  // namespace gmmlab::course
