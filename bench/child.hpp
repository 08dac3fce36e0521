#pragma once
// One timed configuration, run in a child process of gmmlab-bench so that its peak memory
// is measured alone. It prints, one item a line:
//   seconds t1 t2 ...         wall time of each repeat of `iterations` EM updates
//   baseline_seconds t1 ...   (OpenCV only) the same with no update, to subtract
//   peak_kib N                its peak resident memory
//   mixture v1 v2 ...         the mixture after `iterations` updates (see mixture_to_line)
// bench/sklearn_child.py follows the same protocol.
#include <filesystem>
#include <string>
#include <vector>

namespace gmmlab::bench {

struct ChildOptions {
  std::string impl;  // reference, armadillo or opencv
  std::filesystem::path data;
  int iterations = 1;
  int repeats = 3;
  int threads = 1;
};

int run_child(const ChildOptions& options);

// Starts `argv` (a full path first), returns what it printed on stdout; throws when it fails.
std::string run_process(const std::vector<std::string>& argv);

}  // namespace gmmlab::bench
