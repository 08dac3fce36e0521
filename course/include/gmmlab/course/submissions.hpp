#pragma once
// A class's submissions folder: who handed in what, and each student's files put where the
// grader expects them.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "gmmlab/errors.hpp"

namespace gmmlab::course {

// A file of a flat LMS download that one student handed in.
struct HandedInFile {
  std::filesystem::path path;   // where it is
  std::string name;             // the name the student gave it: "e_step-1.cpp" of "doejane_12_345_e_step-1.cpp"
};

// One student's hand-in: a subfolder, a .zip or a .tar.gz of the submissions folder, or the
// files an LMS put loose in its download under the student's name.
struct Submission {
  Submission() = default;
  // A folder or an archive of the submissions folder, shown by its own path.
  Submission(std::string id_, std::filesystem::path path_, bool archive_)
      : id(std::move(id_)), path(path_), archive(archive_), shown(std::move(path_)) {}

  std::string id;               // the name before the extension; an LMS's id for the student
  std::filesystem::path path;   // the folder or the archive (for loose files: the download they came in)
  bool archive = false;
  bool loose = false;           // the hand-in is `files` (possibly none: a Blackboard attempt with only text)
  std::vector<HandedInFile> files;
  std::filesystem::path shown;  // how reports name it: the path as the instructor gave it ("canvas.zip/123")
  std::string name;             // the student's name as the LMS gives it, or ""
  std::string note;             // what grouping the download decided for this student, or ""
};

// Files an OS or an LMS adds that nobody handed in (.DS_Store, __MACOSX, Thumbs.db).
bool clutter(const std::string& name);
// The name without its archive ending (.zip, .tar.gz, .tgz, in any case), or "" when `name`
// is not named as an archive a submission may come in.
std::string archive_stem(const std::string& name);
// The summary's sentence for a symbolic link in the submissions folder (never followed).
std::string skipped_link(const std::string& name);

// The submissions in `folder`, sorted by id. Hidden entries and LMS clutter (.DS_Store,
// __MACOSX) are passed over silently; any other file that is not a folder, .zip, .tar.gz or
// .tgz is named in `skipped`. Throws Error when the folder is missing, not a folder or holds
// no submission at all.
std::vector<Submission> list_submissions(const std::filesystem::path& folder, std::vector<std::string>& skipped);

// A fingerprint of a submission's bytes (an archive's bytes, or a folder's or loose files'
// names and contents in name order, with the grouping's note). Not cryptographic: it only
// tells "changed since last time".
std::uint64_t content_hash(const Submission& s);
std::uint64_t hash_bytes(std::uint64_t seed, const void* data, std::size_t size);
std::uint64_t hash_file(std::uint64_t seed, const std::filesystem::path& file);

// A submission that cannot be graded as it is; what() says why ("no e_step.cpp: looked in ...").
class IncompleteSubmission : public Error {
 public:
  using Error::Error;
};

// The folder that holds a submission's files as the student handed them in: a folder as it
// is; an archive unpacked (unpack_submission) into `work`/unpacked; loose files copied under
// the names the student gave them into `work`/handed-in. `work` must exist.
std::filesystem::path handed_in_folder(const Submission& s, const std::filesystem::path& work);

// Copies a student's files from `unpacked` (a submission's folder, or its unpacked archive)
// into the fresh folder `staged` under the names the grader expects: zscore.cpp, e_step.cpp,
// m_step.cpp, student.hpp when there is one, and any other header. The files may sit one
// folder deep (as LMS downloads put them) and may carry other names a person would recognise
// (E-Step.cpp, jdoe_12345_m_step.cpp, zscore-1.cpp). Every guess, rename and ignored file is
// added to `notes` in one sentence. Throws IncompleteSubmission when one of the three .cpp files
// is missing or ambiguous, and ArchiveRefused for a symbolic link in a submitted folder.
void stage_submission(const std::filesystem::path& unpacked, const std::filesystem::path& staged,
                      std::vector<std::string>& notes);

}  // namespace gmmlab::course
