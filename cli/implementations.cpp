#include "implementations.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gmmlab/errors.hpp"
#include "gmmlab/reference.hpp"
#include "student.hpp"

namespace gmmlab::cli {

std::vector<std::string> implementation_names() { return {"reference", "student"}; }

std::unique_ptr<Steps> make_implementation(const std::string& name) {
  if (name == "reference") return std::make_unique<ReferenceSteps>();
  if (name == "student") return std::make_unique<StudentSteps>();
  throw UsageError(fmt::format("--impl {} is not an implementation; choose one of: {}", name,
                          fmt::join(implementation_names(), ", ")));
}

}  // namespace gmmlab::cli
