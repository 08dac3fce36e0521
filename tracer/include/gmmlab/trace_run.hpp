#pragma once
// Recording one run on a photo: what `gmmlab trace record` and `gmmlab trace compare` do, and
// what the viewer does to save the run it shows. The problem comes from gmmlab/pipeline.hpp
// (photo loaded, Z-scored, initial mixture made); this names it the way a trace records it.
#include <string>

#include "gmmlab/pipeline.hpp"
#include "gmmlab/trace.hpp"

namespace gmmlab {

// The photo of a prepared problem as a trace names it: the path as given, its content hash
// and its size.
TraceInput trace_input(const ProblemSpec& spec, const Problem& problem);

// The photo a trace was recorded on (at `path`), loaded. Throws gmmlab::Error when it is not
// there or its content is not the photo the trace names; `what_to_do` ends each sentence.
Image load_traced_photo(const Trace& t, const std::filesystem::path& path, const std::string& what_to_do);

// The options a trace records: K, the k-means seed, the --init file (empty for k-means), the
// EM options and whose Z-score made the problem's pixels.
TraceSettings trace_settings(const ProblemSpec& spec, const Problem& problem, const EmOptions& em);

// Runs `steps` on the problem through record_trace (trace.hpp) and returns its trace; `also`
// (a progress bar, say) sees the same steps.
Trace record_problem(const Steps& steps, const ProblemSpec& spec, const Problem& problem, const EmOptions& em,
                     EmObserver* also = nullptr);

}  // namespace gmmlab
