#include "gmmlab/trace_run.hpp"

namespace gmmlab {

TraceInput trace_input(const ProblemSpec& spec, const Problem& problem) {
  return {spec.image.string(), content_hash(spec.image), problem.image.height, problem.image.width,
          problem.image.channels};
}

TraceSettings trace_settings(const ProblemSpec& spec, const EmOptions& em) {
  TraceSettings s;
  s.k = spec.k;
  s.seed = spec.seed;
  s.init = spec.init ? spec.init->string() : std::string();
  s.em = em;
  return s;
}

Trace record_problem(const Steps& steps, const ProblemSpec& spec, const Problem& problem, const EmOptions& em,
                     EmObserver* also) {
  return record_trace(steps, problem.x, problem.initial, trace_input(spec, problem), trace_settings(spec, em), also);
}

}  // namespace gmmlab
