// Every unusual input a careful or a hostile user can give, by cause (issue 14): each case is
// a command, its exit code, words its one-line message must hold, and the only files it may
// create or replace. Whatever else is in its folder (the photos, the trace, a FIFO, a device
// node, symbolic links) must be exactly as it was afterwards, and no temporary file is left.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <regex>
#include <sstream>

#include "gmmlab/errors.hpp"
#include "gmmlab/output_path.hpp"
#include "gmmlab/testing/support.hpp"

namespace fs = std::filesystem;
using gmmlab::testing::CommandResult;
using gmmlab::testing::read_file;
using gmmlab::testing::TempDir;
using gmmlab::testing::write_file;

namespace {

bool is_root() { return ::geteuid() == 0; }

std::string jpeg_of(const cv::Mat& picture) {
  std::vector<unsigned char> bytes;
  cv::imencode(".jpg", picture, bytes);
  return std::string(bytes.begin(), bytes.end());
}

// A JPEG segment: marker, big-endian length (which counts itself), body.
std::string segment(unsigned char marker, const std::string& body) {
  const std::size_t length = body.size() + 2;
  return std::string{'\xFF', char(marker), char(length >> 8), char(length & 0xFF)} + body;
}

// An Exif APP1 segment holding only the orientation tag (little-endian TIFF).
std::string exif_orientation(int orientation) {
  const std::string tiff = std::string("II*\0\x08\0\0\0", 8) + std::string("\x01\0", 2) +
                           std::string("\x12\x01\x03\0\x01\0\0\0", 8) + std::string{char(orientation), 0, 0, 0} +
                           std::string(4, '\0');
  return segment(0xE1, std::string("Exif\0\0", 6) + tiff);
}

std::string replace(std::string text, const std::string& pattern, const std::string& with) {
  return std::regex_replace(text, std::regex(pattern), with, std::regex_constants::format_first_only);
}

// The files every case starts from, made once: photos in every unusual form, a recorded
// trace and damaged copies of it, mixture files.
class Fixtures {
 public:
  static const Fixtures& get() {
    static const Fixtures fixtures;
    return fixtures;
  }
  const fs::path& path() const { return dir_.path(); }

 private:
  Fixtures() {
    const cv::Mat sample = cv::imread(gmmlab::testing::sample_photo().string());
    cv::Mat photo, grey, grey_bgr, grey_bgra;
    cv::resize(sample, photo, cv::Size(60, 40), 0, 0, cv::INTER_AREA);
    cv::imwrite((dir_ / "p.png").string(), photo);
    cv::cvtColor(photo, grey, cv::COLOR_BGR2GRAY);
    cv::cvtColor(grey, grey_bgr, cv::COLOR_GRAY2BGR);
    cv::cvtColor(grey, grey_bgra, cv::COLOR_GRAY2BGRA);
    cv::imwrite((dir_ / "grey-as-colour.png").string(), grey_bgr);
    cv::imwrite((dir_ / "grey-alpha.png").string(), grey_bgra);
    const std::string jpeg = jpeg_of(photo);
    write_file(dir_ / "cut.jpg", jpeg.substr(0, jpeg.size() * 6 / 10));
    write_file(dir_ / "turned.jpg", jpeg.substr(0, 2) + exif_orientation(6) + jpeg.substr(2));
    // 70 KB of metadata before a frame header that claims 60000 x 60000 pixels.
    write_file(dir_ / "big-metadata.jpg", std::string("\xFF\xD8", 2) + segment(0xE2, std::string(35000, 'm')) +
                                              segment(0xE2, std::string(35000, 'm')) +
                                              segment(0xC0, std::string("\x08\xea\x60\xea\x60\x03", 6) +
                                                                std::string(9, '\x11')) +
                                              std::string("\xFF\xD9", 2));
    // A PNG header that claims 4000 x 3000 pixels: any large K needs terabytes.
    write_file(dir_ / "large.png", std::string("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x0f\xa0\0\0\x0b\xb8\x08\x02\0\0\0",
                                               29));
    write_file(dir_ / "target.png", "a file a link points to");
    // A submission for `gmmlab grade`: the solution's files.
    fs::create_directories(dir_ / "sub");
    for (const auto& e : fs::directory_iterator(GMMLAB_SOLUTION_DIR))
      if (e.is_regular_file()) fs::copy_file(e.path(), dir_ / "sub" / e.path().filename());
    // A class of one for `gmmlab course grade`.
    fs::create_directories(dir_ / "class");
    fs::copy(dir_ / "sub", dir_ / "class" / "alice");
    write_file(dir_ / "k5.json", mixture_json(5, "1"));
    write_file(dir_ / "huge-number.json", mixture_json(1, "1e999"));

    const CommandResult r = gmmlab_in(dir_.path(), {"trace", "record", "p.png", "--iterations", "5", "-q", "-o",
                                                    "run.trace.json"});
    if (r.exit_code != 0) throw std::runtime_error("cannot record the fixture trace: " + r.err);
    // Traces are written compact ("key":value) since the perf work; the patterns allow either form.
    const std::string trace = read_file(dir_ / "run.trace.json");
    write_file(dir_ / "claims-converged.trace.json",
               replace(trace, "\"reason\": *\"iteration_cap\"", "\"reason\": \"converged\""));
    write_file(dir_ / "collapsed-nowhere.trace.json",
               replace(trace, "\"reason\": *\"iteration_cap\"", "\"reason\": \"collapsed\""));
    write_file(dir_ / "huge-number.trace.json", replace(trace, "\"tolerance\": *[^,\n}]+", "\"tolerance\": 1e999"));
    make_traces_that_make_no_sense(nlohmann::json::parse(trace));
    // A trace recorded in a folder of its own, naming its photo by a relative path (issue 22).
    fs::create_directories(dir_ / "rec");
    fs::copy_file(dir_ / "p.png", dir_ / "rec" / "q.png");
    const CommandResult q = gmmlab_in(dir_ / "rec", {"trace", "record", "q.png", "--iterations", "3", "-q", "-o",
                                                     "q.trace.json"});
    if (q.exit_code != 0) throw std::runtime_error("cannot record the fixture trace in rec/: " + q.err);
    // A photo whose default output name (stem + "-k3.png") is 256 bytes, one more than a name may have.
    fs::copy_file(dir_ / "p.png", dir_ / (std::string(249, 'x') + ".png"));
  }

