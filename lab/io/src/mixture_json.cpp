#include "gmmlab/mixture_json.hpp"

#include <fmt/format.h>

#include "gmmlab/errors.hpp"
#include "gmmlab/json_file.hpp"

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

const JsonFileKind& mixture_file_kind() {
  static const JsonFileKind kind{"mixture file", kMaxJsonBytes,
                                 "a mixture {\"means\": K x d, \"covariances\": K x d x d, \"priors\": K}",
                                 "check the file"};
  return kind;
}

JsonFields mixture_fields(const std::string& source) {
  return JsonFields(source, "is not a mixture",
                    "it must be {\"means\": K x d, \"covariances\": K x d x d, \"priors\": K}");
}

// A list of `rows` lists of numbers, each `columns` long; with columns 0, as long as the first.
// `shape` says what it must be, for a list of another length (or rows of other than `columns`).
arma::mat rows_of_numbers(const json& list, const JsonFields& f, const std::string& name, arma::uword rows,
                          arma::uword columns, const std::string& shape) {
  if (!list.is_array() || list.size() != rows) f.fail(name + " " + shape);
  arma::mat out;
  for (arma::uword r = 0; r < rows; ++r) {
    const std::vector<double> row = f.numbers(list[r], name);
    if (r == 0 && columns == 0) {
      if (row.empty()) f.fail(fmt::format("{} holds an empty row", name));
      out.set_size(rows, row.size());
    } else if (r == 0) {
      out.set_size(rows, columns);
    }
    if (row.size() != out.n_cols)
      f.fail(columns != 0 ? name + " " + shape
                          : fmt::format("row {} of {} has {} values, row 1 has {}", r + 1, name, row.size(), out.n_cols));
    out.row(r) = arma::rowvec(row);
  }
  return out;
}

}  // namespace

Mixture mixture_from_json(const json& j, const JsonFields& f, const std::string& where) {
  for (const char* key : {"means", "covariances", "priors"}) f.field(j, key, where);
  Mixture m;
  m.priors = arma::vec(f.numbers(j, "priors", where, 0, ""));
  const arma::uword k = m.priors.n_elem;
  if (k == 0) f.fail(fmt::format("{} is empty", JsonFields::name("priors", where)));
  m.means = rows_of_numbers(f.field(j, "means", where), f, JsonFields::name("means", where), k, 0,
                            fmt::format("must hold {} rows, one per prior", k));
  const arma::uword d = m.means.n_cols;
  const json& covs = f.field(j, "covariances", where);
  const std::string covs_name = JsonFields::name("covariances", where);
  if (!covs.is_array() || covs.size() != k) f.fail(fmt::format("{} must hold {} matrices, one per prior", covs_name, k));
  m.covs.set_size(d, d, k);
  for (arma::uword c = 0; c < k; ++c)
    m.covs.slice(c) = rows_of_numbers(covs[c], f, fmt::format("covariance {} of {}", c + 1, covs_name), d, d,
                                      fmt::format("must be {} x {}", d, d));
  return m;
}

Mixture mixture_from_json(const json& j, const std::string& source) {
  return mixture_from_json(j, mixture_fields(source), "");
}

Mixture read_mixture_file_shapes(const std::filesystem::path& path) {
  return mixture_from_json(read_json_file(path, mixture_file_kind()), mixture_file_kind().source(path));
}

void check_mixture_file(const Mixture& m, const std::filesystem::path& path, arma::uword dims) {
  const std::string source = mixture_file_kind().source(path);
  if (m.dims() != dims)
    throw Error(fmt::format("{} has {}-dimensional means but the image has {} channels; give a mixture made for this "
                            "image",
                            source, m.dims(), dims));
  validate_mixture(m, dims, source, "fix the mixture, or leave out --init to start from k-means");
}

Mixture read_mixture_file(const std::filesystem::path& path, arma::uword dims) {
  Mixture m = read_mixture_file_shapes(path);
  check_mixture_file(m, path, dims);
  return m;
}

}  // namespace gmmlab
