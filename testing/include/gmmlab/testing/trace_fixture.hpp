#pragma once
// What the tracer's test suites share: a small photo and a small problem on it. Header-only:
// a test that includes it links gmmlab::tracer.
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "gmmlab/image.hpp"
#include "gmmlab/kmeans.hpp"
#include "gmmlab/testing/support.hpp"
#include "gmmlab/testing/textbook.hpp"
#include "gmmlab/trace.hpp"

namespace gmmlab::testing {

// The sample photo shrunk to 60 x 40, so that every test runs in well under a second.
inline std::filesystem::path small_photo(const TempDir& dir, const std::string& name = "small.png", bool flip = false) {
  cv::Mat photo = cv::imread(sample_photo().string(), cv::IMREAD_COLOR), small;
  cv::resize(photo, small, cv::Size(60, 40), 0, 0, cv::INTER_AREA);
  if (flip) cv::flip(small, small, 1);
  const std::filesystem::path path = dir / name;
  cv::imwrite(path.string(), small);
  return path;
}

struct SmallProblem {
  arma::mat x;
  Mixture initial;
  TraceInput input;
  TraceSettings settings;
};

inline SmallProblem small_problem(const std::filesystem::path& photo, arma::uword k = 3, int iterations = 15) {
  SmallProblem p;
  const Image image = load_image(photo, int(k));
  p.x = TextbookSteps().zscore(image.pixels);
  p.initial = kmeans_init(p.x, k, {.seed = 7});
  p.input = {photo.string(), content_hash(photo), image.height, image.width, image.channels};
  p.settings.k = k;
  p.settings.seed = 7;
  p.settings.em.max_iterations = iterations;
  return p;
}

inline Trace record(const Steps& steps, const SmallProblem& p) {
  return record_trace(steps, p.x, p.initial, p.input, p.settings);
}

}  // namespace gmmlab::testing
