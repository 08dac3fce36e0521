#include "gmmlab/errors.hpp"

#include <fmt/format.h>

namespace gmmlab {

const char* exercise_title(Exercise e) {
  switch (e) {
    case Exercise::zscore: return "Z-score";
    case Exercise::e_step: return "E-step";
    case Exercise::m_step: return "M-step";
  }
  return "?";
}

NotImplemented::NotImplemented(Exercise exercise, std::string file, std::string what_to_compute)
    : Error(fmt::format("student {0} is not written yet: {1}, {2} (see handout §{0})", exercise_title(exercise), file,
                        what_to_compute)),
      exercise_(exercise) {}

}  // namespace gmmlab
