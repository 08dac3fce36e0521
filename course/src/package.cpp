#include "gmmlab/course/package.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "gmmlab/course/archive.hpp"
#include "gmmlab/errors.hpp"
#include "gmmlab/output_path.hpp"
#include "gmmlab/temp_folder.hpp"

extern char** environ;

namespace fs = std::filesystem;

namespace gmmlab::course {

const std::vector<CompiledOnly>& compiled_only() {
  static const std::vector<CompiledOnly> libs{
      {"reference", "gmmlab_reference", "gmmlab::reference"},
      // The detector computes each known wrong answer, and with it the right one.
      {"grader/mistakes", "gmmlab_mistakes", "gmmlab::mistakes"},
  };
  return libs;
}

namespace {

// The top-level entries a student needs; anything else in the checkout (build folders, the
// benchmark, the instructor's folder, scratch files) stays out.
const std::vector<std::string> shipped_roots{
    "CMakeLists.txt", "cmake", "lab", "student", "cli", "tracer", "viewer", "grader", "course",
    "reference/include/gmmlab/reference.hpp",
    "scripts/install-deps.sh", "docs/handout.md", "docs/student-guide.md", "docs/trace-format.md", "docs/images",
    "LICENSE"};

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_text(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) throw Error(fmt::format("cannot write {}", p.string()));
}

// The checkout's top CMakeLists.txt builds tests and the benchmark by default; the package has
// neither, so its copy turns them off. Exact text: if the file changes, this fails loudly.
std::string package_cmakelists(const std::string& text) {
  std::string out = text;
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"option(GMMLAB_TESTS \"Build the tests\" ON)", "option(GMMLAB_TESTS \"Build the tests\" OFF)"},
           {"option(GMMLAB_BENCH \"Build the benchmark against Armadillo and OpenCV\" ON)",
            "option(GMMLAB_BENCH \"Build the benchmark against Armadillo and OpenCV\" OFF)"}}) {
    const auto at = out.find(from);
    if (at == std::string::npos)
      throw Error(fmt::format("the top CMakeLists.txt no longer has '{}'; update course/src/package.cpp to match", from));
    out.replace(at, from.size(), to);
  }
  return out;
}

// The package has no course/ (secret_or_unneeded): its CLI is built without `gmmlab course`.
// Line by line, so that other edits of these files do not matter; if the lines that name the
// course kit change, this fails loudly.
std::string without_course_kit(const std::string& rel, const std::string& text) {
  std::istringstream in(text);
  std::string out, line;
  int removed = 0;
  while (std::getline(in, line)) {
    if (rel == "cli/CMakeLists.txt") {
      constexpr std::string_view target = " gmmlab::course";
      for (auto at = line.find(target); at != std::string::npos; at = line.find(target))
        line.erase(at, target.size()), ++removed;
    } else if (line.find("gmmlab/course/") != std::string::npos || line.find("gmmlab::course::") != std::string::npos) {
      ++removed;
      continue;
    }
    out += line + "\n";
  }
  const int expected = rel == "cli/CMakeLists.txt" ? 1 : 2;
  if (removed != expected)
    throw Error(fmt::format("{} no longer names the course kit as course/src/package.cpp expects ({} lines instead "
                            "of {}); update without_course_kit() to match",
                            rel, removed, expected));
  return out;
}

const char* package_presets = R"({
  "version": 6,
  "cmakeMinimumRequired": {"major": 3, "minor": 25, "patch": 0},
  "configurePresets": [
    {"name": "release", "displayName": "Release", "binaryDir": "${sourceDir}/build/release",
     "cacheVariables": {"CMAKE_BUILD_TYPE": "Release", "GMMLAB_TESTS": "OFF", "GMMLAB_BENCH": "OFF"}}
  ],
  "buildPresets": [{"name": "release", "configurePreset": "release"}]
}
)";

