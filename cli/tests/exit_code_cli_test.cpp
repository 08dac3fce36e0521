// The exit-code policy (README "Exit codes", cli/exit_code.hpp), one row per kind of ending:
// 0 success or runs agree, 1 an input or the run failed, 2 a malformed command line or a
// value out of range, 3 the runs differ, 4 an internal error. Every failure is one line
// starting "gmmlab: ".
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <new>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "exit_code.hpp"
#include "gmmlab/errors.hpp"
#include "gmmlab/testing/trace_fixture.hpp"

namespace gmmlab::testing {
namespace {

namespace fs = std::filesystem;

// A small photo, its trace, the same trace with one log-likelihood changed, a trace of the same
// photo with other options, and a damaged one: made once for the whole table.
class ExitCodes : public ::testing::TestWithParam<std::tuple<std::string, std::vector<std::string>, int, std::string>> {
 protected:
  static void SetUpTestSuite() {
    dir = new TempDir;
    const std::string photo = small_photo(*dir).string();
    for (const auto& [name, iterations] : {std::pair{"a.json", "6"}, std::pair{"b.json", "3"}}) {
      const CommandResult r = run_command({GMMLAB_CLI, "trace", "record", photo, "--iterations", iterations, "-q",
                                           "-o", (*dir / name).string()});
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    nlohmann::json changed = nlohmann::json::parse(read_file(*dir / "a.json"));
    changed["iterations"][1]["log_likelihood"] = changed["iterations"][1]["log_likelihood"].get<double>() * (1 + 1e-4);
    write_file(*dir / "changed.json", changed.dump());
    write_file(*dir / "damaged.json", R"({"format": "gmmlab-trace", "version": 1)");
  }
  static void TearDownTestSuite() { delete dir; }
  static inline TempDir* dir = nullptr;

  // "{dir}" in an argument becomes the suite's folder.
  static std::vector<std::string> expand(std::vector<std::string> args) {
    for (std::string& a : args)
      for (std::size_t at; (at = a.find("{dir}")) != std::string::npos;) a.replace(at, 5, dir->path().string());
    args.insert(args.begin(), GMMLAB_CLI);
    return args;
  }
};

TEST_P(ExitCodes, EachEndingHasItsCodeAndOneLine) {
  const auto& [name, args, code, words] = GetParam();
  const CommandResult r = run_command(expand(args));
  EXPECT_EQ(r.exit_code, code) << r.out << r.err;
  if (code == 0 || code == 3) {
    EXPECT_EQ(r.err, "");
  } else {
    EXPECT_EQ(r.err.rfind("gmmlab: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  EXPECT_NE((r.out + r.err).find(words), std::string::npos) << r.out << r.err;
}

using Row = std::tuple<std::string, std::vector<std::string>, int, std::string>;
INSTANTIATE_TEST_SUITE_P(
    Policy, ExitCodes,
    ::testing::Values(
        Row{"SegmentSucceeds", {"segment", "{dir}/small.png", "-q", "-o", "{dir}/seg.png"}, 0, "segmentation written"},
        Row{"DiffOfTheSameRunAgrees", {"trace", "diff", "{dir}/a.json", "{dir}/a.json"}, 0, "agree"},
        Row{"MissingImageFails", {"segment", "{dir}/none.png", "-o", "{dir}/seg.png"}, 1, "does not exist"},
        Row{"DamagedTraceFailsInShow", {"trace", "show", "{dir}/damaged.json"}, 1, "damaged.json"},
        Row{"DamagedTraceFailsInDiff", {"trace", "diff", "{dir}/a.json", "{dir}/damaged.json"}, 1, "damaged.json"},
        Row{"MissingTraceFailsInFilm", {"trace", "film", "{dir}/none.json", "-o", "{dir}/f.png"}, 1, "none.json"},
        Row{"UnknownFlagIsUsage", {"segment", "--colour", "red"}, 2, "--colour"},
        Row{"NoSubcommandIsUsage", {}, 2, "gmmlab --help"},
        Row{"KNotANumberIsUsage", {"segment", "-k", "three"}, 2, "three"},
        Row{"KZeroIsUsage", {"segment", "{dir}/small.png", "-k", "0"}, 2, "give at least 1 component"},
        Row{"KAboveThePixelsIsUsage", {"segment", "{dir}/small.png", "-k", "2401"}, 2, "more than the 2400 pixels"},
        Row{"UnknownImplementationIsUsage", {"segment", "{dir}/small.png", "--impl", "magic"}, 2, "--impl magic"},
        Row{"NegativeToleranceIsUsage", {"segment", "{dir}/small.png", "--tol", "-1"}, 2, "--tol"},
        Row{"NaNToleranceIsUsage", {"segment", "{dir}/small.png", "--tol", "nan"}, 2, "--tol"},
        Row{"NegativeIterationsIsUsage", {"trace", "record", "{dir}/small.png", "--iterations", "-1", "-o",
                                          "{dir}/t.json"}, 2, "--iterations"},
        Row{"NegativeRtolIsUsage", {"trace", "diff", "{dir}/a.json", "{dir}/a.json", "--rtol", "-1"}, 2, "--rtol"},
        Row{"IterationOutsideTheTraceIsUsage", {"trace", "show", "{dir}/a.json", "--iteration", "99"}, 2, "99"},
        Row{"FramesNotNumbersIsUsage", {"trace", "film", "{dir}/a.json", "-o", "{dir}/f.png", "--frames", "x"}, 2,
            "--frames"},
        Row{"TracesOfOtherOptionsCannotBeCompared", {"trace", "diff", "{dir}/a.json", "{dir}/b.json"}, 1,
            "cannot compare"},
        Row{"ChangedRunDiffers", {"trace", "diff", "{dir}/a.json", "{dir}/changed.json"}, 3, "first differ"}),
    [](const auto& info) { return std::get<0>(info.param); });

// The mapping itself, for the endings a command line cannot provoke (an internal error, out of
// memory): the code, and the one line it prints.
struct Thrown {
  std::string name;
  std::exception_ptr error;
  int code;
  std::string line;
};

void PrintTo(const Thrown& t, std::ostream* os) { *os << t.name; }

class ExitCodeReport : public ::testing::TestWithParam<Thrown> {};

TEST_P(ExitCodeReport, MapsTheExceptionToItsCodeAndLine) {
  ::testing::internal::CaptureStderr();
  const int code = cli::report(GetParam().error);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(code, GetParam().code);
  EXPECT_EQ(err, GetParam().line);
}

INSTANTIATE_TEST_SUITE_P(
    Policy, ExitCodeReport,
    ::testing::Values(
        Thrown{"Usage", std::make_exception_ptr(UsageError("-k is 0; give at least 1 component")), 2,
               "gmmlab: -k is 0; give at least 1 component\n"},
        Thrown{"ParseError", std::make_exception_ptr(CLI::ExtrasError({"--colour"})), 2,
               "gmmlab: The following argument was not expected: --colour; run 'gmmlab --help' for usage\n"},
        Thrown{"InputFailed", std::make_exception_ptr(Error("'a.png' does not exist")), 1,
               "gmmlab: 'a.png' does not exist\n"},
        Thrown{"NotImplementedIsARunThatFailed",
               std::make_exception_ptr(NotImplemented(Exercise::zscore, "student/zscore.cpp", "compute z")), 1,
               "gmmlab: student Z-score is not written yet: student/zscore.cpp, compute z (see handout §Z-score)\n"},
        Thrown{"OutOfMemory", std::make_exception_ptr(std::bad_alloc()), 1,
               "gmmlab: out of memory; try a smaller image or a smaller K\n"},
        Thrown{"Internal", std::make_exception_ptr(std::logic_error("index out of bounds")), 4,
               "gmmlab: internal error: index out of bounds; please report it with the command you ran\n"},
        Thrown{"UnknownThrow", std::make_exception_ptr(42), 4,
               "gmmlab: internal error of unknown kind; please report it with the command you ran\n"}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace gmmlab::testing
