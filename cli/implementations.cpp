#include "implementations.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gmmlab/errors.hpp"
#include "gmmlab/reference.hpp"

namespace gmmlab::cli {

std::vector<std::string> implementation_names() { return {"reference"}; }

std::unique_ptr<Steps> make_implementation(const std::string& name) {
  if (name == "reference") return std::make_unique<ReferenceSteps>();
  throw Error(fmt::format("--impl {} is not an implementation; choose one of: {}", name,
                          fmt::join(implementation_names(), ", ")));
}

}  // namespace gmmlab::cli
