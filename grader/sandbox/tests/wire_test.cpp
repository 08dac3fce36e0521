// The bytes between grader and worker: what a student's answer can look like on the wire,
// including the empty and the lying ones.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "wire.hpp"

namespace gmmlab::wire {
namespace {

TEST(Wire, EmptyMatricesAndCubesTravelAsEmpty) {
  Writer w;
  w.mat(arma::mat());
  w.cube(arma::cube());
  w.mat(arma::mat(0, 3));
  Reader r(w.data());
  arma::mat m(2, 2, arma::fill::ones), wide(1, 1, arma::fill::ones);
  arma::cube c(2, 2, 2, arma::fill::ones);
  ASSERT_TRUE(r.mat(m));
  ASSERT_TRUE(r.cube(c));
  ASSERT_TRUE(r.mat(wide));
  EXPECT_TRUE(m.is_empty());
  EXPECT_TRUE(c.is_empty());
  EXPECT_EQ(wide.n_rows, 0u);
  EXPECT_EQ(wide.n_cols, 3u);
  EXPECT_TRUE(r.at_end());
}

TEST(Wire, ValuesComeBackBitForBit) {
  arma::arma_rng::set_seed(5);
  const arma::mat m(4, 3, arma::fill::randn);
  const arma::cube c(3, 3, 2, arma::fill::randu);
  Writer w;
  w.mat(m);
  w.cube(c);
  w.f64(-0.0);
  w.str("a message");
  Reader r(w.data());
  arma::mat m2;
  arma::cube c2;
  double z = 1;
  std::string s;
  ASSERT_TRUE(r.mat(m2) && r.cube(c2) && r.f64(z) && r.str(s));
  EXPECT_EQ(std::memcmp(m.memptr(), m2.memptr(), m.n_elem * sizeof(double)), 0);
  EXPECT_EQ(std::memcmp(c.memptr(), c2.memptr(), c.n_elem * sizeof(double)), 0);
  EXPECT_TRUE(std::signbit(z));
  EXPECT_EQ(s, "a message");
  EXPECT_TRUE(r.at_end());
}

// A worker that claims more values than it sent gets false, before anything is allocated.
TEST(Wire, SizesLargerThanTheBytesSentAreRefused) {
  Writer w;
  w.u64(1u << 20);
  w.u64(1u << 20);
  w.f64(1.0);
  arma::mat m;
  EXPECT_FALSE(Reader(w.data()).mat(m));
  EXPECT_TRUE(m.is_empty());

  Writer q;
  q.u64(0xffffffffu);
  q.u64(0xffffffffu);
  q.u64(0xffffffffu);
  arma::cube c;
  EXPECT_FALSE(Reader(q.data()).cube(c));

  Writer t;
  t.u32(100);
  t.bytes("short", 5);
  std::string s;
  EXPECT_FALSE(Reader(t.data()).str(s));
}

}  // namespace
}  // namespace gmmlab::wire
