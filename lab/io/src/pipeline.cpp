#include "gmmlab/pipeline.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>

#include "gmmlab/errors.hpp"
#include "gmmlab/mixture_json.hpp"
#include "gmmlab/running_program.hpp"

namespace gmmlab {

namespace {
double since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}
}  // namespace

std::filesystem::path sample_image() {
  namespace fs = std::filesystem;
  if (const char* dir = std::getenv("GMMLAB_DATA_DIR")) return fs::path(dir) / "chelsea.png";
  // An install keeps its layout wherever its prefix is moved: bin/gmmlab, share/gmmlab/data.
  if (const auto self = running_program()) {
    const fs::path installed = (self->parent_path() / GMMLAB_DATA_FROM_BIN / "chelsea.png").lexically_normal();
    std::error_code ec;
    if (fs::is_regular_file(installed, ec)) return installed;
  }
  return fs::path(GMMLAB_SOURCE_DATA_DIR) / "chelsea.png";
}

arma::uword checked_components(long long k) {
  if (k < 1) throw FieldError("k", fmt::format(" is {}; give at least 1 component", k));
  if (k > kMaxComponents)
    throw FieldError("k", fmt::format(" is {}; give at most {} components (a few are usual: 2 to 10)", k,
                                      kMaxComponents));
  return arma::uword(k);
}

Problem prepare(const ProblemSpec& spec, const Steps& steps) {
  Problem p;
  auto t = std::chrono::steady_clock::now();
  p.image = load_image(spec.image, int(spec.k));
  p.seconds_load = since(t);
  if (spec.k > p.image.pixel_count())
    throw FieldError("k", fmt::format(" {} is more than the {} pixels of '{}'; choose a smaller K", spec.k,
                                      p.image.pixel_count(), spec.image.string()));

  t = std::chrono::steady_clock::now();
  p.x = steps.zscore(p.image.pixels);
  p.zscore_by = std::string(steps.name());
  p.seconds_zscore = since(t);
  if (p.x.n_rows != p.image.pixels.n_rows || p.x.n_cols != p.image.pixels.n_cols)
    throw Error(fmt::format("the {} Z-score returned {}x{} for {}x{} pixels; it must keep the shape (see handout "
                            "§Z-score)",
                            steps.name(), p.x.n_rows, p.x.n_cols, p.image.pixels.n_rows, p.image.pixels.n_cols));
  if (!p.x.is_finite())
    throw Error(fmt::format("the {} Z-score returned NaN or infinity for '{}'; a constant channel must give zeros "
                            "(see handout §Z-score)",
                            steps.name(), spec.image.string()));

  if (!spec.keep_raw_pixels) p.image.pixels.reset();

  t = std::chrono::steady_clock::now();
  if (spec.init) {
    check_mixture_file(spec.init->mixture, spec.init->path, p.x.n_cols);
    p.initial = spec.init->mixture;
  } else {
    p.initial = kmeans_init(p.x, spec.k, {.seed = spec.seed, .reg_covar = spec.reg_covar});
    validate_mixture(p.initial, p.x.n_cols, fmt::format("the k-means start for '{}'", spec.image.string()),
                     "the photo's channels move together (a grey photo stored as colour?), so give a covariance "
                     "ridge such as --reg-covar 1e-6");
  }
  p.seconds_init = since(t);
  return p;
}

}  // namespace gmmlab