// What a library links publicly, read from its own CMakeLists.txt, so the imported copy keeps
// the same usage when the lab's targets change.
std::string public_links(const CompiledOnly& c, const std::string& cmakelists) {
  const std::string start = "target_link_libraries(" + c.target;
  const auto at = cmakelists.find(start);
  const auto end = at == std::string::npos ? at : cmakelists.find(')', at);
  if (end == std::string::npos)
    throw Error(fmt::format("{}/CMakeLists.txt has no target_link_libraries({}); update course/src/package.cpp",
                            c.folder, c.target));
  std::istringstream words(cmakelists.substr(at + start.size(), end - at - start.size()));
  std::string w, links;
  bool in_public = false;
  while (words >> w) {
    if (w == "PUBLIC" || w == "PRIVATE" || w == "INTERFACE") in_public = w == "PUBLIC";
    else if (in_public) links += (links.empty() ? "" : ";") + w;
  }
  return links;
}

// The CMakeLists.txt of a compiled-only folder in the package: the prebuilt library, imported.
std::string imported_cmakelists(const CompiledOnly& c, const std::string& links) {
  return fmt::format(
      "# In the student package this library comes compiled (without -march=native, so it runs on\n"
      "# any x86-64); its source stays with the instructor. Written by `gmmlab course package`.\n"
      "add_library({0} STATIC IMPORTED GLOBAL)\n"
      "set_target_properties({0} PROPERTIES\n"
      "  IMPORTED_LOCATION \"${{CMAKE_CURRENT_SOURCE_DIR}}/lib/lib{0}.a\"\n"
      "  INTERFACE_INCLUDE_DIRECTORIES \"${{CMAKE_CURRENT_SOURCE_DIR}}/include\"\n"
      "  INTERFACE_LINK_LIBRARIES \"{2}\")\n"
      "add_library({1} ALIAS {0})\n",
      c.target, c.alias, links);
}

}  // namespace

namespace {
bool unneeded(const std::string& rel) {
  const std::string path = "/" + rel + "/";
  return path.find("/tests/") != std::string::npos || starts_with(rel, "instructor/") || starts_with(rel, "bench/") ||
         starts_with(rel, "testing/") || path.find("/.") != std::string::npos;
}
}  // namespace

bool secret_or_unneeded(const std::string& rel) {
  // The course kit is the instructor's (grading a class, making bundles): not for students.
  if (starts_with(rel, "course/")) return true;
  for (const CompiledOnly& c : compiled_only())
    if (starts_with(rel, c.folder + "/") && !starts_with(rel, c.folder + "/include/")) return true;
  return unneeded(rel) || starts_with(rel, "grader/hidden/") || ("/" + rel).find("/solution") != std::string::npos;
}

int run_logged(const std::vector<std::string>& args, const fs::path& cwd, const fs::path& log) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  pid_t pid;
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw Error(fmt::format("cannot run {}: {}; is it installed?", args[0], std::strerror(rc)));
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

