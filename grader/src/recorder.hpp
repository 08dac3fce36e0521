#pragma once
// Between the runner's GoogleTest listener and the check helpers: the running check's entry
// and what it has recorded so far. Internal to the grader library.
#include "gmmlab/grader/runner.hpp"

namespace gmmlab::grader {

struct Recorder {
  const RubricCheck* check = nullptr;
  CheckResult result;
  int own_failures = 0;  // failures fail_case() reported to GoogleTest, not to be counted twice
};
Recorder& recorder();

}  // namespace gmmlab::grader
