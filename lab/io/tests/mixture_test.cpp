// Mixtures in JSON (--init, --json) and their validation.
#include <gtest/gtest.h>

#include "gmmlab/errors.hpp"
#include "gmmlab/mixture_json.hpp"
#include "gmmlab/testing/support.hpp"

using gmmlab::testing::TempDir;

namespace {

std::string error_of(const std::string& json_text, arma::uword dims = 3) {
  TempDir dir;
  gmmlab::testing::write_file(dir / "m.json", json_text);
  try {
    gmmlab::read_mixture_file(dir / "m.json", dims);
  } catch (const gmmlab::Error& e) {
    return e.what();
  }
  return "";
}

const char* kGood = R"({"means": [[0,0,0],[1,1,1]],
  "covariances": [[[1,0,0],[0,1,0],[0,0,1]], [[2,0.5,0],[0.5,1,0],[0,0,1]]],
  "priors": [0.25, 0.75]})";

}  // namespace

TEST(MixtureJson, RoundTripsExactly) {
  const gmmlab::Mixture m = gmmlab::testing::random_mixture(4, 3, 11);
  TempDir dir;
  gmmlab::testing::write_file(dir / "m.json", gmmlab::to_json(m).dump());
  const gmmlab::Mixture back = gmmlab::read_mixture_file(dir / "m.json", 3);
  EXPECT_TRUE(arma::approx_equal(m.means, back.means, "absdiff", 0.0));
  EXPECT_TRUE(arma::approx_equal(m.covs, back.covs, "absdiff", 0.0));
  EXPECT_TRUE(arma::approx_equal(m.priors, back.priors, "absdiff", 0.0));
}

TEST(MixtureJson, GoodFileLoads) { EXPECT_EQ(error_of(kGood), ""); }

TEST(MixtureJson, NotJsonIsRefused) { EXPECT_NE(error_of("{means: oops").find("not valid JSON"), std::string::npos); }

TEST(MixtureJson, MissingFileIsRefused) {
  try {
    gmmlab::read_mixture_file("/nonexistent/m.json", 3);
    FAIL();
  } catch (const gmmlab::Error& e) {
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos);
  }
}

TEST(MixtureJson, WrongShapesAreRefused) {
  EXPECT_NE(error_of(R"({"means": [[0,0,0]], "covariances": [], "priors": [1]})").find("covariances"), std::string::npos);
  EXPECT_NE(error_of(R"({"means": [[0,0]], "covariances": [[[1,0],[0,1]]], "priors": [1]})").find("3 channels"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"means": [[0,0,0]], "covariances": [[[1,0,0],[0,1,0]]], "priors": [1]})").find("3 x 3"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"means": [[0,0,0]], "priors": [1]})").find("\"covariances\" is missing"), std::string::npos);
  EXPECT_NE(error_of(R"([1,2,3])").find("not a JSON object"), std::string::npos);
  EXPECT_NE(error_of(R"({"means": [["a",0,0]], "covariances": [[[1,0,0],[0,1,0],[0,0,1]]], "priors": [1]})")
                .find("not a number"),
            std::string::npos);
}

TEST(MixtureJson, NonPositiveDefiniteCovarianceIsNamed) {
  const std::string e = error_of(R"({"means": [[0,0,0],[1,1,1]],
    "covariances": [[[1,0,0],[0,1,0],[0,0,1]], [[1,2,0],[2,1,0],[0,0,1]]], "priors": [0.5, 0.5]})");
  EXPECT_NE(e.find("component 2 is not positive definite"), std::string::npos) << e;
}

TEST(MixtureJson, PriorsMustSumToOne) {
  const std::string e = error_of(R"({"means": [[0,0,0],[1,1,1]],
    "covariances": [[[1,0,0],[0,1,0],[0,0,1]], [[1,0,0],[0,1,0],[0,0,1]]], "priors": [0.5, 0.6]})");
  EXPECT_NE(e.find("sum to 1.1"), std::string::npos) << e;
  const std::string negative = error_of(R"({"means": [[0,0,0],[1,1,1]],
    "covariances": [[[1,0,0],[0,1,0],[0,0,1]], [[1,0,0],[0,1,0],[0,0,1]]], "priors": [1.5, -0.5]})");
  EXPECT_NE(negative.find("negative"), std::string::npos) << negative;
}

TEST(MixtureJson, AsymmetricCovarianceIsNamed) {
  const std::string e = error_of(R"({"means": [[0,0,0]],
    "covariances": [[[1,0.5,0],[0,1,0],[0,0,1]]], "priors": [1]})");
  EXPECT_NE(e.find("component 1 is not symmetric"), std::string::npos) << e;
}
