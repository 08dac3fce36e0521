#pragma once
// Compiling a submission folder into a worker program for IsolatedSteps, the way this build
// compiles student/ (same compiler, flags, core headers and libraries), without CMake and
// without writing anything into the submission.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "gmmlab/errors.hpp"
#include "gmmlab/sandbox.hpp"

namespace gmmlab {

struct FileBuild {  // one of zscore.cpp, e_step.cpp, m_step.cpp
  Exercise exercise;
  bool compiled = false;  // false: the skeleton's file was used in its place
  std::string errors;     // the compiler's first errors, paths relative to the submission
};

struct SubmissionBuild {
  std::filesystem::path worker;       // the linked worker program
  std::vector<FileBuild> files;       // in exercise order
  std::vector<std::string> warnings;  // e.g. "student.hpp was edited (lines 12-14): graded as it is"
  double seconds = 0;                 // wall-clock time the build took (compiling and linking)
};

// Compiles each file on its own (in work_dir, never in the submission folder), swapping in the
// skeleton's version of a file that does not compile, and links a worker. Throws gmmlab::Error
// with one sentence when it cannot grade at all (missing/empty folder, no student sources, a file
// that is not C++, nothing compiles and links).
//
// Any extra .cpp in the folder is compiled too and linked when it compiles and links (a warning
// says when it was left out); extra headers (.hpp, .h) are available to every file. A missing
// student.hpp or exercise file is replaced by the skeleton's (with a warning, or a FileBuild
// whose errors say it is missing). Compiles run two at a time, each under a time limit.
// The largest source file a submission may hold; anything larger is not what a student wrote.
inline constexpr std::size_t kMaxSourceBytes = std::size_t(1) << 20;

// A submission's file as a regular file of at most kMaxSourceBytes (a FIFO, a device or a
// folder under a source file's name is refused with a sentence, never opened to block).
std::string read_submission_file(const std::filesystem::path& file);

// Every compile and link runs in the sandbox (the same walls as the student code, see
// grader/sandbox/README.md) under `limits`: wall-clock and CPU seconds per compile, memory,
// processes. An #include of an absolute path, of "../" or through a macro is refused with one
// sentence naming the file and line, and costs that file's exercise.
inline constexpr SandboxLimits kCompileLimits{.seconds = 120, .memory_mb = 2048, .processes = 64};
SubmissionBuild build_submission(const std::filesystem::path& submission, const std::filesystem::path& work_dir,
                                 const SandboxLimits& limits = kCompileLimits);

// Build step (the gmmlab-sandbox-pch tool): precompiles the headers every student file includes
// into dir, with build_submission's own flags; build_submission uses it when it is there.
void build_precompiled_header(const std::filesystem::path& dir);

// The name of an exercise's file in a submission: "zscore.cpp", "e_step.cpp", "m_step.cpp".
const char* exercise_file(Exercise e);

}  // namespace gmmlab
