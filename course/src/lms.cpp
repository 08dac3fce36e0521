#include "gmmlab/course/lms.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <map>
#include <optional>
#include <regex>

#include "gmmlab/errors.hpp"

namespace fs = std::filesystem;

namespace gmmlab::course {

namespace {

// Each LMS's names, as its download writes them.
// Canvas: lastfirst_ID_SUBID_file, or lastfirst_LATE_ID_SUBID_file (lastfirst: letters only).
const std::regex& canvas_file() {
  static const std::regex r(R"(^([a-z]+)_(?:(late)_)?(\d+)_(\d+)_(.+)$)", std::regex::icase);
  return r;
}
// Moodle: a folder "Full Name_123456_assignsubmission_file_" per student (or per kind of
// submission: onlinetext, comments), or with its files flat, "..._assignsubmission_file_e_step.cpp".
const std::regex& moodle_folder() {
  static const std::regex r(R"(^(.+)_(\d+)_assignsubmission_([a-z]+)_?$)");
  return r;
}
const std::regex& moodle_file() {
  static const std::regex r(R"(^(.+)_(\d+)_assignsubmission_([a-z]+)_(.+)$)");
  return r;
}
// Blackboard: Assignment_username_attempt_2026-12-01-10-22-33_file, and a .txt without the
// file part that describes the attempt.
const std::regex& blackboard_file() {
  static const std::regex r(R"(^(.+)_attempt_(\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d)(?:_(.+)|\.txt)$)");
  return r;
}

enum class Lms { canvas, moodle, blackboard };
inline constexpr std::array kLmses{Lms::canvas, Lms::moodle, Lms::blackboard};

const char* lms_name(Lms l) {
  switch (l) {
    case Lms::canvas: return "Canvas";
    case Lms::moodle: return "Moodle";
    case Lms::blackboard: return "Blackboard";
  }
  return "";
}

// What the summary says of an entry that does not fit the download's LMS.
std::string not_named_as(Lms l, const std::string& entry) {
  switch (l) {
    case Lms::canvas: return fmt::format("{} (not named as Canvas names a submission: lastfirst_ID_SUBID_file)", entry);
    case Lms::moodle:
      return fmt::format("{} (not named as Moodle names a submission: Full Name_ID_assignsubmission_file_)", entry);
    case Lms::blackboard:
      return fmt::format("{} (not named as Blackboard names an attempt: Assignment_username_attempt_DATE_file)", entry);
  }
  return entry;
}

bool fits(Lms l, const DownloadEntry& e) {
  switch (l) {
    case Lms::canvas: return !e.folder && std::regex_match(e.name, canvas_file());
    case Lms::moodle: return std::regex_match(e.name, e.folder ? moodle_folder() : moodle_file());
    case Lms::blackboard: return !e.folder && std::regex_match(e.name, blackboard_file());
  }
  return false;
}

std::string plural(std::size_t n, const char* word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); }

// Canvas names a student's second upload of e_step.cpp "e_step-1.cpp", the third "e_step-2.cpp":
// the name without that number, and the number (0 for the first upload).
std::pair<std::string, int> upload_of(const std::string& file) {
  static const std::regex numbered(R"(^(.*)-(\d{1,4})(\.[^.]*)?$)");
  std::smatch m;
  if (std::regex_match(file, m, numbered) && !m[1].str().empty())
    return {m[1].str() + m[3].str(), std::stoi(m[2].str())};
  return {file, 0};
}

void group_canvas(const std::vector<DownloadEntry>& entries, DownloadGrouping& g) {
  struct File {
    std::string entry, file;
    int upload;
  };
  struct Student {
    std::string name;
    bool late = false;
    std::map<std::string, std::vector<File>> by_file;  // the file's name without Canvas's upload number
  };
  std::map<std::string, Student> students;
  for (const DownloadEntry& e : entries) {
    std::smatch m;
    if (e.folder || !std::regex_match(e.name, m, canvas_file())) {
      g.skipped.push_back(not_named_as(Lms::canvas, e.name));
      continue;
    }
    Student& s = students[m[3].str()];
    if (s.name.empty()) s.name = m[1].str();
    s.late = s.late || m[2].matched;
    const auto [base, upload] = upload_of(m[5].str());
    s.by_file[base].push_back({e.name, m[5].str(), upload});
  }
  for (auto& [id, s] : students) {
    StudentEntries out{id, s.name, {}, {}, "", ""};
    std::vector<std::string> notes;
    if (s.late) notes.push_back("handed in late (Canvas)");
    for (auto& [base, uploads] : s.by_file) {
      std::sort(uploads.begin(), uploads.end(), [](const File& a, const File& b) { return a.upload < b.upload; });
      const File& latest = uploads.back();
      if (uploads.size() > 1)
        notes.push_back(fmt::format("{} is the latest of {} uploads of {}: the others are not graded", latest.file,
                                    uploads.size(), base));
      out.entries.push_back(latest.entry);
      out.handed_in_as.push_back(latest.file);
    }
    out.note = fmt::format("{}", fmt::join(notes, "; "));
    g.students.push_back(std::move(out));
  }
}

void group_moodle(const std::vector<DownloadEntry>& entries, DownloadGrouping& g) {
  std::map<std::string, StudentEntries> students;
  std::map<std::string, std::vector<std::string>> not_graded;  // per student: the other kinds of submission
  auto student = [&](const std::string& id, const std::string& name) -> StudentEntries& {
    StudentEntries& s = students[id];
    s.id = id;
    if (s.name.empty()) s.name = name;
    return s;
  };
  for (const DownloadEntry& e : entries) {  // folders sort before nothing: handle them first
    std::smatch m;
    if (!e.folder || !std::regex_match(e.name, m, moodle_folder())) continue;
    if (m[3] != "file") {
      g.skipped.push_back(fmt::format("{} (Moodle's {} submission: only files are graded)", e.name, m[3].str()));
      not_graded[m[2].str()].push_back(m[3].str());
      continue;
    }
    StudentEntries& s = student(m[2].str(), m[1].str());
    s.entries.push_back(e.name);
    s.handed_in_as.push_back("");
  }
  for (const DownloadEntry& e : entries) {
    std::smatch m;
    if (e.folder) {
      if (!std::regex_match(e.name, moodle_folder())) g.skipped.push_back(not_named_as(Lms::moodle, e.name));
      continue;
    }
    if (!std::regex_match(e.name, m, moodle_file())) {
      g.skipped.push_back(not_named_as(Lms::moodle, e.name));
    } else if (m[3] != "file") {
      g.skipped.push_back(fmt::format("{} (Moodle's {} submission: only files are graded)", e.name, m[3].str()));
      not_graded[m[2].str()].push_back(m[3].str());
    } else if (students.count(m[2].str()) && !students[m[2].str()].handed_in_as.empty() &&
               students[m[2].str()].handed_in_as.front().empty()) {
      g.skipped.push_back(fmt::format("{} (its student has a folder too: the folder is graded)", e.name));
    } else {
      StudentEntries& s = student(m[2].str(), m[1].str());
      s.entries.push_back(e.name);
      s.handed_in_as.push_back(m[4].str());
    }
  }
  for (auto& [id, kinds] : not_graded)
    if (students.count(id))
      students[id].note = fmt::format("Moodle's {} not graded (only files are)", fmt::join(kinds, ", "));
  for (auto& [id, s] : students) g.students.push_back(std::move(s));
}

// Blackboard puts the assignment's name before the username, and either may hold "_": the
// assignment is the longest start, ending in "_", shared by every attempt's name.
std::string assignment_prefix(const std::vector<std::string>& heads) {
  std::string common = heads.front();
  for (const std::string& h : heads) {
    std::size_t n = 0;
    while (n < common.size() && n < h.size() && common[n] == h[n]) ++n;
    common.resize(n);
  }
  // Cut back to an "_" that leaves every head a username.
  for (std::size_t cut = common.rfind('_'); cut != std::string::npos; cut = common.rfind('_', cut - 1)) {
    if (std::all_of(heads.begin(), heads.end(), [&](const std::string& h) { return h.size() > cut + 1; }))
      return common.substr(0, cut + 1);
    if (cut == 0) break;
  }
  return "";
}

void group_blackboard(const std::vector<DownloadEntry>& entries, DownloadGrouping& g) {
  struct Attempt {
    std::vector<std::string> entries, files;
    std::string info;
  };
  struct Named {
    std::string entry, head, date, file;  // file "" for the attempt's .txt
  };
  std::vector<Named> named;
  for (const DownloadEntry& e : entries) {
    std::smatch m;
    if (e.folder || !std::regex_match(e.name, m, blackboard_file())) {
      g.skipped.push_back(not_named_as(Lms::blackboard, e.name));
      continue;
    }
    named.push_back({e.name, m[1].str(), m[2].str(), m[3].matched ? m[3].str() : ""});
  }
  if (named.empty()) return;
  std::vector<std::string> heads;
  for (const Named& n : named) heads.push_back(n.head);
  std::string prefix = assignment_prefix(heads);
  if (prefix.empty()) {
    // No "_" to cut at in what all share (one student, or assignments of other names): the
    // username is what follows the last "_".
    prefix = heads.front().substr(0, heads.front().rfind('_') + 1);
  }
  std::map<std::string, std::map<std::string, Attempt>> attempts;  // username, date (sorts as time)
  for (const Named& n : named) {
    const std::string user =
        n.head.rfind(prefix, 0) == 0 ? n.head.substr(prefix.size()) : n.head.substr(n.head.rfind('_') + 1);
    Attempt& a = attempts[user][n.date];
    if (n.file.empty()) {
      a.info = n.entry;
    } else {
      a.entries.push_back(n.entry);
      a.files.push_back(n.file);
    }
  }
  for (auto& [user, by_date] : attempts) {
    const auto& [date, latest] = *by_date.rbegin();
    StudentEntries s{user, "", latest.entries, latest.files, latest.info, ""};
    if (by_date.size() > 1) {
      std::vector<std::string> earlier;
      for (const auto& [d, a] : by_date)
        if (d != date) earlier.push_back(d);
      s.note = fmt::format("graded the latest of {} attempts ({}); not graded: {}", by_date.size(), date,
                           fmt::join(earlier, ", "));
    }
    g.students.push_back(std::move(s));
  }
}

}  // namespace

