// Hostile: an exception escapes a thread the student started (std::terminate in that thread).
#include <stdexcept>
#include <thread>

#include "student.hpp"

namespace gmmlab {
arma::mat StudentSteps::zscore(const arma::mat& raw) const {
  std::thread([] { throw std::runtime_error("thrown in my thread"); }).join();
  return raw;
}
}  // namespace gmmlab
