#include "gmmlab/trace_run.hpp"

#include <fmt/format.h>

#include "gmmlab/errors.hpp"
#include "gmmlab/image.hpp"
#include "gmmlab/input_file.hpp"

namespace gmmlab {

Image load_traced_photo(const Trace& t, const std::filesystem::path& path, const std::string& what_to_do) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw Error(fmt::format("the photo the trace was recorded on, '{}', is not there; {}", path.string(), what_to_do));
  check_regular_file(path, "photo", kMaxImageFileBytes);  // a FIFO would block the hash below
  if (content_hash(path) != t.input.content_hash)
    throw Error(fmt::format("'{}' is not the photo the trace was recorded on (its content differs); {}", path.string(),
                            what_to_do));
  Image image = load_image(path, int(t.settings.k));
  // The same bytes, so the same photo: a size that disagrees is the trace's mistake.
  if (image.height != t.input.height || image.width != t.input.width || image.channels != t.input.channels)
    throw Error(fmt::format("the trace is damaged: it says its photo '{}' is {} x {} pixels with {} channels, but that "
                            "photo (the same bytes) is {} x {} with {}; record it again with 'gmmlab trace record'",
                            path.string(), t.input.width, t.input.height, t.input.channels, image.width, image.height,
                            image.channels));
  return image;
}

TraceInput trace_input(const ProblemSpec& spec, const Problem& problem) {
  return {spec.image.string(), content_hash(spec.image), problem.image.height, problem.image.width,
          problem.image.channels};
}

TraceSettings trace_settings(const ProblemSpec& spec, const Problem& problem, const EmOptions& em) {
  TraceSettings s;
  s.k = spec.k;
  s.seed = spec.seed;
  s.init = spec.init ? spec.init->path.string() : std::string();
  s.em = em;
  s.zscore = problem.zscore_by;
  return s;
}

Trace record_problem(const Steps& steps, const ProblemSpec& spec, const Problem& problem, const EmOptions& em,
                     EmObserver* also) {
  return record_trace(steps, problem.x, problem.initial, trace_input(spec, problem), trace_settings(spec, problem, em), also);
}

}  // namespace gmmlab
