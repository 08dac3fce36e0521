#pragma once
// The commands and quoted outputs of a Markdown file, as docs/tests/README.md describes them.
#include <optional>
#include <string>
#include <vector>

namespace gmmlab::docs {

struct DocCommand {
  std::string text;                   // what is passed to bash, comment included
  int line = 0;                       // 1-based line in the Markdown file
  int expected_exit = 0;              // from a trailing "# ... exit N ..." comment, else 0
  std::vector<std::string> expected;  // quoted output lines (```console blocks), may be empty
  std::string needs;                  // "gmmlab grade", "gmmlab-viewer" or empty
};

struct BlockSelection {
  bool sh = true;        // run ```sh blocks
  bool console = true;   // run ```console blocks
};

// Every command of the selected blocks, in order; blocks after a "<!-- docs-test: skip ... -->"
// line are left out.
std::vector<DocCommand> extract_commands(const std::string& markdown, BlockSelection which);

// A line as the comparison sees it: trailing blanks dropped, and what changes from run to run
// (durations "0.92 s", speeds "542.1 it/s", shares "(78%)") replaced by "#".
std::string normalise_output_line(const std::string& line);

}  // namespace gmmlab::docs
