// What a lane keeps for its panels (issue 21's large photos): structure, never time.
#include <gtest/gtest.h>

#include <chrono>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <thread>

#include "gmmlab/reference.hpp"
#include "gmmlab/testing/support.hpp"
#include "model.hpp"

namespace gmmlab::viewer {
namespace {

void wait_idle(const Lane& lane) {
  while (lane.busy()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

// Issue 21's 12 MP photo took 2.26 GB: the lane copied the run's N x K responsibilities and
// cached three. On a photo larger than the display, what a lane keeps for its panels is the
// display pixels' rows, the sample's and one byte of label per pixel, and they are the rows
// of the whole E-step's γ (from the run's posterior, from E-steps on blocks after Back, and
// from the k-means start).
TEST(LaneMemory, ALaneKeepsTheDisplayedRowsAndOneByteLabelsNotTheNByKResponsibilities) {
  testing::TempDir dir;
  cv::Mat photo = cv::imread(testing::sample_photo().string(), cv::IMREAD_COLOR), big;
  cv::resize(photo, big, cv::Size(1353, 900), 0, 0, cv::INTER_NEAREST);  // 1.2 MP, display 720 x 479
  ASSERT_TRUE(cv::imwrite((dir / "big.png").string(), big));
  const auto problem = make_problem(dir / "big.png", 4, 0);
  const arma::uword n = problem->x.n_rows, shown = problem->display_index.n_elem;
  ASSERT_LT(shown, n / 3);
  ASSERT_GT(n, kPanelBlock);  // E-steps on more than one block of pixels
  Lane lane({"reference", std::make_shared<ReferenceSteps>(), {}, {}, {}});
  lane.start(problem, {}, TraceInput{"big.png", "0", 900, 1353, 3}, TraceSettings{4, 0, {}, {}, {}, {}});
  const ReferenceSteps ref;
  auto expect_rows_of = [&](const arma::mat& gamma, const char* what) {
    const LaneView v = lane.view();
    ASSERT_TRUE(v.display.gamma && v.display.labels) << what;
    EXPECT_EQ(v.display.gamma->n_rows, shown) << what;
    EXPECT_EQ(v.display.gamma->n_cols, 4u) << what;
    EXPECT_EQ(sizeof(v.display.labels->at(0)), 1u);
    EXPECT_EQ(v.display.labels->n_elem, n) << what;
    EXPECT_EQ(v.display.sample_gamma.n_rows, problem->sample.n_elem) << what;
    EXPECT_TRUE(arma::approx_equal(*v.display.gamma, arma::mat(gamma.rows(problem->display_index)), "absdiff", 1e-12))
        << what;
    EXPECT_TRUE(arma::approx_equal(v.display.sample_gamma, arma::mat(gamma.rows(problem->sample)), "absdiff", 1e-12))
        << what;
    EXPECT_EQ(arma::accu(arma::conv_to<arma::uvec>::from(*v.display.labels) != most_likely(gamma)), 0u) << what;
  };
  wait_idle(lane);
  {
    const Mixture& m = problem->initial;
    arma::mat d(n, 4);
    for (arma::uword k = 0; k < 4; ++k) d.col(k) = arma::sum(arma::square(problem->x.each_row() - m.means.row(k)), 1);
    const arma::uvec nearest = arma::index_min(d, 1);
    arma::mat g(n, 4, arma::fill::zeros);
    for (arma::uword i = 0; i < n; ++i) g(i, nearest[i]) = 1;
    expect_rows_of(g, "the k-means start");
  }
  lane.advance(1, false);  // E-step 1: from the run's posterior
  wait_idle(lane);
  const arma::mat e1 = ref.e_step(problem->x, lane.view().history[1].mixture).gamma;
  expect_rows_of(e1, "E-step 1");
  lane.step(2);  // whole iterations: no posterior is kept, so E-steps on blocks make the panels
  wait_idle(lane);
  const LaneView v = lane.view();
  ASSERT_EQ(v.history.size(), 5u);
  expect_rows_of(ref.e_step(problem->x, v.history[3].mixture).gamma, "M-step 2 (E-step 2's responsibilities)");
  EXPECT_TRUE(v.history[3].labels_changed);
  const Labels labels = *v.display.labels;
  const cv::Mat seg = full_segmentation(*problem, labels);
  EXPECT_EQ(seg.size(), big.size());
  lane.go_to(1);  // back, from the cache
  wait_idle(lane);
  expect_rows_of(e1, "E-step 1 again");
}

}  // namespace
}  // namespace gmmlab::viewer
