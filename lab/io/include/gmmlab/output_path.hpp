#pragma once
// What a file named as an output may be, checked once before any work, and how outputs are
// written: whole or not at all. Every tool (gmmlab, the grader, the viewer) goes through here,
// so that the rules are the same everywhere:
//
// - An output is a regular file (replaced whole) or a new name in a folder that exists and
//   takes new files.
// - Everything else is refused: a folder, a device node (/dev/null), a FIFO, a socket, and a
//   symbolic link, even one to a regular file. Writing through a link would change a file the
//   user did not name; replacing it would lose the link. Neither is what a typed name promises,
//   so the message asks for the file the link points to.
// - An output never names an input (photo, mixture, trace, or the photo a trace names), and
//   two outputs of one command never name the same file.
#include <filesystem>
#include <string>
#include <vector>

namespace gmmlab {

struct OutputFile {
  std::filesystem::path path;
  std::string flag;  // how the user named it, e.g. "-o" or "--soft"; starts every message
};

// True when `a` and `b` name the same file, or will once one of them is created (the same
// folder and name after resolving "..", "." and symbolic links of the folders).
bool same_file(const std::filesystem::path& a, const std::filesystem::path& b);

// Throws gmmlab::Error naming the flag and the path for the first output that breaks a rule
// above, or whose folder is missing or cannot take a new file. Creates nothing.
void check_outputs(const std::vector<OutputFile>& outputs, const std::vector<std::filesystem::path>& inputs);

// Files written all or nothing. commit() writes every file to a temporary beside its target,
// and only when all are written renames them into place; on an error every temporary is
// removed and nothing was written. SIGINT, SIGTERM and SIGHUP wait until commit() has
// finished (milliseconds), so an interrupted write leaves no temporary file behind; a file
// size limit (SIGXFSZ) is reported as an error rather than killing the process. Each target is
// checked again when its turn comes, and the rename cannot replace what is not a regular file
// (renameat2 where Linux has it; output_path.cpp says what remains elsewhere).
class OutputSet {
 public:
  void add(std::filesystem::path path, std::string bytes);
  void commit();

 private:
  struct Pending {
    std::filesystem::path path;
    std::string bytes;
  };
  std::vector<Pending> files_;
};

// A set of one.
void write_file_whole(const std::filesystem::path& path, std::string bytes);

}  // namespace gmmlab
