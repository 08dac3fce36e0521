#pragma once
// Building archives of any shape (hostile ones included) for the course kit's tests.
#include <archive.h>
#include <archive_entry.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "gmmlab/testing/support.hpp"

struct Entry {
  std::string name, content, link;
  enum Kind { file, dir, symlink, hardlink, fifo } kind = file;
};
inline Entry file(std::string n, std::string c) { return {std::move(n), std::move(c), "", Entry::file}; }
inline Entry dir(std::string n) { return {std::move(n), "", "", Entry::dir}; }
inline Entry soft_link(std::string n, std::string target) { return {std::move(n), "", std::move(target), Entry::symlink}; }
inline Entry hard_link(std::string n, std::string target) { return {std::move(n), "", std::move(target), Entry::hardlink}; }
inline Entry fifo(std::string n) { return {std::move(n), "", "", Entry::fifo}; }

// Writes a file, creating its folders.
inline void put(const std::filesystem::path& path, const std::string& bytes) {
  std::filesystem::create_directories(path.parent_path());
  gmmlab::testing::write_file(path, bytes);
}

inline void make_archive(const std::filesystem::path& path, const std::vector<Entry>& entries, bool zip) {
  std::filesystem::create_directories(path.parent_path());
  archive* a = archive_write_new();
  if (zip) {
    archive_write_set_format_zip(a);
  } else {
    archive_write_set_format_pax_restricted(a);
    archive_write_add_filter_gzip(a);
  }
  if (archive_write_open_filename(a, path.c_str()) != ARCHIVE_OK) throw std::runtime_error("cannot write archive");
  for (const Entry& e : entries) {
    archive_entry* x = archive_entry_new();
    archive_entry_set_pathname(x, e.name.c_str());
    archive_entry_set_perm(x, 0644);
    switch (e.kind) {
      case Entry::file:
        archive_entry_set_filetype(x, AE_IFREG);
        archive_entry_set_size(x, static_cast<la_int64_t>(e.content.size()));
        break;
      case Entry::dir: archive_entry_set_filetype(x, AE_IFDIR); break;
      case Entry::symlink:
        archive_entry_set_filetype(x, AE_IFLNK);
        archive_entry_set_symlink(x, e.link.c_str());
        break;
      case Entry::hardlink:
        archive_entry_set_filetype(x, AE_IFREG);
        archive_entry_set_hardlink(x, e.link.c_str());
        break;
      case Entry::fifo: archive_entry_set_filetype(x, AE_IFIFO); break;
    }
    archive_write_header(a, x);
    if (!e.content.empty()) archive_write_data(a, e.content.data(), e.content.size());
    archive_entry_free(x);
  }
  archive_write_close(a);
  archive_write_free(a);
}

// A submission folder's three files; `marker` goes into each (see contract_grader.py).
inline std::vector<Entry> three_files(const std::string& prefix, const std::string& z, const std::string& e,
                                      const std::string& m) {
  return {file(prefix + "zscore.cpp", z), file(prefix + "e_step.cpp", e), file(prefix + "m_step.cpp", m)};
}

// `gmmlab course grade` with the stand-in grader (contract_grader.py), two at once.
inline gmmlab::testing::CommandResult course_grade(const std::filesystem::path& submissions,
                                                   const std::filesystem::path& gradebook,
                                                   std::vector<std::string> extra = {}) {
  std::vector<std::string> argv{GMMLAB_CLI, "course", "grade", submissions.string(), "-o", gradebook.string(),
                                "--grader", GMMLAB_CONTRACT_GRADER, "-j", "2"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return gmmlab::testing::run_command(argv);
}

// A list as one string, "a|b|", so that a failed comparison shows all of it.
inline std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "|";
  return s;
}
