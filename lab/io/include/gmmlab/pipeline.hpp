#pragma once
// What every tool does before EM: load the photo, Z-score it with the chosen
// implementation, and make the initial mixture (k-means, or a mixture file).
#include <filesystem>
#include <optional>

#include "gmmlab/image.hpp"
#include "gmmlab/kmeans.hpp"
#include "gmmlab/steps.hpp"

namespace gmmlab {

// The most components a run accepts: more is a typo, not a request (a K this large needs
// gigabytes for the smallest photo).
constexpr long long kMaxComponents = 100000;

// K as a problem takes it: 1 to kMaxComponents. Throws gmmlab::FieldError naming "k" otherwise
// (signed, so that a tool can pass "-2" as it was typed). The one rule for K; prepare() adds
// the one only the photo can tell (no more components than pixels).
arma::uword checked_components(long long k);

// A mixture file given instead of k-means: read once (read_mixture_file_shapes), before the
// photo, so that K can come from it; its channels are checked against the photo by prepare().
struct InitFile {
  std::filesystem::path path;
  Mixture mixture;
};

struct ProblemSpec {
  std::filesystem::path image;
  arma::uword k = 3;  // from checked_components (or the init file's)
  std::uint64_t seed = 0;
  double reg_covar = 0;  // EM's ridge, also added to the k-means covariances (KMeansOptions)
  std::optional<InitFile> init;  // a mixture JSON file instead of k-means
  // false: the raw pixels are released once Z-scored, before k-means (288 MB at 12 MP that
  // would otherwise sit beside the Z-scored ones); Problem::image keeps its size.
  bool keep_raw_pixels = true;
};

struct Problem {
  Image image;
  arma::mat x;        // Z-scored pixels, N x d
  Mixture initial;
  std::string zscore_by;  // the name of the implementation whose Z-score made x
  double seconds_load = 0, seconds_zscore = 0, seconds_init = 0;
};

// The bundled sample photo, chelsea.png: in $GMMLAB_DATA_DIR when it is set; else in an
// install's share/gmmlab/data, found from the running program's own place (bin/), so a moved
// install still finds it; else in lab/data of the source tree this build was made from.
std::filesystem::path sample_image();

// Throws gmmlab::Error (bad input; a FieldError naming "k" for more components than pixels)
// or NotImplemented (student Z-score).
Problem prepare(const ProblemSpec& spec, const Steps& steps);

}  // namespace gmmlab
