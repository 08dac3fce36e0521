#pragma once
// A class's submissions folder: who handed in what, and each student's files put where the
// grader expects them.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "gmmlab/errors.hpp"

namespace gmmlab::course {

// One student's hand-in: a subfolder, a .zip or a .tar.gz of the submissions folder.
struct Submission {
  std::string id;               // the name before the extension
  std::filesystem::path path;   // the folder or the archive
  bool archive = false;
};

// The submissions in `folder`, sorted by id. Hidden entries and LMS clutter (.DS_Store,
// __MACOSX) are passed over silently; any other file that is not a folder, .zip, .tar.gz or
// .tgz is named in `skipped`. Throws Error when the folder is missing, not a folder or holds
// no submission at all.
std::vector<Submission> list_submissions(const std::filesystem::path& folder, std::vector<std::string>& skipped);

// A fingerprint of a submission's bytes (an archive's bytes, or a folder's file names and
// contents in name order). Not cryptographic: it only tells "changed since last time".
std::uint64_t content_hash(const Submission& s);
std::uint64_t hash_bytes(std::uint64_t seed, const void* data, std::size_t size);
std::uint64_t hash_file(std::uint64_t seed, const std::filesystem::path& file);

// A submission that cannot be graded as it is; what() says why ("no e_step.cpp: looked in ...").
class IncompleteSubmission : public Error {
 public:
  using Error::Error;
};

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
