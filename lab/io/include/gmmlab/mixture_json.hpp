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
// Reads and validates a mixture file for data of `dims` channels: read_mixture_file_shapes,
// then check_mixture_file.
Mixture read_mixture_file(const std::filesystem::path& path, arma::uword dims);
constexpr std::uint64_t kMaxJsonBytes = 64ULL << 20;

// The mixture a file holds, its shapes checked but not its values nor its channels: the tools
// take K from --init before the photo is loaded, and check it against the photo once loaded,
// so the file is read once. The file is read by read_json_file (json_file.hpp): a regular
// file of at most kMaxJsonBytes, whose numbers all fit a double.
Mixture read_mixture_file_shapes(const std::filesystem::path& path);
// Throws gmmlab::Error naming the file when `m` (read from `path`) is not a mixture for data
// of `dims` channels (validate_mixture).
void check_mixture_file(const Mixture& m, const std::filesystem::path& path, arma::uword dims);

}  // namespace gmmlab
