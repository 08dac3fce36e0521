#pragma once
// Mixtures as JSON: {"means": K x d, "covariances": K x d x d, "priors": K}, in the
// Z-scored space. Used by `--init`, `--json` and the tracer.
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "gmmlab/mixture.hpp"

namespace gmmlab {

class JsonFields;

nlohmann::json to_json(const Mixture& m);
// Throws gmmlab::Error naming `source` for wrong shapes or types; does not check the
// values (call validate_mixture for that).
Mixture mixture_from_json(const nlohmann::json& j, const std::string& source);
// The same for a mixture inside a larger document (a trace's), its messages in that
// document's words: `where` names the mixture ("the initial mixture").
Mixture mixture_from_json(const nlohmann::json& j, const JsonFields& fields, const std::string& where);
// Reads and validates a mixture file for data of `dims` channels. The file is read by
// read_json_file (json_file.hpp): a regular file of at most kMaxJsonBytes, whose numbers all
// fit a double.
Mixture read_mixture_file(const std::filesystem::path& path, arma::uword dims);
constexpr std::uint64_t kMaxJsonBytes = 64ULL << 20;

// How many components the mixture file holds (its priors), without checking it against an
// image: the tools take K from --init before loading the photo.
arma::uword mixture_file_components(const std::filesystem::path& path);

}  // namespace gmmlab