DownloadGrouping group_download(const std::vector<DownloadEntry>& all) {
  std::vector<DownloadEntry> entries;
  for (const DownloadEntry& e : all)
    if (!clutter(e.name)) entries.push_back(e);
  std::sort(entries.begin(), entries.end(), [](const DownloadEntry& a, const DownloadEntry& b) { return a.name < b.name; });
  // The LMS most entries are named by; a stray file named by chance as another's stays stray.
  std::size_t best_count = 0;
  Lms best = Lms::canvas;
  for (Lms l : kLmses) {
    const auto n = static_cast<std::size_t>(
        std::count_if(entries.begin(), entries.end(), [&](const DownloadEntry& e) { return fits(l, e); }));
    if (n > best_count) best_count = n, best = l;
  }
  DownloadGrouping g;
  if (best_count == 0) return g;
  g.lms = lms_name(best);
  switch (best) {
    case Lms::canvas: group_canvas(entries, g); break;
    case Lms::moodle: group_moodle(entries, g); break;
    case Lms::blackboard: group_blackboard(entries, g); break;
  }
  std::sort(g.students.begin(), g.students.end(),
            [](const StudentEntries& a, const StudentEntries& b) { return a.id < b.id; });
  const bool folders = std::any_of(entries.begin(), entries.end(), [&](const DownloadEntry& e) {
    return e.folder && fits(best, e);
  });
  const bool folder_each = std::all_of(g.students.begin(), g.students.end(), [](const StudentEntries& s) {
    return s.entries.size() == 1 && s.handed_in_as.front().empty();
  });
  g.summary_line = fmt::format("{} download: {} grouped from {}", g.lms, plural(g.students.size(), "student"),
                               folders ? fmt::format("{} folders and files", best_count) : plural(best_count, "file"));
  if (folders && folder_each && !g.students.empty())
    g.summary_line = fmt::format("{} download: {}, one folder each", g.lms, plural(g.students.size(), "student"));
  const auto several = std::count_if(g.students.begin(), g.students.end(), [](const StudentEntries& s) {
    return s.note.rfind("graded the latest of", 0) == 0;
  });
  if (several > 0)
    g.summary_line += fmt::format("; {} with several attempts: the latest graded", plural(several, "student"));
  std::sort(g.skipped.begin(), g.skipped.end());
  return g;
}