  // Copies of the recorded trace whose shapes are right but whose numbers no run gives.
  void make_traces_that_make_no_sense(const nlohmann::json& trace) {
    const auto write_damaged = [&](const char* name, const std::function<void(nlohmann::json&)>& damage) {
      nlohmann::json j = trace;
      damage(j);
      write_file(dir_ / name, j.dump());
    };
    write_damaged("huge-photo.trace.json", [](nlohmann::json& j) {
      j["input"]["height"] = 1000000000;
      j["input"]["width"] = 1000000000;
    });
    write_damaged("priors.trace.json", [](nlohmann::json& j) { j["iterations"][1]["mixture"]["priors"][0] = 0.9; });
    write_damaged("negative-variance.trace.json",
                  [](nlohmann::json& j) { j["iterations"][0]["mixture"]["covariances"][0][0][0] = -5.0; });
    write_damaged("soft-counts.trace.json", [](nlohmann::json& j) {
      j["iterations"][0]["soft_counts"][0] = j["iterations"][0]["soft_counts"][0].get<double>() + 1000;
    });
    write_damaged("nul-path.trace.json", [](nlohmann::json& j) { j["input"]["path"] = std::string("p\0.png", 6); });
    // A run whose log-likelihood never changes (with tolerance 0, EM goes on to the cap).
    write_damaged("flat.trace.json", [](nlohmann::json& j) {
      j["options"]["tolerance"] = 0.0;
      for (auto& it : j["iterations"]) {
        it["log_likelihood"] = j["iterations"][0]["log_likelihood"];
        if (!it["change"].is_null()) it["change"] = 0.0;
      }
    });
  }

