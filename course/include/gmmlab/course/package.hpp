#pragma once
// The student package: the lab as a student receives it, with no answers inside.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace gmmlab::course {

struct PackageOptions {
  std::filesystem::path output;       // e.g. gmm-lab-student.tar.gz
  std::filesystem::path source;       // the instructor's checkout
  std::string top = "gmm-lab";        // the folder the archive unpacks into
  bool force = false;                 // overwrite an existing output
  std::FILE* progress = stderr;       // what is being done (the compile takes a minute)
};

// Folders whose sources hold answers: shipped as their headers plus a static library compiled
// without -march=native (runs on any x86-64), with a CMakeLists.txt that imports it.
struct CompiledOnly {
  std::string folder;   // e.g. "reference"
  std::string target;   // the CMake target building it, e.g. "gmmlab_reference"
  std::string alias;    // e.g. "gmmlab::reference"
};
const std::vector<CompiledOnly>& compiled_only();

// Paths (relative to the checkout, '/'-separated) that never go into the package, whatever
// folder they sit in: the reference and detector sources, the instructor's folder, hidden
// checks, every tests/ folder, the benchmark. Exposed for the package's own checks.
bool secret_or_unneeded(const std::string& relative_path);

// Compiles the compiled-only libraries, gathers the files and writes the archive. Throws Error
// (one sentence) when the output exists without force, the source is not a GMM Lab checkout,
// or the compile fails (its log is named).
void write_student_package(const PackageOptions& options);

struct BundleOptions {
  std::filesystem::path output;    // autograder.zip, or the template's folder
  std::filesystem::path source;    // the instructor's checkout
  bool force = false;
  std::FILE* progress = stderr;
  std::filesystem::path package;   // classroom: a student package made before (else one is made)
};
// Gradescope's autograder.zip: setup.sh and run_autograder at its root, the lab's full sources
// (hidden checks and reference included: only the instructor and Gradescope see it) in gmm-lab/.
void write_gradescope_bundle(const BundleOptions& options);
// A GitHub Classroom starter repository in a folder: the student package's files, a workflow
// (.github/workflows/classroom.yml) grading student/ on every push, and a .gitignore.
void write_classroom_template(const BundleOptions& options);

// Runs a program (no shell) with stdout and stderr into `log`, in `cwd`; returns its exit code.
int run_logged(const std::vector<std::string>& argv, const std::filesystem::path& cwd, const std::filesystem::path& log);

}  // namespace gmmlab::course
