// The one piece of the worker compiled against the submission's own student.hpp: the worker
// main is built once, but StudentSteps is whatever class that header declares (an edited
// header is graded as it is, so its layout must come from it).
#include <memory>

#include "student.hpp"

namespace gmmlab::worker {
std::unique_ptr<Steps> make_student_steps() { return std::make_unique<StudentSteps>(); }
}  // namespace gmmlab::worker