namespace {

void check_checkout(const fs::path& src) {
  if (!fs::exists(src / "student" / "zscore.cpp") || !fs::exists(src / "reference"))
    throw Error(fmt::format("{} is not a GMM Lab checkout (no student/ and reference/); give --source", src.string()));
}

void check_output(const fs::path& output, bool force) {
  if (!fs::is_directory(fs::absolute(output).parent_path()))
    throw Error(fmt::format("the folder of {} does not exist; create it or give another -o", output.string()));
  // A regular file or a new name (gmmlab/output_path.hpp): a link, FIFO, device or folder is
  // never replaced, even with --force.
  check_outputs({{output, "-o"}}, {});
  if (fs::exists(output) && !force)
    throw Error(fmt::format("{} exists already; pass --force to replace it or -o another file", output.string()));
}

// Builds the compiled-only libraries for any x86-64 in `work`/build; returns that folder.
fs::path compile_for_any_cpu(const fs::path& src, const fs::path& work, const fs::path& output, std::FILE* progress) {
  const fs::path build = work / "build", log = work / "build.log";
  if (progress) fmt::print(progress, "compiling the reference and the mistake detector for any x86-64 ...\n");
  std::vector<std::string> configure{"cmake", "-S", src.string(), "-B", build.string(), "-DCMAKE_BUILD_TYPE=Release",
                                     "-DGMMLAB_NATIVE=OFF", "-DGMMLAB_TESTS=OFF", "-DGMMLAB_BENCH=OFF"};
  std::vector<std::string> compile{"cmake", "--build", build.string(), "-j", "2", "--target"};
  for (const CompiledOnly& c : compiled_only()) compile.push_back(c.target);
  if (run_logged(configure, {}, log) != 0 || run_logged(compile, {}, log) != 0) {
    const fs::path kept = fs::absolute(output).parent_path() / (output.filename().string() + ".build.log");
    fs::copy_file(log, kept, fs::copy_options::overwrite_existing);
    throw Error(fmt::format("compiling the reference for the package failed; see {}", kept.string()));
  }
  return build;
}

// The lab's files under `top`/, in name order. With `compiled` (a build folder), the
// compiled-only libraries go in as headers + library; without, as their sources (the
// instructor's autograder bundles, which students never see).
std::vector<ArchiveMember> gather(const fs::path& src, const std::string& top, const fs::path& gen,
                                  const fs::path* compiled) {
  std::vector<ArchiveMember> members;
  auto add = [&](const std::string& rel, const fs::path& file) {
    members.push_back(
        {top + rel, file, (fs::status(file).permissions() & fs::perms::owner_exec) != fs::perms::none});
  };
  for (const std::string& root : shipped_roots) {
    const fs::path p = src / root;
    if (!fs::exists(p)) continue;
    std::vector<fs::path> files;
    if (fs::is_directory(p)) {
      for (auto it = fs::recursive_directory_iterator(p); it != fs::recursive_directory_iterator(); ++it)
        if (it->is_regular_file() && !it->is_symlink()) files.push_back(it->path());
    } else {
      files.push_back(p);
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
      const std::string rel = fs::relative(f, src).generic_string();
      if (rel == "course/package/README.md") {
        add("README.md", f);
        continue;
      }
      if (compiled ? secret_or_unneeded(rel) : unneeded(rel)) continue;
      if (rel == "CMakeLists.txt") write_text(gen / rel, package_cmakelists(read_text(f))), add(rel, gen / rel);
      else if (compiled && (rel == "cli/CMakeLists.txt" || rel == "cli/main.cpp"))
        write_text(gen / rel, without_course_kit(rel, read_text(f))), add(rel, gen / rel);
      else add(rel, f);
    }
  }
  write_text(gen / "CMakePresets.json", package_presets);
  add("CMakePresets.json", gen / "CMakePresets.json");
  for (const CompiledOnly& c : compiled_only()) {
    if (!compiled) {
      // The sources themselves (not in shipped_roots, which is the student's view).
      for (auto it = fs::recursive_directory_iterator(src / c.folder); it != fs::recursive_directory_iterator(); ++it) {
        const std::string rel = fs::relative(it->path(), src).generic_string();
        if (it->is_regular_file() && !unneeded(rel)) add(rel, it->path());
      }
      continue;
    }
    write_text(gen / c.folder / "CMakeLists.txt",
               imported_cmakelists(c, public_links(c, read_text(src / c.folder / "CMakeLists.txt"))));
    add(c.folder + "/CMakeLists.txt", gen / c.folder / "CMakeLists.txt");
    const fs::path lib = *compiled / c.folder / ("lib" + c.target + ".a");
    if (!fs::exists(lib)) throw Error(fmt::format("the build did not make {}; report it", lib.string()));
    add(c.folder + "/lib/lib" + c.target + ".a", lib);
  }
  std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  members.erase(std::unique(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.name == b.name; }),
                members.end());
  return members;
}

}  // namespace

void write_student_package(const PackageOptions& o) {
  const fs::path src = fs::absolute(o.source);
  check_checkout(src);
  check_output(o.output, o.force);
  const TempFolder work("course");
  const fs::path build = compile_for_any_cpu(src, work.path(), o.output, o.progress);
  const auto members = gather(src, o.top + "/", work.path() / "generated", &build);
  write_archive(o.output, members, ArchiveFormat::tar_gz);
  if (o.progress) fmt::print(o.progress, "wrote {} ({} files)\n", o.output.string(), members.size());
}
}  // namespace gmmlab::course

