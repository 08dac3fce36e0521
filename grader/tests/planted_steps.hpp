#pragma once
// Implementations the grader's own tests grade in-process: two correct ones written unlike the
// reference (loops over pixels; other but equivalent formulas), and the loop one with one
// known mistake planted. Written here independently of gmmlab::mistakes, so that the detector
// is tested against code a student could write, not against itself.
#include <memory>
#include <string>
#include <vector>

#include "gmmlab/steps.hpp"

namespace gmmlab::grader_tests {

std::unique_ptr<Steps> loop_steps(const std::string& planted_mistake = "");  // "" for the correct one
std::unique_ptr<Steps> alternative_steps();
// The mistake ids loop_steps can plant: every one of gmmlab::mistakes::catalogue() but
// cov-old-mean, which a lab submission cannot make (covariances() is given the new means and
// never sees the old ones).
std::vector<std::string> plantable_mistakes();

}  // namespace gmmlab::grader_tests
