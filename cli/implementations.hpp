#pragma once
// The implementations the tools can run, by the name users type after --impl.
#include <memory>
#include <string>
#include <vector>

#include "gmmlab/steps.hpp"

namespace gmmlab::cli {

std::vector<std::string> implementation_names();  // {"reference", "student"}
// Throws gmmlab::UsageError for an unknown name.
std::unique_ptr<Steps> make_implementation(const std::string& name);

}  // namespace gmmlab::cli