namespace gmmlab::course {

void write_gradescope_bundle(const BundleOptions& o) {
  const fs::path src = fs::absolute(o.source);
  check_checkout(src);
  check_output(o.output, o.force);
  const TempFolder work("course");
  // Gradescope unpacks the zip into /autograder/source: setup.sh and run_autograder at its root.
  std::vector<ArchiveMember> members{{"run_autograder", src / "course" / "gradescope" / "run_autograder", true},
                                     {"setup.sh", src / "course" / "gradescope" / "setup.sh", true}};
  const auto lab = gather(src, "gmm-lab/", work.path() / "generated", nullptr);
  members.insert(members.end(), lab.begin(), lab.end());
  write_archive(o.output, members, ArchiveFormat::zip);
  if (o.progress) fmt::print(o.progress, "wrote {} ({} files)\n", o.output.string(), members.size());
}

void write_classroom_template(const BundleOptions& o) {
  const fs::path src = fs::absolute(o.source);
  check_checkout(src);
  // The starter repository is a folder that --force empties: never a link, a file, a FIFO or a
  // device (removed, it would be lost), and never a folder holding the checkout it is made from.
  std::error_code ec;
  const fs::file_status there = fs::symlink_status(o.output, ec);
  if (fs::exists(there) && !fs::is_directory(there))
    throw Error(fmt::format("-o '{}' is {}; the starter repository is a folder, so give a folder or a new name",
                            o.output.string(), fs::is_symlink(there) ? "a symbolic link" : "not a folder"));
  const fs::path out_abs = fs::weakly_canonical(fs::absolute(o.output), ec), src_abs = fs::weakly_canonical(src, ec);
  if (std::mismatch(out_abs.begin(), out_abs.end(), src_abs.begin(), src_abs.end()).first == out_abs.end())
    throw UsageError(fmt::format("-o '{}' holds the GMM Lab checkout '{}'; give a new folder", o.output.string(),
                                 src.string()));
  if (fs::exists(o.output) && !(fs::is_directory(o.output) && fs::is_empty(o.output)) && !o.force)
    throw Error(fmt::format("{} exists and is not empty; pass --force to replace it or -o another folder",
                            o.output.string()));
  if (!fs::is_directory(fs::absolute(o.output).parent_path()))
    throw Error(fmt::format("the folder of {} does not exist; create it or give another -o", o.output.string()));
  const TempFolder work("course");
  fs::path package = o.package;
  if (package.empty()) {
    package = work.path() / "gmm-lab-student.tar.gz";
    write_student_package({package, src, "gmm-lab", false, o.progress});
  } else if (!fs::is_regular_file(package)) {
    throw Error(fmt::format("student package {} does not exist; make it with `gmmlab course package`",
                            package.string()));
  }
  // Our own archive, not a student's: unpacked with room for the photos and libraries.
  unpack_submission(package, work.path() / "unpacked", {100000, 1ull << 30, 4ull << 30, 1e9});
  if (!fs::is_directory(work.path() / "unpacked" / "gmm-lab"))
    throw Error(fmt::format("{} is not a student package (no gmm-lab/ inside)", package.string()));
  fs::remove_all(o.output, ec);
  fs::copy(work.path() / "unpacked" / "gmm-lab", o.output, fs::copy_options::recursive);
  // The workflow grades with `gmmlab course autograde`: this repository needs the course kit
  // that the student package leaves out (it holds no answers: it runs the grader as a program).
  for (auto it = fs::recursive_directory_iterator(src / "course"); it != fs::recursive_directory_iterator(); ++it) {
    const std::string rel = fs::relative(it->path(), src).generic_string();
    if (!it->is_regular_file() || unneeded(rel) || rel == "course/package/README.md") continue;
    fs::create_directories((o.output / rel).parent_path());
    fs::copy_file(it->path(), o.output / rel, fs::copy_options::overwrite_existing);
  }
  for (const char* rel : {"cli/CMakeLists.txt", "cli/main.cpp"})
    fs::copy_file(src / rel, o.output / rel, fs::copy_options::overwrite_existing);
  fs::create_directories(o.output / ".github" / "workflows");
  fs::copy_file(src / "course" / "classroom" / "classroom.yml", o.output / ".github" / "workflows" / "classroom.yml");
  fs::copy_file(src / "course" / "classroom" / "gitignore", o.output / ".gitignore");
  if (o.progress)
    fmt::print(o.progress, "wrote the starter repository {}; push it to GitHub and mark it a template\n",
               o.output.string());
}

}  // namespace gmmlab::course
