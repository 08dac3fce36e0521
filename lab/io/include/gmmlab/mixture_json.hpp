#pragma once
// Mixtures as JSON: {"means": K x d, "covariances": K x d x d, "priors": K}, in the
// Z-scored space. Used by `--init`, `--json` and the tracer.
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "gmmlab/mixture.hpp"

namespace gmmlab {

nlohmann::json to_json(const Mixture& m);
// Throws gmmlab::Error naming `source` for wrong shapes or types; does not check the
// values (call validate_mixture for that).
Mixture mixture_from_json(const nlohmann::json& j, const std::string& source);
// Reads and validates a mixture file for data of `dims` channels.
Mixture read_mixture_file(const std::filesystem::path& path, arma::uword dims);
// Parses a JSON file; throws gmmlab::Error naming the file when it is missing or not JSON.
// A regular file of at most kMaxJsonBytes (input_file.hpp); a number out of a double's range
// (1e999) is bad input like any other.
constexpr std::uint64_t kMaxJsonBytes = 64ULL << 20;
nlohmann::json read_json_file(const std::filesystem::path& path, const std::string& what);

// How many components the mixture file holds (its priors), without checking it against an
// image: the tools take K from --init before loading the photo.
arma::uword mixture_file_components(const std::filesystem::path& path);

}  // namespace gmmlab
