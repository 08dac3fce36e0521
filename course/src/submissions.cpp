#include "gmmlab/course/submissions.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <map>
#include <optional>

#include "gmmlab/course/archive.hpp"

namespace fs = std::filesystem;

namespace gmmlab::course {

namespace {

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

bool clutter(const std::string& name) {
  return name.empty() || name.front() == '.' || name == "__MACOSX" || name == "Thumbs.db" || name == "desktop.ini";
}

std::string archive_stem(const std::string& name) {
  const std::string low = lower(name);
  for (const std::string ending : {".zip", ".tgz", ".tar.gz"})
    if (low.size() > ending.size() && ends_with(low, ending)) return name.substr(0, name.size() - ending.size());
  return "";
}

std::string skipped_link(const std::string& name) {
  // Followed, a link could hand the grader any folder on the machine.
  return fmt::format("{} (a symbolic link: copy the real folder or archive in its place)", name);
}

std::vector<Submission> list_submissions(const fs::path& folder, std::vector<std::string>& skipped) {
  std::error_code ec;
  if (!fs::exists(folder, ec))
    throw Error(fmt::format("submissions folder {} does not exist; give the folder that holds one subfolder, "
                            ".zip or .tar.gz per student",
                            folder.string()));
  if (!fs::is_directory(folder, ec))
    throw Error(fmt::format("{} is not a folder; give the folder that holds one subfolder, .zip or .tar.gz per student",
                            folder.string()));
  std::vector<Submission> found;
  for (const fs::directory_entry& e : fs::directory_iterator(folder)) {
    const std::string name = e.path().filename().string();
    if (clutter(name)) continue;
    if (e.is_symlink()) {
      skipped.push_back(skipped_link(name));
    } else if (e.is_directory()) {
      found.emplace_back(name, e.path(), false);
    } else if (e.is_regular_file() && !archive_stem(name).empty()) {
      found.emplace_back(archive_stem(name), e.path(), true);
    } else {
      skipped.push_back(fmt::format("{} (not a folder, .zip or .tar.gz)", name));
    }
  }
  if (found.empty())
    throw Error(fmt::format("{} holds no submissions; put one subfolder, .zip or .tar.gz per student in it",
                            folder.string()));
  std::sort(found.begin(), found.end(), [](const Submission& a, const Submission& b) {
    return a.id != b.id ? a.id < b.id : a.path.filename() < b.path.filename();
  });
  std::sort(skipped.begin(), skipped.end());
  return found;
}

// FNV-1a, 64 bits.
std::uint64_t hash_bytes(std::uint64_t h, const void* data, std::size_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

std::uint64_t hash_file(std::uint64_t h, const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::array<char, 64 * 1024> buffer;
  while (in) {
    in.read(buffer.data(), buffer.size());
    h = hash_bytes(h, buffer.data(), static_cast<std::size_t>(in.gcount()));
  }
  return h;
}

std::uint64_t content_hash(const Submission& s) {
  std::uint64_t h = 14695981039346656037ull;
  // The note says which of a student's attempts is graded: another choice is another grade.
  // (Empty for the own layout, whose fingerprints stay what they were.)
  if (!s.note.empty()) h = hash_bytes(h, s.note.data(), s.note.size() + 1);
  if (s.loose) {
    for (const HandedInFile& f : s.files) {
      h = hash_bytes(h, f.name.data(), f.name.size() + 1);
      h = hash_file(h, f.path);
    }
    return h;
  }
  if (s.archive) return hash_file(h, s.path);
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(s.path); it != fs::recursive_directory_iterator(); ++it)
    if (!it->is_directory() || it->is_symlink()) files.push_back(it->path());
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    const std::string rel = fs::relative(f, s.path).generic_string();
    h = hash_bytes(h, rel.data(), rel.size() + 1);
    if (fs::is_symlink(f)) {
      const std::string target = fs::read_symlink(f).string();
      h = hash_bytes(h, target.data(), target.size());
    } else {
      h = hash_file(h, f);
    }
  }
  return h;
}

fs::path handed_in_folder(const Submission& s, const fs::path& work) {
  if (s.archive) {
    unpack_submission(s.path, work / "unpacked");
    return work / "unpacked";
  }
  if (!s.loose) return s.path;
  const fs::path folder = work / "handed-in";
  fs::create_directories(folder);
  for (const HandedInFile& f : s.files) {
    if (f.name.empty() || f.name == "." || f.name == "..")
      throw ArchiveRefused(fmt::format("it holds a file named '{}'", f.name));
    // Two files the student gave one name (an LMS keeps both, with its own prefixes): the
    // student decides, as for a folder with two candidates.
    if (fs::exists(folder / f.name))
      throw IncompleteSubmission(fmt::format("it holds two files named {}: hand in one", f.name));
    fs::copy_file(f.path, folder / f.name);
  }
  return folder;
}

namespace {

// The words of a file name: "jdoe_12345_E-Step-1.CPP" -> jdoe 12345 e step 1 cpp.
std::vector<std::string> words(const std::string& name) {
  std::vector<std::string> out;
  std::string w;
  for (char c : lower(name)) {
    if (std::isalnum(static_cast<unsigned char>(c))) w += c;
    else if (!w.empty()) out.push_back(w), w.clear();
  }
  if (!w.empty()) out.push_back(w);
  // An LMS marks a resubmission "e_step-1.cpp": drop numbers just before the extension.
  while (out.size() >= 3 && std::all_of(out[out.size() - 2].begin(), out[out.size() - 2].end(), ::isdigit))
    out.erase(out.end() - 2);
  return out;
}

struct Expected {
  std::string name;
  std::vector<std::vector<std::string>> endings;  // word sequences a name may end with
  bool required;
};

const std::vector<Expected>& expected_files() {
  static const std::vector<Expected> files{
      {"zscore.cpp", {{"zscore", "cpp"}, {"z", "score", "cpp"}}, true},
      {"e_step.cpp", {{"e", "step", "cpp"}, {"estep", "cpp"}}, true},
      {"m_step.cpp", {{"m", "step", "cpp"}, {"mstep", "cpp"}}, true},
      {"student.hpp", {{"student", "hpp"}}, false},
  };
  return files;
}

bool matches(const std::string& file, const Expected& e) {
  const std::vector<std::string> w = words(file);
  for (const auto& ending : e.endings)
    if (w.size() >= ending.size() && std::equal(ending.begin(), ending.end(), w.end() - ending.size())) return true;
  return false;
}

bool source_or_header(const std::string& name) {
  const std::string low = lower(name);
  return ends_with(low, ".cpp") || ends_with(low, ".hpp") || ends_with(low, ".h") || ends_with(low, ".cc");
}

std::vector<std::string> regular_files(const fs::path& dir) {
  std::vector<std::string> out;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (e.is_symlink())
      throw ArchiveRefused(fmt::format("it holds a symbolic link: {}", fs::path(name).string()));
    if (e.is_regular_file() && !clutter(name)) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Where the student's files are: the folder itself, or its one subfolder (an LMS download).
fs::path source_folder(const fs::path& root) {
  const std::vector<std::string> top = regular_files(root);
  if (std::any_of(top.begin(), top.end(), source_or_header)) return root;
  std::vector<fs::path> subfolders;
  for (const fs::directory_entry& e : fs::directory_iterator(root))
    if (e.is_directory() && !e.is_symlink() && !clutter(e.path().filename().string())) subfolders.push_back(e.path());
  if (subfolders.size() == 1) {
    // A symlink deeper down is refused too: it would be followed by the copy below.
    for (auto it = fs::recursive_directory_iterator(subfolders.front()); it != fs::recursive_directory_iterator(); ++it)
      if (it->is_symlink())
        throw ArchiveRefused(fmt::format("it holds a symbolic link: {}", fs::relative(it->path(), root).string()));
    return subfolders.front();
  }
  if (subfolders.empty()) throw IncompleteSubmission("it holds no C++ files at all (no zscore.cpp, e_step.cpp, m_step.cpp)");
  throw IncompleteSubmission(fmt::format(
      "it holds no C++ files at its top but {} folders; put zscore.cpp, e_step.cpp and m_step.cpp at the top or in "
      "one folder",
      subfolders.size()));
}

}  // namespace

void stage_submission(const fs::path& unpacked, const fs::path& staged, std::vector<std::string>& notes) {
  const fs::path from = source_folder(unpacked);
  const std::string where = from == unpacked ? std::string("its top folder")
                                             : fmt::format("its folder {}", fs::relative(from, unpacked).string());
  std::vector<std::string> files = regular_files(from);
  fs::create_directories(staged);
  std::vector<std::string> used;
  std::vector<std::string> missing;
  for (const Expected& e : expected_files()) {
    std::optional<std::string> pick;
    if (std::find(files.begin(), files.end(), e.name) != files.end()) {
      pick = e.name;
    } else {
      std::vector<std::string> candidates;
      for (const std::string& f : files)
        if (matches(f, e)) candidates.push_back(f);
      if (candidates.size() == 1) {
        pick = candidates.front();
        notes.push_back(fmt::format("{} was handed in as {}", e.name, *pick));
      } else if (candidates.size() > 1) {
        throw IncompleteSubmission(fmt::format("it holds {} files that could be {} ({}): keep one",
                                               candidates.size(), e.name, fmt::join(candidates, ", ")));
      }
    }
    if (!pick) {
      if (e.required) missing.push_back(e.name);  // no student.hpp is fine: the grader uses the lab's own
      continue;
    }
    fs::copy_file(from / *pick, staged / e.name);
    used.push_back(*pick);
  }
  if (!missing.empty())
    throw IncompleteSubmission(fmt::format("it has no {} (looked in {})", fmt::join(missing, ", "), where));
  if (from != unpacked) notes.push_back(fmt::format("files found in {}", where));
  std::vector<std::string> ignored;
  for (const std::string& f : files) {
    if (std::find(used.begin(), used.end(), f) != used.end()) continue;
    const std::string low = lower(f);
    if (ends_with(low, ".hpp") || ends_with(low, ".h")) {
      fs::copy_file(from / f, staged / f);
      notes.push_back(fmt::format("extra header {} kept", f));
    } else {
      ignored.push_back(f);
    }
  }
  if (!ignored.empty()) notes.push_back(fmt::format("ignored: {}", fmt::join(ignored, ", ")));
}

}  // namespace gmmlab::course
