#include "gmmlab/mixture_json.hpp"

#include <fmt/format.h>

#include <fstream>

#include "gmmlab/errors.hpp"
#include "gmmlab/input_file.hpp"

namespace gmmlab {

using nlohmann::json;

json to_json(const Mixture& m) {
  json means = json::array(), covs = json::array(), priors = json::array();
  for (arma::uword k = 0; k < m.components(); ++k) {
    means.push_back(arma::conv_to<std::vector<double>>::from(m.means.row(k)));
    json cov = json::array();
    for (arma::uword r = 0; r < m.dims(); ++r)
      cov.push_back(arma::conv_to<std::vector<double>>::from(m.covs.slice(k).row(r)));
    covs.push_back(std::move(cov));
    priors.push_back(m.priors[k]);
  }
  return {{"means", means}, {"covariances", covs}, {"priors", priors}};
}

namespace {

void fail(const std::string& source, const std::string& what) {
  throw Error(fmt::format("{} is not a mixture: {}; it must be {{\"means\": K x d, \"covariances\": K x d x d, "
                          "\"priors\": K}}",
                          source, what));
}

std::vector<double> numbers(const json& j, const std::string& source, const std::string& name) {
  if (!j.is_array()) fail(source, name + " is not an array");
  std::vector<double> out;
  for (const json& v : j) {
    if (!v.is_number()) fail(source, name + " holds something that is not a number");
    out.push_back(v.get<double>());
  }
  return out;
}

}  // namespace

Mixture mixture_from_json(const json& j, const std::string& source) {
  if (!j.is_object()) fail(source, "it is not a JSON object");
  for (const char* key : {"means", "covariances", "priors"})
    if (!j.contains(key)) fail(source, fmt::format("\"{}\" is missing", key));
  const std::vector<double> priors = numbers(j["priors"], source, "\"priors\"");
  const arma::uword k = priors.size();
  if (k == 0) fail(source, "\"priors\" is empty");
  const json& means = j["means"];
  const json& covs = j["covariances"];
  if (!means.is_array() || means.size() != k) fail(source, fmt::format("\"means\" must hold {} rows, one per prior", k));
  if (!covs.is_array() || covs.size() != k) fail(source, fmt::format("\"covariances\" must hold {} matrices, one per prior", k));
  const arma::uword d = numbers(means[0], source, "\"means\"").size();
  if (d == 0) fail(source, "the means are empty");
  Mixture m;
  m.priors = arma::vec(priors);
  m.means.set_size(k, d);
  m.covs.set_size(d, d, k);
  for (arma::uword c = 0; c < k; ++c) {
    const std::vector<double> mean = numbers(means[c], source, "\"means\"");
    if (mean.size() != d) fail(source, fmt::format("mean {} has {} values, mean 1 has {}", c + 1, mean.size(), d));
    m.means.row(c) = arma::rowvec(mean);
    if (!covs[c].is_array() || covs[c].size() != d)
      fail(source, fmt::format("covariance {} must be {} x {}", c + 1, d, d));
    for (arma::uword r = 0; r < d; ++r) {
      const std::vector<double> row = numbers(covs[c][r], source, "\"covariances\"");
      if (row.size() != d) fail(source, fmt::format("covariance {} must be {} x {}", c + 1, d, d));
      m.covs.slice(c).row(r) = arma::rowvec(row);
    }
  }
  return m;
}

json read_json_file(const std::filesystem::path& path, const std::string& what) {
  const std::string text = read_regular_file(path, what, kMaxJsonBytes);
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    throw Error(fmt::format("{} '{}' is not valid JSON (byte {}); check the file", what, path.string(), e.byte));
  } catch (const json::exception& e) {
    // e.g. 1e999: a number no double holds.
    throw Error(fmt::format("{} '{}' holds a number too large for a double (such as 1e999); check the file", what,
                            path.string()));
  }
}

arma::uword mixture_file_components(const std::filesystem::path& path) {
  return mixture_from_json(read_json_file(path, "mixture file"), "mixture file '" + path.string() + "'").components();
}

Mixture read_mixture_file(const std::filesystem::path& path, arma::uword dims) {
  const std::string source = "mixture file '" + path.string() + "'";
  Mixture m = mixture_from_json(read_json_file(path, "mixture file"), source);
  if (m.dims() != dims)
    throw Error(fmt::format("{} has {}-dimensional means but the image has {} channels; give a mixture made for this "
                            "image",
                            source, m.dims(), dims));
  validate_mixture(m, dims, source, "fix the mixture, or leave out --init to start from k-means");
  return m;
}

}  // namespace gmmlab