UnpackLimits class_download_limits() {
  UnpackLimits l;
  l.max_entries = 20000;                // a few files from each of some thousand students
  l.max_file_bytes = 256ull << 20;      // what one student may have uploaded; refused later if graded
  l.max_total_bytes = 2048ull << 20;
  return l;
}

namespace {

// Blackboard's attempt file says "Name: Jane Doe (jdoe)".
std::string blackboard_student_name(const fs::path& info, const std::string& username) {
  std::ifstream in(info);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind("Name: ", 0) != 0) continue;
    std::string name = line.substr(6);
    const std::string tail = " (" + username + ")";
    if (name.size() > tail.size() && name.compare(name.size() - tail.size(), tail.size(), tail) == 0)
      name.resize(name.size() - tail.size());
    return name;
  }
  return "";
}

// A Moodle folder whose only content is one archive is that archive.
std::optional<fs::path> lone_archive(const fs::path& folder) {
  std::vector<fs::directory_entry> inside;
  for (const fs::directory_entry& e : fs::directory_iterator(folder))
    if (!clutter(e.path().filename().string())) inside.push_back(e);
  if (inside.size() == 1 && inside.front().is_regular_file() && !inside.front().is_symlink() &&
      !archive_stem(inside.front().path().filename().string()).empty())
    return inside.front().path();
  return std::nullopt;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

}  // namespace

