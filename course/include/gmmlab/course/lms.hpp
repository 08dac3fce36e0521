#pragma once
// A class's submissions as a learning management system hands them over: Canvas's flat
// "Download Submissions" (lastfirst_ID_SUBID_file.cpp), Moodle's "Download all submissions"
// (a folder or files per student, "Full Name_123456_assignsubmission_file_"), Blackboard's
// "Download assignment" (Assignment_username_attempt_DATE_file.cpp and a .txt per attempt),
// or the project's own layout (one folder or archive per student). The layout is told from the
// names alone, and every regrouping is said in one line of the summary.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gmmlab/course/archive.hpp"
#include "gmmlab/course/submissions.hpp"
#include "gmmlab/temp_folder.hpp"

namespace gmmlab::course {

// One entry at the top of a download: a file or a folder.
struct DownloadEntry {
  std::string name;
  bool folder = false;
};

// One student's part of an LMS download, told from the names.
struct StudentEntries {
  std::string id;            // Canvas's ID, Moodle's participant number, Blackboard's username
  std::string name;          // the name the LMS gives ("doejane", "Jane Doe"), "" for Blackboard
  std::vector<std::string> entries;       // the download's entries that are graded: the files of the graded
                                          // attempt, or the one Moodle folder
  std::vector<std::string> handed_in_as;  // beside each entry: the name the student gave it ("e_step-1.cpp"),
                                          // "" for a folder
  std::string info_file;     // Blackboard: the graded attempt's .txt (it names the student), else ""
  std::string note;          // what the grouping decided ("graded the latest of 2 attempts ..."), or ""
};

struct DownloadGrouping {
  std::string lms;                        // "Canvas", "Moodle", "Blackboard"; "" when no entry is named as one
  std::vector<StudentEntries> students;   // sorted by id
  std::vector<std::string> skipped;       // entries that fit no pattern of that LMS, one sentence each
  std::string summary_line;               // "Canvas download: 2 students grouped from 7 files"
};

// Which LMS named these entries (the one whose pattern most of them fit) and who handed in
// what. Names only: nothing is read. Clutter (.DS_Store, __MACOSX) is passed over silently.
DownloadGrouping group_download(const std::vector<DownloadEntry>& entries);

// What `gmmlab course grade SUBMISSIONS` grades.
struct ClassSubmissions {
  std::vector<Submission> submissions;   // sorted by id
  std::vector<std::string> skipped;      // one sentence each, for the summary
  std::string layout_line;               // how the download was read, for the summary; "" for the own layout
  std::unique_ptr<TempFolder> unpacked;  // a downloaded .zip's files, kept while they are graded
};

// Limits for a whole class's download: many students' files, each submission's own archive
// still unpacked later under the limits of one submission.
UnpackLimits class_download_limits();

// The submissions in `input`: a folder (an LMS download unpacked, or one subfolder/archive per
// student, as list_submissions reads it, unchanged) or an LMS's .zip itself, unpacked under
// class_download_limits(). Throws Error in one sentence for what is not a class: a missing
// input, a file that is not a .zip, a .zip refused or holding no submission.
ClassSubmissions read_class_submissions(const std::filesystem::path& input);

}  // namespace gmmlab::course