  static std::string mixture_json(int k, const std::string& first_mean) {
    nlohmann::json means = nlohmann::json::array(), covs = nlohmann::json::array(), priors = nlohmann::json::array();
    for (int c = 0; c < k; ++c) {
      means.push_back({c - 2.0, 0.5 * c, 0.0});
      covs.push_back({{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
      priors.push_back(1.0 / k);
    }
    std::string text = nlohmann::json{{"means", means}, {"covariances", covs}, {"priors", priors}}.dump();
    return first_mean == "1" ? text : replace(text, "\\[\\[-2\\.0", "[[" + first_mean);
  }

 public:
  static CommandResult gmmlab_in(const fs::path& cwd, std::vector<std::string> args,
                                 const std::string& shell_prefix = "") {
    if (shell_prefix.empty()) {
      args.insert(args.begin(), GMMLAB_CLI);
    } else {
      // The shell sets an environment variable or a limit, then becomes gmmlab.
      args.insert(args.begin(), {"/bin/sh", "-c", shell_prefix + " exec \"$0\" \"$@\"", GMMLAB_CLI});
    }
    return gmmlab::testing::run_command(args, cwd);
  }

 private:
  TempDir dir_;
};

// What a folder holds: each entry's kind and content (regular files), link target (links) or
// device number (device nodes).
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(dir)) {
    struct stat st {};
    ::lstat(e.path().c_str(), &st);
    std::string what;
    // A file of gigabytes (a case's sparse file) by its size: reading it would take the memory.
    if (S_ISREG(st.st_mode) && st.st_size > (64 << 20)) what = "file of " + std::to_string(st.st_size) + " bytes";
    else if (S_ISREG(st.st_mode)) what = "file:" + read_file(e.path());
    else if (S_ISLNK(st.st_mode)) what = "link:" + fs::read_symlink(e.path()).string();
    else if (S_ISFIFO(st.st_mode)) what = "fifo";
    else if (S_ISCHR(st.st_mode)) what = "char:" + std::to_string(st.st_rdev);
    else if (S_ISDIR(st.st_mode)) what = "folder";
    else what = "other";
    // Lexically: fs::relative resolves links, and the loop of links has nothing to resolve to.
    out[e.path().lexically_relative(dir).string()] = what;
  }
  return out;
}

struct Case {
  std::string name;
  std::vector<std::string> args;        // run in the case's folder, which holds the fixtures
  int exit_code;
  std::vector<std::string> words = {};         // each in stderr
  std::vector<std::string> may_change = {};    // the only files it may create or replace
  std::string shell_prefix = {};               // e.g. "OMP_NUM_THREADS=100000" or "ulimit -f 1;"
  bool needs_root = false;                     // mknod
  std::vector<std::string> absent_words = {};  // none of these in stderr or stdout
  std::string program = "gmmlab";              // or "gmmlab-viewer"
  std::vector<std::string> out_words = {};     // each in stdout (what a successful run says)
};

// A case of gmmlab-viewer's, run without a display: what it refuses, it refuses before the
// window (and were a refusal missing, it would fail for want of a display, not open a window).
Case viewer_case(std::string name, std::vector<std::string> args, int exit_code, std::vector<std::string> words) {
  Case c{std::move(name), std::move(args), exit_code, std::move(words)};
  c.program = "gmmlab-viewer";
  return c;
}

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class Hardening : public ::testing::TestWithParam<Case> {};

TEST_P(Hardening, GetsItsExitCodeAndOneTrueSentenceAndChangesNothingElse) {
  const Case& c = GetParam();
  if (c.needs_root && !is_root()) GTEST_SKIP() << "needs root to make a device node with mknod";
  TempDir dir;
  fs::copy(Fixtures::get().path(), dir.path(), fs::copy_options::recursive);
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0644), 0);
  fs::create_symlink("target.png", dir / "link.png");
  fs::create_symlink("p.png", dir / "photo-link.png");
  fs::create_symlink("nowhere.png", dir / "dangling.png");
  fs::create_directory_symlink("loop", dir / "loop");  // a folder that is a loop of links
  fs::create_symlink("sub/zscore.cpp", dir / "zscore-link.cpp");
  fs::create_symlink("target.png", dir / "gb-histogram.png");  // what `course grade -o gb.csv` would draw
  fs::create_directory_symlink(".", dir / "fb-feedback");        // `course grade -o fb.csv`'s feedback folder
  fs::create_directory(dir / "figs");
  fs::create_symlink("../target.png", dir / "figs" / "gaussian-1d.png");  // one of `gmmlab figures`' pictures
  // Submissions whose student.hpp is a FIFO, or whose e_step.cpp is a folder.
  fs::copy(dir / "sub", dir / "fifo-sub");
  fs::remove(dir / "fifo-sub" / "student.hpp");
  ASSERT_EQ(::mkfifo((dir / "fifo-sub" / "student.hpp").c_str(), 0644), 0);
  fs::copy(dir / "sub", dir / "folder-sub");
  fs::remove(dir / "folder-sub" / "e_step.cpp");
  fs::create_directory(dir / "folder-sub" / "e_step.cpp");
  if (is_root()) {
    ASSERT_EQ(::mknod((dir / "null").c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);
    ASSERT_EQ(::mknod((dir / "zero").c_str(), S_IFCHR | 0666, makedev(1, 5)), 0);
  }
  const auto before = snapshot(dir.path());

  CommandResult r;
#ifdef GMMLAB_VIEWER
  if (c.program == "gmmlab-viewer") {
    std::vector<std::string> argv{"/usr/bin/env", "-u", "DISPLAY", GMMLAB_VIEWER};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    r = gmmlab::testing::run_command(argv, dir.path());
  }
#else
  if (c.program == "gmmlab-viewer") GTEST_SKIP() << "gmmlab-viewer is not built";
#endif
  if (c.program == "gmmlab") r = Fixtures::gmmlab_in(dir.path(), c.args, c.shell_prefix);
  // docs/reliability.md quotes these: GMMLAB_HARDENING_LOG=file appends each case's outcome.
  if (const char* log = std::getenv("GMMLAB_HARDENING_LOG")) {
    std::ofstream out(log, std::ios::app);
    std::string command = c.shell_prefix.empty() ? "" : c.shell_prefix + " ";
    command += c.program;
    for (const std::string& a : c.args)
      command += " " + (a.empty() || a.find_first_of(" ;") != std::string::npos ? "'" + a + "'" : a);
    std::string err = r.err.substr(0, r.err.find_last_not_of('\n') + 1);
    std::replace(err.begin(), err.end(), '\n', ' ');
    out << c.name << "\t" << command << "\t" << r.exit_code << "\t" << err << "\n";
  }

  EXPECT_EQ(r.exit_code, c.exit_code) << r.err;
  if (c.exit_code != 0) {
    // One error line; notes (e.g. about the photo) may come before it.
    std::istringstream lines(r.err);
    int errors = 0;
    const std::string prefix = c.program + ": ";
    for (std::string line; std::getline(lines, line);) {
      errors += line.rfind(prefix, 0) == 0;
      EXPECT_TRUE(line.rfind(prefix, 0) == 0 || line.rfind("note: ", 0) == 0) << line;
    }
    EXPECT_EQ(errors, 1) << r.err;
    EXPECT_EQ(r.out, "") << "nothing done before the failure is reported";
  }
  for (const std::string& w : c.words) EXPECT_NE(r.err.find(w), std::string::npos) << "'" << w << "' in:\n" << r.err;
  for (const std::string& w : c.absent_words)
    EXPECT_EQ((r.err + r.out).find(w), std::string::npos) << "'" << w << "' must not be in:\n" << r.err << r.out;
  for (const std::string& w : c.out_words) EXPECT_NE(r.out.find(w), std::string::npos) << "'" << w << "' in:\n" << r.out;
  const auto after = snapshot(dir.path());
  for (const auto& [name, what] : before)
    if (std::find(c.may_change.begin(), c.may_change.end(), name) == c.may_change.end()) {
      ASSERT_TRUE(after.count(name)) << name << " was removed";
      EXPECT_TRUE(after.at(name) == what) << name << " was changed or replaced";
    }
  for (const auto& [name, what] : after) {
    if (!before.count(name)) {
      EXPECT_NE(std::find(c.may_change.begin(), c.may_change.end(), name), c.may_change.end())
          << name << " was created";
    }
  }
}

const std::vector<std::string> kSegmentQuiet{"segment", "p.png", "-q"};

std::vector<std::string> segment_p(std::vector<std::string> more) {
  std::vector<std::string> args = kSegmentQuiet;
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

std::string many_frames(int n) {
  std::string out = "0";
  for (int i = 1; i < n; ++i) out += ",1";
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    EachCause, Hardening,
    ::testing::Values(
        // 1. An output is a regular file or a new name; nothing else is replaced, and outputs
        //    never name each other or an input.
        Case{"JsonIsADevice", segment_p({"--json", "null"}), 1, {"--json 'null' is a device"}, {}, "", true},
        Case{"JsonIsAFifo", segment_p({"--json", "fifo"}), 1, {"--json 'fifo' is a FIFO"}},
        Case{"OutputIsASymlink", segment_p({"-o", "link.png"}), 1, {"-o 'link.png' is a symbolic link"}},
        Case{"OutputIsADanglingSymlink", segment_p({"-o", "dangling.png"}), 1, {"symbolic link (to 'nowhere.png')"}},
        Case{"OutputIsAFolder", segment_p({"-o", "."}), 1, {"-o '.' is a folder"}},
        Case{"OutputIsTheInputThroughALink", {"segment", "photo-link.png", "-q", "-o", "p.png"}, 2, {"is the input file"}},
        Case{"OutputAndSoftOneName", segment_p({"-o", "same.png", "--soft", "same.png"}), 2,
             {"-o and --soft both name 'same.png'"}},
        Case{"OutputAndJsonOneName", segment_p({"-o", "x.png", "--json", "./x.png"}), 2, {"-o and --json both name"}},
        Case{"SavesOneName",
             {"trace", "compare", "p.png", "--impl", "reference", "--save-student", "s.json", "--save-reference",
              "s.json"},
             2,
             {"--save-student and --save-reference both name"}},
        Case{"RecordOverTheInit", {"trace", "record", "p.png", "--init", "k5.json", "-o", "k5.json"}, 2,
             {"is the input file 'k5.json'"}},
        Case{"PlotOverTheTracedPhoto", {"trace", "plot", "run.trace.json", "-o", "p.png"}, 2,
             {"is the input file 'p.png'"}},
        Case{"FilmOverTheTracedPhoto", {"trace", "film", "run.trace.json", "-o", "p.png"}, 2,
             {"is the input file 'p.png'"}},
        Case{"RecordToADevice", {"trace", "record", "p.png", "-q", "-o", "null"}, 1, {"is a device"}, {}, "", true},
        // 2. Inputs are regular files read with a size limit.
        Case{"ImageIsAFifo", {"segment", "fifo"}, 1, {"image file 'fifo' is a FIFO"}},
        Case{"ImageIsADevice", {"segment", "zero"}, 1, {"image file 'zero' is a device"}, {}, "", true},
        Case{"InitIsAFifo", segment_p({"--init", "fifo"}), 1, {"mixture file 'fifo' is a FIFO"}},
        Case{"TraceIsAFifo", {"trace", "show", "fifo"}, 1, {"trace 'fifo' is a FIFO"}},
        Case{"TraceIsADevice", {"trace", "show", "zero"}, 1, {"trace 'zero' is a device"}, {}, "", true},
        Case{"FilmOfAFifo", {"trace", "film", "fifo", "-o", "f.png"}, 1, {"FIFO"}},
        Case{"FilmWithAFifoAsThePhoto", {"trace", "film", "run.trace.json", "-o", "f.png", "--image", "fifo"}, 1,
             {"photo 'fifo' is a FIFO"}},
        // 3. Thread counts are bounded; numbers no double holds are bad input.
        Case{"ThreadsTooMany", segment_p({"--threads", "100000"}), 2, {"--threads is 100000", "give 1 to 256"}},
        Case{"OmpThreadsTooMany", segment_p({"--iterations", "3", "-o", "out.png"}), 0,
             {"OMP_NUM_THREADS=100000 is more than 256 threads; using 256"}, {"out.png"}, "OMP_NUM_THREADS=100000"},
        Case{"MixtureNumberTooLarge", segment_p({"--init", "huge-number.json"}), 1, {"too large for a double"}},
        Case{"TraceNumberTooLarge", {"trace", "show", "huge-number.trace.json"}, 1, {"too large for a double"}},
        // 4. Any photo segments, and messages name what was given.
        Case{"GreyStoredAsColour", {"segment", "grey-as-colour.png", "-q", "--iterations", "20", "-o", "g.png"}, 0,
             {"three colour channels are equal"}, {"g.png"}},
        Case{"GreyWithAlpha", {"segment", "grey-alpha.png", "-q", "--iterations", "20", "-o", "g.png"}, 0,
             {"alpha channel was dropped", "three colour channels are equal"}, {"g.png"}},
        Case{"GreyStoredAsColourWithoutRidge",
             {"segment", "grey-as-colour.png", "-q", "--reg-covar", "0", "-o", "g.png"}, 1, {"--reg-covar"}, {}, "",
             false, {"--init", "leave it out"}},
        // 5. Damaged files are refused.
        Case{"CutJpeg", {"segment", "cut.jpg", "-o", "c.png"}, 1, {"'cut.jpg' is a JPEG cut short"}},
        Case{"TraceClaimsConvergence", {"trace", "show", "claims-converged.trace.json"}, 1,
             {"is damaged", "converged", "not below the tolerance"}},
        Case{"TraceCollapsedNowhere", {"trace", "show", "collapsed-nowhere.trace.json"}, 1,
             {"is damaged", "ends 'collapsed' but does not say where"}},
        // 6. --init sets K.
        Case{"InitSetsTheOutputName", segment_p({"--init", "k5.json", "--iterations", "2"}), 0, {}, {"p-k5.png"}},
        Case{"InitDisagreesWithK", segment_p({"--init", "k5.json", "-k", "3"}), 2,
             {"-k 3 disagrees with the 5 components of --init 'k5.json'"}},
        // 7. Values out of range exit 2.
        Case{"ZeroComponents", segment_p({"-k", "0"}), 2, {"-k is 0"}},
        Case{"ToleranceNan", segment_p({"--tol", "nan"}), 2, {"--tol is nan"}},
        Case{"UnknownImplementation", segment_p({"--impl", "bogus"}), 2, {"--impl bogus"}},
        Case{"UnknownPalette", segment_p({"--palette", "rainbow"}), 2, {"--palette rainbow is not a palette", "lab or okabe-ito"}},
        Case{"IterationNotANumber", {"trace", "show", "run.trace.json", "--iteration", "abc"}, 2,
             {"--iteration 'abc'"}},
        Case{"FramesOnlyCommas", {"trace", "film", "run.trace.json", "-o", "f.png", "--frames", ",,,"}, 2,
             {"--frames ',,,' names no iteration"}},
        // 8. Numbers that would wrap or mislead.
        Case{"ComponentsBeyondAnyUse", segment_p({"-k", "99999999999"}), 2, {"-k is 99999999999", "at most 100000"}},
        Case{"SeedNegative", segment_p({"--seed", "-1"}), 2, {"--seed '-1' is not a whole number"}},
        Case{"SeedTooLarge", segment_p({"--seed", "99999999999999999999"}), 2, {"--seed '99999999999999999999'"}},
        Case{"ManyComponentsSuggestASmallerK", {"segment", "large.png", "-k", "50000"}, 1,
             {"4000 x 3000 pixels", "choose a smaller K (at most"}},
        Case{"TooManyFrames", {"trace", "film", "run.trace.json", "-o", "f.png", "--frames", many_frames(2000)}, 2,
             {"--frames names 2000 iterations", "at most 20"}},
        // 9. Outputs are checked before the work.
        Case{"RecordIntoProc", {"trace", "record", "p.png", "-o", "/proc/x.json"}, 1, {"-o '/proc/x.json'"}},
        Case{"FilmIntoAMissingFolder", {"trace", "film", "run.trace.json", "-o", "no/such/f.png"}, 1,
             {"the folder 'no/such' does not exist"}},
        // 10. Photos as people see them.
        Case{"JpegWithLargeMetadata", {"segment", "big-metadata.jpg", "-o", "b.png"}, 1,
             {"60000 x 60000 pixels", "needs about"}},
        // 11. A full disk (a file size limit of 512 bytes) leaves none of the outputs.
        Case{"FileSizeLimit", segment_p({"-o", "out.png", "--soft", "soft.png", "--json", "out.json"}), 1,
             {"File too large", "none of the outputs was written"}, {}, "ulimit -f 1;"},
        // 12. The grader's reports follow the same rules, checked before anything is compiled
        //     (stdout stays empty: not even "Grading ..." is printed), and its inputs are read
        //     as regular files.
        Case{"GradeJsonIsADevice", {"grade", "sub", "--json", "null"}, 1, {"--json 'null' is a device"}, {}, "", true},
        Case{"GradeJsonIsAFifo", {"grade", "sub", "--json", "fifo"}, 1, {"--json 'fifo' is a FIFO"}},
        Case{"GradeJunitIsASymlink", {"grade", "sub", "--junit", "link.png"}, 1,
             {"--junit 'link.png' is a symbolic link (to 'target.png')"}},
        Case{"GradeJsonIsAFolder", {"grade", "sub", "--json", "."}, 1, {"--json '.' is a folder"}},
        Case{"GradeReportsOneName", {"grade", "sub", "--json", "r.json", "--junit", "./r.json"}, 2,
             {"--json and --junit both name"}},
        Case{"GradeReportIsASubmissionFile", {"grade", "sub", "--junit", "sub/zscore.cpp"}, 2,
             {"--junit 'sub/zscore.cpp' is the input file"}},
        Case{"GradeReportIsASubmissionFileThroughALink", {"grade", "sub", "--json", "zscore-link.cpp"}, 2,
             {"is the input file"}},
        Case{"GradeReportInsideTheSubmission", {"grade", "sub", "--json", "sub/results.json"}, 2,
             {"inside the submission folder"}},
        Case{"GradeReportIntoAMissingFolder", {"grade", "sub", "--json", "no/r.json"}, 1,
             {"the folder 'no' does not exist"}},
        Case{"GradeHeaderIsAFifo", {"grade", "fifo-sub"}, 1,
             {"the submission's file 'fifo-sub/student.hpp' is a FIFO"}},
        Case{"GradeExerciseIsAFolder", {"grade", "folder-sub"}, 1,
             {"the submission's file 'folder-sub/e_step.cpp' is a folder"}},
        // 13. The viewer's outputs (state file, the script's screenshots and saves) follow the
        //     same rules, checked before the window opens: a refusal exits 2.
        viewer_case("ViewerStateFileIsAFifo", {"p.png", "--state-file", "fifo"}, 2, {"--state-file 'fifo' is a FIFO"}),
        [] {
          Case c = viewer_case("ViewerStateFileIsADevice", {"p.png", "--state-file", "null"}, 2, {"is a device"});
          c.needs_root = true;
          return c;
        }(),
        viewer_case("ViewerScreenshotIsASymlink", {"p.png", "--script", "screenshot link.png"}, 2,
                    {"script action 1 ('screenshot link.png') 'link.png' is a symbolic link"}),
        viewer_case("ViewerSaveLabelsOverThePhoto", {"p.png", "--script", "step; save labels p.png"}, 2,
                    {"script action 2 ('save labels p.png') 'p.png' is the input file 'p.png'"}),
        viewer_case("ViewerSaveLabelsOverAScriptedPhoto",
                    {"--script", "open grey-as-colour.png; step; save labels grey-as-colour.png"}, 2,
                    {"is the input file 'grey-as-colour.png'"}),
        viewer_case("ViewerSaveMixtureOverTheTrace", {"--trace", "run.trace.json", "--script", "save mixture run.trace.json"},
                    2, {"is the input file 'run.trace.json'"}),
        viewer_case("ViewerSaveLabelsOverTheTracedPhoto", {"--trace", "run.trace.json", "--script", "save labels p.png"},
                    2, {"script action 1 ('save labels p.png') 'p.png' is the input file 'p.png'"}),
        viewer_case("ViewerTwoScreenshotsOneName", {"p.png", "--script", "screenshot a.png; step; screenshot ./a.png"}, 2,
                    {"script action 1 ('screenshot a.png') and script action 3 ('screenshot ./a.png') both name"}),
        viewer_case("ViewerStateFileAndScreenshotOneName", {"p.png", "--state-file", "s.png", "--script", "screenshot s.png"},
                    2, {"--state-file and script action 1 ('screenshot s.png') both name 's.png'"}),
        viewer_case("ViewerScreenshotIntoAMissingFolder", {"p.png", "--script", "screenshot no/such/a.png"}, 2,
                    {"the folder 'no/such' does not exist"}),
        // 14. The course kit's outputs: checked before anything is graded, compiled or packed;
        //     --force replaces a regular file only (a classroom folder: a folder only).
        Case{"CourseGradebookIsAFifo", {"course", "grade", "class", "-o", "fifo"}, 1, {"-o 'fifo' is a FIFO"}},
        Case{"CourseGradebookIsASymlink", {"course", "grade", "class", "-o", "link.png", "--force"}, 1,
             {"-o 'link.png' is a symbolic link"}},
        Case{"CourseGradebookIsASubmission", {"course", "grade", "class", "-o", "class/alice", "--force"}, 2,
             {"is the input file 'class/alice'"}},
        Case{"CourseHistogramIsASymlink", {"course", "grade", "class", "-o", "gb.csv"}, 1,
             {"the histogram 'gb-histogram.png' is a symbolic link"}},
        Case{"CourseFeedbackFolderIsASymlink", {"course", "grade", "class", "-o", "fb.csv"}, 1,
             {"the feedback folder 'fb-feedback' is a symbolic link"}},
        Case{"CoursePackageIsAFifo", {"course", "package", "-o", "fifo", "--force", "-q"}, 1, {"-o 'fifo' is a FIFO"}},
        Case{"CoursePackageIsADevice", {"course", "package", "-o", "null", "--force", "-q"}, 1, {"-o 'null' is a device"},
             {}, "", true},
        Case{"CourseGradescopeIsASymlink", {"course", "gradescope", "-o", "link.png", "--force", "-q"}, 1,
             {"-o 'link.png' is a symbolic link"}},
        Case{"CourseClassroomIsAFile", {"course", "classroom", "-o", "target.png", "--force", "-q"}, 1,
             {"-o 'target.png' is not a folder"}},
        Case{"CourseClassroomIsADevice", {"course", "classroom", "-o", "null", "--force", "-q"}, 1,
             {"-o 'null' is not a folder"}, {}, "", true},
        Case{"CourseClassroomIsASymlink", {"course", "classroom", "-o", "link.png", "--force", "-q"}, 1,
             {"-o 'link.png' is a symbolic link"}},
        Case{"AutogradeOutputsOneName", {"course", "autograde", "sub", "--gradescope", "r.json", "--classroom", "r.json"},
             2, {"--gradescope and --classroom both name 'r.json'"}},
        // The handout's figures into a folder where one of them is a link.
        Case{"FiguresOverALink", {"figures", "-o", "figs"}, 1, {"-o 'figs/gaussian-1d.png' is a symbolic link"}},
        // 15. An empty output name is a mistake, never "the default name".
        Case{"SegmentEmptyOutputName", segment_p({"-o", ""}), 2, {"-o '' is an empty output name"}},
        Case{"SegmentEmptySoftName", segment_p({"--soft", ""}), 2, {"--soft '' is an empty output name"}},
        Case{"RecordEmptyOutputName", {"trace", "record", "p.png", "-o", ""}, 2, {"-o '' is an empty output name"}},
        Case{"CompareEmptySaveName", {"trace", "compare", "p.png", "--save-student", ""}, 2,
             {"--save-student '' is an empty output name"}},
        Case{"GradeEmptyJsonName", {"grade", "sub", "--json", ""}, 2, {"--json '' is an empty output name"}},
        Case{"CourseGradeEmptyOutputName", {"course", "grade", "class", "-o", ""}, 2, {"-o '' is an empty output name"}},
        Case{"CoursePackageEmptyOutputName", {"course", "package", "-o", ""}, 2, {"-o '' is an empty output name"}},
        viewer_case("ViewerEmptyStateFileName", {"p.png", "--state-file", ""}, 2, {"'' is an empty output name"}),
        Case{"AutogradeResultsIsAFifo", {"course", "autograde", "sub", "--gradescope", "fifo"}, 1,
             {"--gradescope 'fifo' is a FIFO"}},
        // 16. A trace names its photo relative to its own folder, for every reader (issue 22).
        Case{"PlotOverATracedPhotoNamedRelatively", {"trace", "plot", "rec/q.trace.json", "-o", "rec/q.png"}, 2,
             {"-o 'rec/q.png' is the input file 'rec/q.png'"}},
        Case{"FilmFindsThePhotoBesideItsTrace", {"trace", "film", "rec/q.trace.json", "-o", "f.png"}, 0, {}, {"f.png"}},
        Case{"RecordNamesThePhotoFromTheTracesFolder",
             {"trace", "record", "p.png", "--iterations", "1", "-q", "-o", "rec/r.trace.json"}, 0, {},
             {"rec/r.trace.json"}},
        viewer_case("ViewerSaveLabelsOverATracedPhotoNamedRelatively",
                    {"--trace", "rec/q.trace.json", "--script", "save labels rec/q.png"}, 2,
                    {"'rec/q.png' is the input file 'rec/q.png'"}),
        // 17. Each sentence says what is wrong with what was given.
        Case{"MissingPhotoWithALongName", {"segment", std::string(300, 'a') + ".png"}, 1,
             {"does not exist", "a name in it is 304 bytes, more than the 255"}, {}, "", false, {"-o", "cannot be written"}},
        Case{"DefaultOutputNameTooLong", {"segment", std::string(249, 'x') + ".png", "-q"}, 1,
             {"its file name is 256 bytes, more than the 255", "give a shorter name"}, {}, "", false,
             {"choose a folder you can write to"}},
        Case{"OutputNameOfTheMostBytes", segment_p({"--iterations", "1", "-o", std::string(251, 'o') + ".png"}), 0, {},
             {std::string(251, 'o') + ".png"}},
        Case{"OutputInsideAFile", segment_p({"-o", "target.png/x.png"}), 1, {"'target.png' is a file, not a folder"},
             {}, "", false, {"does not exist"}},
        Case{"OutputInsideALinkLoop", segment_p({"-o", "loop/x.png"}), 1,
             {"the folder 'loop' cannot be reached: it leads round a loop of symbolic links"}, {}, "", false,
             {"does not exist"}},
        Case{"RecordACollapse", {"trace", "record", "grey-as-colour.png", "-q", "--reg-covar", "0", "-o", "g.trace.json"},
             1, {"gmmlab: EM stopped at iteration 1: the covariance of component", "note: the trace up to where EM stopped (0 complete iterations) was written to g.trace.json"},
             {"g.trace.json"}, "", false, {"M-step: EM stopped"}},
        Case{"TraceClaimsAHugePhoto", {"trace", "film", "huge-photo.trace.json", "-o", "f.png"}, 1,
             {"'huge-photo.trace.json' is damaged", "add up to 2400 pixels", "1000000000 x 1000000000"}, {}, "", false,
             {"the film needs"}},
        Case{"NoIterationsNoLogLikelihood", segment_p({"--iterations", "0", "-o", "z.png"}), 0, {}, {"z.png"}, "", false,
             {"0.000000e+00"}, "gmmlab", {"no E-step ran, so there is no log-likelihood"}},
        Case{"PlotOfALogLikelihoodThatNeverChanges", {"trace", "plot", "flat.trace.json", "-o", "curve.png"}, 0,
             {"the log-likelihood never changed: its 4 changes are all 0"}, {"curve.png"}, "", false,
             {"needs two iterations"}},
        // 18. Traces are checked for sense when read, in every command that reads them.
        Case{"TracePriorsDoNotSumToOne", {"trace", "show", "priors.trace.json"}, 1,
             {"is damaged: in the mixture of iteration 2, the priors sum to"}},
        Case{"TraceNegativeVariance", {"trace", "film", "negative-variance.trace.json", "-o", "f.png"}, 1,
             {"is damaged: in the mixture of iteration 1, the covariance of component 1 is not positive definite"}},
        Case{"TraceSoftCountsDoNotAddUp", {"trace", "diff", "soft-counts.trace.json", "run.trace.json"}, 1,
             {"the soft counts N_k of iteration 1 add up to 3400", "not to the 2400 pixels"}},
        Case{"TraceNulInThePhotoPath", {"trace", "film", "nul-path.trace.json", "-o", "f.png"}, 1,
             {"\"path\" of \"input\" holds a NUL character", "record it again with 'gmmlab trace record'"}},
        Case{"TraceOfMoreThanAGibibyte", {"trace", "show", "big.trace.json"}, 1,
             {"is 1150000000 bytes (1.07 GiB), more than the 1073741824 bytes (1 GiB)"}, {"big.trace.json"},
             "truncate -s 1150000000 big.trace.json;"}),
    [](const auto& info) { return info.param.name; });

// A trace written into another folder stores its photo's path from there, so that a reader in
// any folder finds the photo, and the photo is an input wherever the trace is read from.
TEST(HardeningTraces, ThePhotoIsStoredRelativeToTheTracesFolder) {
  TempDir dir;
  fs::copy_file(Fixtures::get().path() / "p.png", dir / "p.png");
  fs::create_directories(dir / "out");
  CommandResult r = Fixtures::gmmlab_in(dir.path(), {"trace", "record", "p.png", "--iterations", "1", "-q", "-o",
                                                     "out/run.trace.json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(read_file(dir / "out" / "run.trace.json"))["input"]["path"], "../p.png");
  r = Fixtures::gmmlab_in(dir / "out", {"trace", "plot", "run.trace.json", "-o", "../p.png"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("is the input file '../p.png'"), std::string::npos) << r.err;
  r = Fixtures::gmmlab_in(dir / "out", {"trace", "film", "run.trace.json", "-o", "film.png"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(HardeningPhotos, ExifOrientationTurnsThePhotoAsImreadDoes) {
  TempDir dir;
  fs::copy(Fixtures::get().path() / "turned.jpg", dir / "turned.jpg");
  const cv::Mat upright = cv::imread((dir / "turned.jpg").string(), cv::IMREAD_COLOR);
  ASSERT_EQ(upright.cols, 40) << "OpenCV applies orientation 6: the 60 x 40 photo stands 40 x 60";
  const CommandResult r =
      Fixtures::gmmlab_in(dir.path(), {"segment", "turned.jpg", "-q", "--iterations", "3", "-o", "seg.png"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const cv::Mat seg = cv::imread((dir / "seg.png").string());
  EXPECT_EQ(seg.size(), upright.size());
}

TEST(HardeningWrites, OutputSetIsAllOrNothing) {
  TempDir dir;
  gmmlab::OutputSet set;
  set.add(dir / "a.txt", "first");
  set.add(dir / "missing" / "b.txt", "second");
  EXPECT_THROW(set.commit(), gmmlab::Error);
  EXPECT_TRUE(fs::is_empty(dir.path())) << "neither file nor a temporary is left";
}

// A new name is taken with renameat2(RENAME_NOREPLACE), an existing file swapped out with
// RENAME_EXCHANGE and removed: either way the folder ends with the one new file.
TEST(HardeningWrites, NewNamesAndReplacedFilesLeaveOnlyTheOutputs) {
  TempDir dir;
  write_file(dir / "old.txt", "old");
  gmmlab::OutputSet set;
  set.add(dir / "old.txt", "replaced");
  set.add(dir / "new.txt", "new");
  set.commit();
  EXPECT_EQ(read_file(dir / "old.txt"), "replaced");
  EXPECT_EQ(read_file(dir / "new.txt"), "new");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 2);
}

TEST(HardeningWrites, InterruptedWriteLeavesNoTemporaryFile) {
  TempDir dir;
  constexpr int kFiles = 4;
  constexpr std::size_t kBytes = std::size_t(16) << 20;
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    gmmlab::OutputSet set;
    for (int i = 0; i < kFiles; ++i) set.add(dir / ("out" + std::to_string(i)), std::string(kBytes, 'x'));
    set.commit();
    ::_exit(0);
  }
  // Interrupt as soon as the first temporary file appears.
  bool seen = false, exited = false;
  int status = 0;
  while (!seen && !exited) {
    for (const auto& e : fs::directory_iterator(dir.path())) seen |= e.path().filename().string()[0] == '.';
    exited = !seen && ::waitpid(child, &status, WNOHANG) == child;
  }
  if (seen) {
    ::kill(child, SIGINT);
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) << "the interrupt still ends the process";
  }
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir.path())) {
    EXPECT_NE(e.path().filename().string()[0], '.') << "temporary left: " << e.path();
    EXPECT_EQ(fs::file_size(e.path()), kBytes) << "a file is whole or absent";
    ++files;
  }
  EXPECT_TRUE(files == 0 || files == kFiles) << files << " of " << kFiles << " written: a set is all or nothing";
}

}  // namespace