ClassSubmissions read_class_submissions(const fs::path& input) {
  ClassSubmissions c;
  std::error_code ec;
  fs::path folder = input;
  if (fs::is_regular_file(input, ec)) {
    // Every LMS downloads a .zip; a student's own .tar.gz given alone is not a class.
    std::string ending = input.extension().string();
    for (char& ch : ending) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (ending != ".zip")
      throw Error(fmt::format("{} is not a folder nor an LMS's .zip download; give the folder that holds one "
                              "subfolder, .zip or .tar.gz per student, or the .zip your LMS gave you",
                              input.string()));
    c.unpacked = std::make_unique<TempFolder>("download");
    folder = c.unpacked->path() / "download";
    try {
      unpack_submission(input, folder, class_download_limits());
    } catch (const ArchiveRefused& e) {
      throw Error(fmt::format("the download {} is refused: {}; download it again, or unpack it and give the folder",
                              input.string(), e.what()));
    }
  } else if (!fs::is_directory(input, ec)) {
    list_submissions(input, c.skipped);  // says, in its words, what is wrong with the folder
  }
  std::vector<DownloadEntry> entries;
  std::vector<std::string> links;
  for (const fs::directory_entry& e : fs::directory_iterator(folder)) {
    const std::string name = e.path().filename().string();
    if (clutter(name)) continue;
    if (e.is_symlink()) links.push_back(skipped_link(name));
    else entries.push_back({name, e.is_directory()});
  }
  const DownloadGrouping g = group_download(entries);
  if (g.lms.empty()) {
    // One folder or archive per student, read as ever; a .zip of such folders names the .zip.
    try {
      c.submissions = list_submissions(folder, c.skipped);
    } catch (const Error& e) {
      if (!c.unpacked) throw;
      throw Error(replace_all(e.what(), folder.string(), input.string()));
    }
    for (Submission& s : c.submissions) s.shown = input / fs::relative(s.path, folder);
    return c;
  }
  c.layout_line = g.summary_line;
  c.skipped = g.skipped;
  c.skipped.insert(c.skipped.end(), links.begin(), links.end());
  std::sort(c.skipped.begin(), c.skipped.end());
  for (const StudentEntries& st : g.students) {
    Submission s;
    s.id = st.id;
    s.name = st.name;
    s.note = st.note;
    s.shown = input / st.id;
    const bool one_folder = st.entries.size() == 1 && st.handed_in_as.front().empty();
    if (one_folder) {
      s.path = folder / st.entries.front();
      if (const auto archive = lone_archive(s.path)) s.path = *archive, s.archive = true;
    } else if (st.entries.size() == 1 && !archive_stem(st.handed_in_as.front()).empty()) {
      s.path = folder / st.entries.front();  // a student who uploaded one .zip: it is the submission
      s.archive = true;
    } else {
      s.path = input;
      s.loose = true;
      for (std::size_t i = 0; i < st.entries.size(); ++i)
        s.files.push_back({folder / st.entries[i], st.handed_in_as[i]});
    }
    if (!st.info_file.empty()) s.name = blackboard_student_name(folder / st.info_file, st.id);
    c.submissions.push_back(std::move(s));
  }
  if (c.submissions.empty())
    throw Error(fmt::format("{} is a {} download with no student's files in it; download the submissions again",
                            input.string(), g.lms));
  return c;
}

}  // namespace gmmlab::course
