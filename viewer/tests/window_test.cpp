// gmmlab-viewer in a real window under Xvfb, driven by its script language: what the
// screenshots show, the labels against `gmmlab segment`, the Gaussians moving, bad scripts.
#include <sys/stat.h>
#include <unistd.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <fstream>
#include <set>

#include "gmmlab/mixture_json.hpp"
#include "gmmlab/render.hpp"
#include "gmmlab/testing/support.hpp"
#include "layout.hpp"

namespace gmmlab::viewer {
namespace {

using testing::CommandResult;
using testing::run_command;
using testing::TempDir;

CommandResult viewer(std::vector<std::string> args, const std::filesystem::path& cwd) {
  // xvfb-run -a takes the first free display from -n on; two runs starting together (another
  // test, another build's tests) can pick the same one, so each process starts its search elsewhere.
  const std::string first_display = std::to_string(100 + ::getpid() % 800);
  // xvfb-run's own exit code is not the viewer's when its clean-up of its temporary folder fails
  // (seen when runs follow each other quickly: it exits 5), so the viewer's code goes to a file.
  std::vector<std::string> argv{GMMLAB_XVFB_RUN, "-a", "-n", first_display, "-s", "-screen 0 1280x800x24",
                                "/bin/sh", "-c", "\"$0\" \"$@\"; echo $? > .viewer-exit-code", GMMLAB_VIEWER};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::filesystem::path code_file = (cwd.empty() ? std::filesystem::current_path() : cwd) / ".viewer-exit-code";
  std::filesystem::remove(code_file);
  CommandResult r = run_command(argv, cwd);
  std::ifstream code(code_file);
  if (code >> r.exit_code) std::filesystem::remove(code_file);
  return r;
}

cv::Mat read(const std::filesystem::path& p) {
  cv::Mat m = cv::imread(p.string(), cv::IMREAD_COLOR);
  EXPECT_FALSE(m.empty()) << p;
  return m;
}

// A panel's rectangle from the state file, shrunk by a margin so that no border is inside.
cv::Rect panel(const nlohmann::json& state, const std::string& name, int margin = 3) {
  const auto r = state.at("rects").at(name);
  const int x0 = int(std::ceil(r[0].get<double>())) + margin, y0 = int(std::ceil(r[1].get<double>())) + margin;
  const int x1 = int(std::floor(r[2].get<double>())) - margin, y1 = int(std::floor(r[3].get<double>())) - margin;
  return {x0, y0, x1 - x0, y1 - y0};
}

std::set<std::array<int, 3>> colours(const cv::Mat& bgr) {
  std::set<std::array<int, 3>> out;
  for (int y = 0; y < bgr.rows; ++y)
    for (int x = 0; x < bgr.cols; ++x) {
      const cv::Vec3b c = bgr.at<cv::Vec3b>(y, x);
      out.insert({c[2], c[1], c[0]});
    }
  return out;
}

class ViewerWindow : public ::testing::Test {
 protected:
  TempDir dir;
  nlohmann::json state() { return nlohmann::json::parse(testing::read_file(dir / "state.json")); }
};

TEST_F(ViewerWindow, ScreenshotsAreDrawnAndTheSegmentationPanelIsInTheLabPalette) {
  const CommandResult r = viewer({"-k", "3", "--state-file", "state.json", "--script",
                                  "reset; estep; screenshot e.png; mstep; screenshot m.png"},
                                 dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const cv::Mat e = read(dir / "e.png"), m = read(dir / "m.png");
  ASSERT_EQ(e.size(), cv::Size(1280, 800));
  cv::Scalar mean, stddev;
  cv::meanStdDev(e, mean, stddev);
  EXPECT_GT(stddev[0] + stddev[1] + stddev[2], 60) << "a blank or flat window";
  EXPECT_GT(colours(e).size(), 2000u);

  const nlohmann::json s = state();
  EXPECT_EQ(s["lanes"][0]["shown"], "M-step 1");
  const cv::Rect seg = panel(s, "segmentation");
  ASSERT_GT(seg.area(), 100 * 60);
  std::set<std::array<int, 3>> palette;
  for (arma::uword k = 0; k < 3; ++k) {
    const cv::Vec3b c = palette_rgb(k);
    palette.insert({c[0], c[1], c[2]});
  }
  EXPECT_EQ(colours(e(seg)), palette) << "the segmentation panel holds exactly the first three palette colours";

  // The lesson of the two half-steps: an M-step moves the Gaussians (the feature-space panel
  // changes) and leaves the responsibilities (the segmentation panel is the same).
  const cv::Rect feature = panel(s, "feature_space");
  EXPECT_GT(cv::norm(e(feature), m(feature), cv::NORM_L1), 1000.0) << "the ellipses did not move";
  EXPECT_EQ(cv::norm(e(seg), m(seg), cv::NORM_L1), 0.0) << "an M-step changed the responsibilities shown";
}

// The state file says what each half-step measured (the test of the headline's numbers), and
// the okabe-ito palette paints the segmentation panel in its own colours, as `segment --palette`.
TEST_F(ViewerWindow, EStepsSayHowManyLabelsChangedMStepsTheirNewLAndThePaletteCanBeOkabeIto) {
  CommandResult r = viewer({"-k", "3", "--state-file", "state.json", "--script", "estep; mstep; estep"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json lane = state()["lanes"][0];
  EXPECT_EQ(lane["shown"], "E-step 2");
  ASSERT_TRUE(lane["labels_changed"].is_number()) << lane.dump();
  EXPECT_GT(lane["labels_changed"].get<int>(), 0);
  r = viewer({"-k", "3", "--state-file", "state.json", "--script",
              "estep; mstep; set palette okabe-ito; set colour mix; set curve gain; screenshot m.png"},
             dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json s = state();
  lane = s["lanes"][0];
  EXPECT_EQ(lane["shown"], "M-step 1");
  ASSERT_TRUE(lane["new_log_likelihood"].is_number()) << lane.dump();
  EXPECT_GT(lane["new_log_likelihood"].get<double>(), lane["log_likelihood"].get<double>());
  EXPECT_EQ(s["palette"], "okabe-ito");
  std::set<std::array<int, 3>> okabe_ito;
  for (arma::uword k = 0; k < 3; ++k) {
    const cv::Vec3b c = palette_rgb(k, Palette::okabe_ito);
    okabe_ito.insert({c[0], c[1], c[2]});
  }
  EXPECT_EQ(colours(read(dir / "m.png")(panel(s, "segmentation"))), okabe_ito);
}

// Layout: at 1280 x 800 the parameter table's widest text ends inside the table (K = 5); at
// 1024 x 640 the seed field with its label fits the sidebar (250 px there, layout.hpp); the
// controls stay where they are when a lane's message appears.
TEST_F(ViewerWindow, TheTableIsWholeTheSeedFitsAndMessagesMoveNoControl) {
  CommandResult r = viewer({"-k", "5", "--state-file", "state.json", "--script", "estep"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json s = state();
  EXPECT_LE(s["rects"]["table_text"][2].get<double>(), s["rects"]["table"][2].get<double>()) << s["rects"].dump();
  const auto quiet = s["rects"]["view_controls_end"], step = s["rects"]["step_button"];
  r = viewer({"-k", "5", "--iterations", "1", "--state-file", "state.json", "--script", "step"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  s = state();
  EXPECT_FALSE(s["lanes"][0]["message"].get<std::string>().empty());  // "EM reached the cap after 1 iterations"
  EXPECT_EQ(s["rects"]["view_controls_end"], quiet);
  EXPECT_EQ(s["rects"]["step_button"], step);
  r = viewer({"--size", "1024x640", "--impl", "both", "--state-file", "state.json", "--script", "estep"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  s = state();
  const Layout l = make_layout(1024, 640, 2, 19);
  EXPECT_LE(s["rects"]["seed"][2].get<double>(), l.sidebar.right()) << s["rects"]["seed"].dump();
}

TEST_F(ViewerWindow, LabelsAgreeWithGmmlabSegmentAfterTheSameIterations) {
  // After 5 iterations, an E-step gives the responsibilities of the fifth mixture: the ones
  // `gmmlab segment --iterations 5` paints.
  const CommandResult r = viewer({"-k", "4", "--seed", "2", "--script", "step 5; estep; save labels viewer.png"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const CommandResult s = run_command({GMMLAB_CLI, "segment", testing::sample_photo().string(), "-k", "4", "--seed", "2",
                                       "--iterations", "5", "-q", "-o", (dir / "segment.png").string()});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  const cv::Mat a = read(dir / "viewer.png"), b = read(dir / "segment.png");
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(cv::norm(a, b, cv::NORM_L1), 0.0);
}

TEST_F(ViewerWindow, TheMixtureMovesAtAnMStepAndNotAtAnEStep) {
  const CommandResult r = viewer({"--script", "save mixture 0.json; estep; save mixture e.json; mstep; save mixture m.json"},
                                 dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Mixture m0 = read_mixture_file(dir / "0.json", 3), me = read_mixture_file(dir / "e.json", 3),
                mm = read_mixture_file(dir / "m.json", 3);
  EXPECT_TRUE(arma::approx_equal(m0.means, me.means, "absdiff", 0));
  EXPECT_GT(arma::abs(mm.means - me.means).max(), 1e-3);
  EXPECT_GT(arma::abs(mm.covs - me.covs).max(), 1e-3);
}

TEST_F(ViewerWindow, ASavedTraceIsReplayedHalfStepByHalfStep) {
  const CommandResult rec = run_command({GMMLAB_CLI, "trace", "record", testing::sample_photo().string(), "-k", "3",
                                         "--iterations", "3", "-q", "-o", (dir / "run.trace.json").string()});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  const CommandResult r = viewer({"--trace", "run.trace.json", "--state-file", "state.json", "--script",
                                  "forward 4; save mixture m2.json; back 3; forward 10"},
                                 dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto trace = nlohmann::json::parse(testing::read_file(dir / "run.trace.json"));
  const Mixture expected = mixture_from_json(trace["iterations"][1]["mixture"], "trace");
  const Mixture shown = read_mixture_file(dir / "m2.json", 3);
  EXPECT_TRUE(arma::approx_equal(shown.means, expected.means, "reldiff", 1e-12));
  EXPECT_EQ(state()["lanes"][0]["shown"], "M-step 3");
}

// Runs the viewer with no display at all: what is refused before a window opens.
CommandResult without_display(std::vector<std::string> args, const std::filesystem::path& cwd) {
  std::vector<std::string> argv{"/usr/bin/env", "-u", "DISPLAY", GMMLAB_VIEWER};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, cwd);
}

TEST_F(ViewerWindow, BadScriptsAndInputsEndInOneSentence) {
  // Malformed: exit 2, before any window.
  CommandResult r = without_display({"--script", "reset; step five"}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "gmmlab-viewer: script action 2 ('step five'): 'five' is not a whole number of 1 or more\n");
  // An action that cannot be done: exit 1, naming the action and the file.
  r = viewer({"--script", "open missing.png; step"}, dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("script action 1 ('open missing.png'): "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("missing.png"), std::string::npos) << r.err;
  r = viewer({"--script", "mstep"}, dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("the next half-step is an E-step"), std::string::npos) << r.err;
  // Inputs that never end (a FIFO as the photo or the trace, on the command line or in the
  // script) are refused without being opened: exit 1, naming the file (issue 14).
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0644), 0);
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"fifo", "--script", "step"}, {"--trace", "fifo", "--script", "step"}, {"--script", "open fifo; step"}}) {
    r = viewer(args, dir.path());
    EXPECT_EQ(r.exit_code, 1) << args[0];
    EXPECT_NE(r.err.find("'fifo' is a FIFO (named pipe)"), std::string::npos) << r.err;
  }
  // An output that cannot be written: refused before the window (exit 2, as the hardening
  // suite's viewer cases have it).
  r = without_display({"--script", "screenshot no/such/folder/a.png"}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no/such/folder"), std::string::npos) << r.err;
  r = without_display({"-k", "0"}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("K is 0"), std::string::npos) << r.err;
  // Given but empty: a mistake, not a window that never exits.
  r = without_display({"--script", ""}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("the script has no actions"), std::string::npos) << r.err;
  // No display at all.
  r = without_display({"--script", "reset"}, dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("there is no display"), std::string::npos) << r.err;
}

TEST_F(ViewerWindow, AScriptMovesOverTheHistoryExactlyOrSaysWhyNot) {
  // The viewer's own line (Mesa on trixie adds "error: XDG_RUNTIME_DIR is invalid ..." above it
  // when the variable is unset, as in a chroot).
  auto own = [](const std::string& err) { return err.substr(std::min(err.size(), err.find("gmmlab-viewer: "))); };
  CommandResult r = viewer({"--script", "goto 999"}, dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(own(r.err), "gmmlab-viewer: script action 1 ('goto 999'): 1 half-step is made so far, 0 to 0; step further "
                   "first or go to one of them\n");
  r = viewer({"--script", "back 5"}, dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(own(r.err), "gmmlab-viewer: script action 1 ('back 5'): the window shows half-step 0 (k-means start), so it "
                   "can go back 0 at most\n");
  // Step from an E-step ends its iteration (E1 -> M1), and after Back (M2 -> E2) too.
  r = viewer({"--state-file", "state.json", "--script", "estep; step; step; back 1; step"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(state()["lanes"][0]["shown"], "M-step 2");
  EXPECT_EQ(state()["lanes"][0]["history"], 5);
}

TEST_F(ViewerWindow, ChosenSettingsArePendingUntilResetAndResetAppliesThem) {
  CommandResult r = viewer({"--state-file", "state.json", "--script", "estep; set k 6; set seed 2"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json s = state();
  EXPECT_EQ(s["settings"]["pending"], "K 6 (now 3), seed 2 (now 0)");
  EXPECT_EQ(s["settings"]["running"]["k"], 3);
  EXPECT_EQ(s["lanes"][0]["shown"], "E-step 1");
  r = viewer({"--state-file", "state.json", "--script", "estep; set k 6; set seed 2; reset"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  s = state();
  EXPECT_EQ(s["settings"]["pending"], "");
  EXPECT_EQ(s["settings"]["running"]["k"], 6);
  EXPECT_EQ(s["settings"]["running"]["seed"], 2);
  EXPECT_EQ(s["lanes"][0]["shown"], "k-means start");
}

TEST_F(ViewerWindow, AtATracesEndNoHalfStepComesNextAndItsNoteIsNews) {
  const CommandResult rec = run_command({GMMLAB_CLI, "trace", "record", testing::sample_photo().string(), "-k", "3",
                                         "--iterations", "2", "-q", "-o", (dir / "run.trace.json").string()});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  CommandResult r = viewer({"--trace", "run.trace.json", "--state-file", "state.json", "--script", "goto 4"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json s = state();
  EXPECT_EQ(s["lanes"][0]["next"], "none");
  EXPECT_EQ(s["lanes"][0]["note"], "replayed");
  r = viewer({"--trace", "run.trace.json", "--script", "goto 4; estep"}, dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("script action 2 ('estep'): the run has ended (saved trace: reached the cap of 2 iterations"),
            std::string::npos)
      << r.err;
}

TEST_F(ViewerWindow, ATraceWithANegativeVarianceIsRefusedInOneSentence) {
  const CommandResult rec = run_command({GMMLAB_CLI, "trace", "record", testing::sample_photo().string(), "-k", "3",
                                         "--iterations", "2", "-q", "-o", (dir / "run.trace.json").string()});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  nlohmann::json t = nlohmann::json::parse(testing::read_file(dir / "run.trace.json"));
  t["iterations"][0]["mixture"]["covariances"][0][0][0] = -5.0;
  testing::write_file(dir / "bad.trace.json", t.dump());
  // The tracer's reader (the one `gmmlab trace show` uses) refuses it when the viewer opens it;
  // the sentence names the file, the component and the iteration.
  const CommandResult r = viewer({"--trace", "bad.trace.json", "--script", "forward 2"}, dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("script action 1 ('forward 2'): "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bad.trace.json"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("is damaged: in the mixture of iteration 1, the covariance of component 1 is not positive definite"),
            std::string::npos)
      << r.err;
  const std::string own = r.err.substr(std::min(r.err.size(), r.err.find("gmmlab-viewer: ")));
  EXPECT_EQ(std::count(own.begin(), own.end(), '\n'), 1) << r.err;  // Mesa may write a line of its own first
}

// A real submission (the solution, its Z-score dividing by N - 1) compiled and run in the
// sandbox: both lanes step on the reference's Z-scores, so the E- and M-steps agree; the diff
// panel and, alone, the sidebar say in one sentence that the Z-score differs and where.
TEST_F(ViewerWindow, ASubmissionsNMinusOneZscoreIsSaidSideBySideAndAlone) {
  const std::filesystem::path sub = dir / "submission";
  std::filesystem::create_directories(sub);
  for (const auto& e : std::filesystem::directory_iterator(GMMLAB_SOLUTION_DIR))
    std::filesystem::copy_file(e.path(), sub / e.path().filename());
  std::string zscore = testing::read_file(sub / "zscore.cpp");
  const std::string population = "arma::stddev(raw, 1, 0)";
  ASSERT_NE(zscore.find(population), std::string::npos) << "the solution's Z-score changed; update this test";
  zscore.replace(zscore.find(population), population.size(), "arma::stddev(raw, 0, 0)");
  testing::write_file(sub / "zscore.cpp", zscore);

  CommandResult r = viewer({"--impl", "both", "--student", sub.string(), "--state-file", "state.json", "--script",
                            "step; screenshot both.png"},
                           dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json s = state();
  ASSERT_EQ(s["lanes"].size(), 2u);
  EXPECT_EQ(s["lanes"][1]["shown"], "M-step 1");
  const std::string both = s["lanes"][1]["zscore"];
  EXPECT_EQ(both.rfind("Your Z-score differs from the reference's: at pixel (", 0), 0u) << both;
  EXPECT_NE(both.find("both lanes use the reference's Z-scores, so the E- and M-steps are compared on equal input."),
            std::string::npos)
      << both;
  EXPECT_EQ(s["lanes"][0]["zscore"], "");
  EXPECT_EQ(s["diff"], "Your E- and M-steps agree with the reference's on every half-step so far (the tracer's diff).");

  r = viewer({"--impl", "student", "--student", sub.string(), "--state-file", "state.json", "--script", "estep"},
             dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  s = state();
  ASSERT_EQ(s["lanes"].size(), 1u);
  const std::string alone = s["lanes"][0]["zscore"];
  EXPECT_EQ(alone.substr(0, alone.find(';')), both.substr(0, both.find(';'))) << alone;  // the same pixel and values
  EXPECT_NE(alone.find("this lane runs on the reference's Z-scores"), std::string::npos) << alone;
}

// A submission whose covariances are divided by N, not N_k (grader/tests/submissions): its L falls
// by far more than the ridge or rounding can, and the curve's note says a step is wrong; the
// reference alone rises, and no note is shown.
TEST_F(ViewerWindow, ALargeFallOfLIsCalledAWrongStepNotTheRidge) {
  const std::filesystem::path sub = dir / "submission";
  std::filesystem::create_directories(sub);
  for (const auto& e : std::filesystem::directory_iterator(GMMLAB_SOLUTION_DIR))
    std::filesystem::copy_file(e.path(), sub / e.path().filename());
  std::filesystem::copy_file(std::filesystem::path(GMMLAB_PLANTED_DIR) / "cov_divided_by_n" / "m_step.cpp",
                             sub / "m_step.cpp", std::filesystem::copy_options::overwrite_existing);
  CommandResult r = viewer({"--impl", "both", "--student", sub.string(), "--state-file", "state.json", "--script",
                            "step; step; estep"},
                           dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(state()["curve_note"],
            "red: L fell by more than the ridge or rounding can: a step is wrong");
  r = viewer({"--impl", "reference", "--state-file", "state.json", "--script", "step; step; estep"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(state()["curve_note"], "");
}

#if GMMLAB_CLI_RUNS_SKELETON
TEST_F(ViewerWindow, SideBySideTheSkeletonsTodoIsShownAndTheReferenceGoesOn) {
  const CommandResult r = viewer({"--impl", "both", "--state-file", "state.json", "--script",
                                  "estep; mstep; screenshot both.png"},
                                 dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json s = state();
  ASSERT_EQ(s["lanes"].size(), 2u);
  EXPECT_EQ(s["lanes"][0]["shown"], "M-step 1");
  EXPECT_NE(s["lanes"][1]["message"].get<std::string>().find("is not written yet"), std::string::npos);
  // The skeleton's Z-score is its first TODO, as `gmmlab segment --impl student` says; its row
  // says it stopped, and the reference's none.
  EXPECT_NE(s["lanes"][1]["message"].get<std::string>().find("student/zscore.cpp"), std::string::npos);
  EXPECT_EQ(s["lanes"][1]["banner"].get<std::string>().rfind("yours (student) stopped before its start: ", 0), 0u)
      << s["lanes"][1]["banner"];
  EXPECT_EQ(s["lanes"][0]["banner"], "");
}
#endif

}  // namespace
}  // namespace gmmlab::viewer
