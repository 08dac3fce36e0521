#include "implementations.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>

#include "gmmlab/errors.hpp"
#include "gmmlab/reference.hpp"
#include "student.hpp"

namespace gmmlab::cli {

namespace {

// Each implementation once: its name after --impl and how to make it.
struct Implementation {
  const char* name;
  std::unique_ptr<Steps> (*make)();
};
constexpr std::array kImplementations{
    Implementation{"reference", []() -> std::unique_ptr<Steps> { return std::make_unique<ReferenceSteps>(); }},
    Implementation{"student", []() -> std::unique_ptr<Steps> { return std::make_unique<StudentSteps>(); }},
};

}  // namespace

std::vector<std::string> implementation_names() {
  std::vector<std::string> names;
  for (const Implementation& i : kImplementations) names.emplace_back(i.name);
  return names;
}

std::unique_ptr<Steps> make_implementation(const std::string& name) {
  for (const Implementation& i : kImplementations)
    if (name == i.name) return i.make();
  throw UsageError(fmt::format("--impl {} is not an implementation; choose one of: {}", name,
                          fmt::join(implementation_names(), ", ")));
}

}  // namespace gmmlab::cli
