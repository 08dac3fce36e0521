// IsolatedSteps: the answers of student code run in a worker are the answers it gives in
// process, and whatever else student code does (crash, hang, allocate 20 GB, exit, print fake
// results, leave processes behind) ends as one sentence for that call only.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <regex>
#include <thread>

#include "gmmlab/gaussian.hpp"
#include "gmmlab/image.hpp"
#include "gmmlab/sandbox.hpp"
#include "gmmlab/testing/support.hpp"
#ifdef GMMLAB_SANDBOX_HAVE_SOLUTION
#include "student.hpp"  // the instructor solution, in process
#endif

namespace gmmlab {
namespace {

namespace fs = std::filesystem;
using Kind = StudentCodeFailed::Kind;

fs::path worker(const std::string& name) { return fs::path(GMMLAB_SANDBOX_WORKERS_DIR) / ("sandbox_worker_" + name); }

// Short limits keep hostile cases quick; the memory limit leaves room for the sample photo.
SandboxLimits test_limits() { return {.seconds = 2, .memory_mb = 1024}; }

arma::mat sample_pixels() { return load_image(testing::sample_photo(), 3).pixels; }

Mixture sample_mixture(arma::uword d = 3) { return testing::random_mixture(4, d, 7); }

// Runs f and returns the StudentCodeFailed it throws (fails the test if it throws anything else).
template <class F>
StudentCodeFailed failure_of(F&& f) {
  try {
    f();
  } catch (const StudentCodeFailed& e) {
    return e;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected StudentCodeFailed, got: " << e.what();
    return StudentCodeFailed(Kind::protocol, "wrong exception");
  }
  ADD_FAILURE() << "expected StudentCodeFailed, nothing was thrown";
  return StudentCodeFailed(Kind::protocol, "nothing thrown");
}

// Bit for bit: NaN equals the same NaN, -0 differs from 0.
template <class M>
bool same_bits(const M& a, const M& b) {
  return arma::size(a) == arma::size(b) && std::memcmp(a.memptr(), b.memptr(), a.n_elem * sizeof(double)) == 0;
}


pid_t pid_after(const std::string& output, const std::string& label) {
  std::smatch m;
  if (!std::regex_search(output, m, std::regex(label + " pid ([0-9]+)"))) return -1;
  return static_cast<pid_t>(std::stol(m[1]));
}

#ifdef GMMLAB_SANDBOX_HAVE_SOLUTION
TEST(IsolatedSteps, SolutionAnswersAreBitIdenticalToTheSolutionInProcess) {
  const IsolatedSteps isolated(worker("solution"), test_limits(), "solution");
  const StudentSteps in_process;
  const arma::mat raw = sample_pixels();
  const arma::mat z = isolated.zscore(raw);
  EXPECT_TRUE(same_bits(z, in_process.zscore(raw)));

  const Mixture m = sample_mixture();
  const Posterior p = isolated.e_step(z, m), q = in_process.e_step(z, m);
  ASSERT_EQ(p.gamma.n_rows, raw.n_rows);
  EXPECT_TRUE(same_bits(p.gamma, q.gamma));
  EXPECT_EQ(p.log_likelihood, q.log_likelihood);

  const Mixture a = isolated.m_step(z, p.gamma), b = in_process.m_step(z, q.gamma);
  EXPECT_TRUE(same_bits(a.means, b.means));
  EXPECT_TRUE(same_bits(a.covs, b.covs));
  EXPECT_TRUE(same_bits(a.priors, b.priors));
  EXPECT_EQ(isolated.name(), "solution");

  // Each part on its own gives the bits the whole half-step gives; the covariances are about the
  // means they are given (here the priors' start means, not the M-step's).
  EXPECT_TRUE(same_bits(isolated.gamma_of(z, m), q.gamma));
  EXPECT_EQ(isolated.log_likelihood_of(z, m), q.log_likelihood);
  EXPECT_TRUE(same_bits(isolated.means_of(z, q.gamma), b.means));
  EXPECT_TRUE(same_bits(isolated.covariances_of(z, q.gamma, b.means), b.covs));
  EXPECT_TRUE(same_bits(isolated.covariances_of(z, q.gamma, m.means), in_process.covariances(z, q.gamma, m.means)));
  EXPECT_FALSE(same_bits(isolated.covariances_of(z, q.gamma, m.means), b.covs));
  EXPECT_TRUE(same_bits(isolated.priors_of(z, q.gamma), b.priors));
}

TEST(IsolatedSteps, CallsFromSeveralThreadsAtOnceEachGetTheirOwnWorker) {
  const IsolatedSteps isolated(worker("solution"), test_limits());
  const StudentSteps in_process;
  std::vector<arma::mat> inputs, answers(4);
  for (int i = 0; i < 4; ++i) inputs.push_back(testing::sample_from(sample_mixture(), 1000 + 100 * i, 20 + i));
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back([&, i] { answers[i] = isolated.zscore(inputs[i]); });
  for (auto& t : threads) t.join();
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(same_bits(answers[i], in_process.zscore(inputs[i])));
}

TEST(IsolatedSteps, NanInputsTravelUnchanged) {
  const IsolatedSteps isolated(worker("solution"), test_limits());
  const StudentSteps in_process;
  arma::mat raw = {{1, 2}, {3, arma::datum::nan}, {5, 7}};
  const arma::mat z = isolated.zscore(raw);
  EXPECT_TRUE(z.has_nan());
  EXPECT_TRUE(same_bits(z, in_process.zscore(raw)));
}
#endif

TEST(IsolatedSteps, SkeletonGivesTheFriendlyNotWrittenYetLineForEachExercise) {
  const IsolatedSteps isolated(worker("skeleton"), test_limits());
  const arma::mat x = testing::sample_from(sample_mixture(), 200, 3);
  try {
    (void)isolated.zscore(x);
    FAIL() << "the skeleton's Z-score answered";
  } catch (const NotImplemented& e) {
    EXPECT_EQ(e.exercise(), Exercise::zscore);
    EXPECT_STREQ(
        e.what(),
        "student Z-score is not written yet: student/zscore.cpp, compute the Z-scores in zscore() (see handout "
        "§Z-score)");
  }
  try {
    (void)isolated.e_step(x, sample_mixture());
    FAIL() << "the skeleton's E-step answered";
  } catch (const NotImplemented& e) {
    EXPECT_EQ(e.exercise(), Exercise::e_step);
    EXPECT_STREQ(e.what(),
                 "student E-step is not written yet: student/e_step.cpp, compute gamma in responsibilities() (see "
                 "handout §E-step)");
  }
  // The parts, each with its own TODO line.
  try {
    (void)isolated.log_likelihood_of(x, sample_mixture());
    FAIL() << "the skeleton's log_likelihood() answered";
  } catch (const NotImplemented& e) {
    EXPECT_STREQ(e.what(),
                 "student E-step is not written yet: student/e_step.cpp, compute the log-likelihood in "
                 "log_likelihood() (see handout §E-step)");
  }
  const arma::mat gamma(x.n_rows, 4, arma::fill::value(0.25));
  for (const auto& [part, call] : std::vector<std::pair<std::string, std::function<void()>>>{
           {"means()", [&] { (void)isolated.means_of(x, gamma); }},
           {"covariances()", [&] { (void)isolated.covariances_of(x, gamma, arma::mat(4, 3, arma::fill::zeros)); }},
           {"priors()", [&] { (void)isolated.priors_of(x, gamma); }}}) {
    try {
      call();
      FAIL() << "the skeleton's " << part << " answered";
    } catch (const NotImplemented& e) {
      EXPECT_EQ(e.exercise(), Exercise::m_step);
      EXPECT_NE(std::string(e.what()).find(" in " + part), std::string::npos) << e.what();
    }
  }
  try {
    (void)isolated.m_step(x, arma::mat(x.n_rows, 4, arma::fill::value(0.25)));
    FAIL() << "the skeleton's M-step answered";
  } catch (const NotImplemented& e) {
    EXPECT_EQ(e.exercise(), Exercise::m_step);
    EXPECT_NE(std::string(e.what()).find("student M-step is not written yet: student/m_step.cpp"), std::string::npos);
  }
}

TEST(IsolatedSteps, SegfaultIsACrashWithItsSignalName) {
  const IsolatedSteps isolated(worker("segfault"), test_limits());
  const StudentCodeFailed e = failure_of([&] { (void)isolated.zscore(arma::mat(10, 3, arma::fill::ones)); });
  EXPECT_EQ(e.kind(), Kind::crashed);
  EXPECT_TRUE(std::string(e.what()).starts_with("the student Z-score crashed with SIGSEGV")) << e.what();
}

TEST(IsolatedSteps, AbortIsACrashWithSigabrt) {
  const IsolatedSteps isolated(worker("abort"), test_limits());
  const StudentCodeFailed e = failure_of([&] { (void)isolated.zscore(arma::mat(10, 3, arma::fill::ones)); });
  EXPECT_EQ(e.kind(), Kind::crashed);
  EXPECT_TRUE(std::string(e.what()).starts_with("the student Z-score crashed with SIGABRT")) << e.what();
}

TEST(IsolatedSteps, AnExceptionIsReportedWithItsMessage) {
  const IsolatedSteps isolated(worker("throws"), test_limits());
  StudentCodeFailed e = failure_of([&] { (void)isolated.zscore(arma::mat(10, 3, arma::fill::ones)); });
  EXPECT_EQ(e.kind(), Kind::threw);
  EXPECT_STREQ(e.what(), "the student Z-score threw an error: my own error in zscore");
  e = failure_of(
      [&] { (void)isolated.m_step(arma::mat(10, 3, arma::fill::ones), arma::mat(10, 2, arma::fill::ones)); });
  EXPECT_EQ(e.kind(), Kind::threw);
  EXPECT_STREQ(e.what(), "the student M-step threw an error: an exception that is not a std::exception");
}

TEST(IsolatedSteps, AnExceptionEscapingAStudentThreadIsReportedToo) {
  const IsolatedSteps isolated(worker("thread_throw"), test_limits());
  const StudentCodeFailed e = failure_of([&] { (void)isolated.zscore(arma::mat(10, 3, arma::fill::ones)); });
  EXPECT_EQ(e.kind(), Kind::threw);
  EXPECT_STREQ(e.what(), "the student Z-score threw an error: thrown in my thread");
}

TEST(IsolatedSteps, AnInfiniteLoopTimesOut) {
  const IsolatedSteps isolated(worker("infinite_loop"), {.seconds = 1.5, .memory_mb = 1024});
  const StudentCodeFailed e =
      failure_of([&] { (void)isolated.e_step(arma::mat(10, 3, arma::fill::ones), sample_mixture()); });
  EXPECT_EQ(e.kind(), Kind::timed_out);
  EXPECT_STREQ(e.what(), "the student E-step took longer than 1.5 s");
}

// A function that hangs on two inputs is not waited for a third time: one hung E-step costs a
// grading two time limits, not one per check; the other functions are called as before.
TEST(IsolatedSteps, AFunctionThatTimedOutTwiceIsNotCalledAgain) {
  const IsolatedSteps isolated(worker("infinite_loop"), {.seconds = 1, .memory_mb = 1024});
  const arma::mat x(10, 3, arma::fill::ones);
  for (int i = 0; i < 2; ++i) {
    const StudentCodeFailed e = failure_of([&] { (void)isolated.e_step(x, sample_mixture()); });
    EXPECT_EQ(e.kind(), Kind::timed_out);
    EXPECT_STREQ(e.what(), "the student E-step took longer than 1 s");
  }
  const StudentCodeFailed e = failure_of([&] { (void)isolated.e_step(x, sample_mixture()); });
  EXPECT_EQ(e.kind(), Kind::timed_out);
  EXPECT_STREQ(e.what(), "the student E-step was not called again: it took longer than 1 s on 2 inputs already");
  EXPECT_THROW((void)isolated.zscore(x), NotImplemented) << "the Z-score is still called";
}

// Each part of a half-step is its own call to the student's own function: a responsibilities()
// that hangs costs gamma, never the log-likelihood, and once it is known to hang the whole E-step
// (which calls it) is not waited for either.
TEST(IsolatedSteps, EachPartIsCalledOnItsOwnAndAHungPartBlocksOnlyWhatRunsIt) {
  const IsolatedSteps isolated(worker("infinite_loop"), {.seconds = 1, .memory_mb = 1024});
  const Mixture m = sample_mixture();
  const arma::mat x = testing::sample_from(m, 200, 5);
  const arma::mat a = weighted_log_densities(x, m);
  const arma::vec c = arma::max(a, 1);
  arma::mat shifted = a;
  shifted.each_col() -= c;
  const double expected = arma::accu(c + arma::log(arma::sum(arma::exp(shifted), 1)));
  EXPECT_EQ(isolated.log_likelihood_of(x, m), expected);
  for (int i = 0; i < 2; ++i) {
    const StudentCodeFailed e = failure_of([&] { (void)isolated.gamma_of(x, m); });
    EXPECT_EQ(e.kind(), Kind::timed_out);
    EXPECT_STREQ(e.what(), "the student responsibilities() took longer than 1 s");
  }
  EXPECT_STREQ(failure_of([&] { (void)isolated.gamma_of(x, m); }).what(),
               "the student responsibilities() was not called again: it took longer than 1 s on 2 inputs already");
  EXPECT_STREQ(failure_of([&] { (void)isolated.e_step(x, m); }).what(),
               "the student E-step was not called: it runs the student responsibilities(), which took longer than "
               "1 s on 2 inputs already");
  EXPECT_EQ(isolated.log_likelihood_of(x, m), expected) << "log_likelihood() is still called";
}

// A login shell allows 1024 open files (soft limit); the supervisor's fixed descriptor numbers
// need more room, which it takes up to the hard limit. Where even the hard limit is too low the
// call is the sandbox's error, never a student failure or, as it was, a compile that "worked"
// without running. Each case in a child process: a hard limit cannot be raised again.
TEST(IsolatedSteps, ASoftLimitOf1024OpenFilesStillRuns) {
  EXPECT_EXIT(
      {
        rlimit files{};
        ::getrlimit(RLIMIT_NOFILE, &files);
        files.rlim_cur = std::min<rlim_t>(1024, files.rlim_max);
        ::setrlimit(RLIMIT_NOFILE, &files);
        const IsolatedSteps isolated(worker("skeleton"), test_limits());
        try {
          (void)isolated.zscore(arma::mat(10, 3, arma::fill::ones));
        } catch (const NotImplemented&) {
          std::_Exit(0);  // the skeleton's worker ran and answered
        } catch (const std::exception& e) {
          std::fprintf(stderr, "%s\n", e.what());
        }
        std::_Exit(1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(IsolatedSteps, AHardLimitTooLowForTheSandboxIsItsErrorNotTheStudents) {
  EXPECT_EXIT(
      {
        rlimit files{};
        files.rlim_cur = files.rlim_max = 100;
        if (::setrlimit(RLIMIT_NOFILE, &files) != 0) std::_Exit(3);
        const IsolatedSteps isolated(worker("skeleton"), test_limits());
        try {
          (void)isolated.zscore(arma::mat(10, 3, arma::fill::ones));
        } catch (const StudentCodeFailed& e) {
          std::fprintf(stderr, "a student failure: %s\n", e.what());
          std::_Exit(1);
        } catch (const NotImplemented&) {
          std::_Exit(2);
        } catch (const Error& e) {
          std::fprintf(stderr, "%s\n", e.what());
          std::_Exit(0);
        }
        std::_Exit(4);
      },
      ::testing::ExitedWithCode(0), "its supervising process ended without saying how the call went");
}

TEST(IsolatedSteps, ATwentyGigabyteAllocationRunsOutOfMemoryInTheWorker) {
  const IsolatedSteps isolated(worker("huge_alloc"), test_limits());
  const StudentCodeFailed e = failure_of([&] { (void)isolated.zscore(arma::mat(10, 3, arma::fill::ones)); });
  EXPECT_EQ(e.kind(), Kind::out_of_memory);
  EXPECT_STREQ(e.what(), "the student Z-score ran out of memory (limit 1024 MB)");
}

TEST(IsolatedSteps, ExitZeroInATodoIsAnEarlyExitNotASuccess) {
  const IsolatedSteps isolated(worker("exit_zero"), test_limits());
  const StudentCodeFailed e = failure_of(
      [&] { (void)isolated.m_step(arma::mat(10, 3, arma::fill::ones), arma::mat(10, 2, arma::fill::ones)); });
  EXPECT_EQ(e.kind(), Kind::exited);
  EXPECT_STREQ(e.what(), "the student M-step exited with code 0 before answering");
}

TEST(IsolatedSteps, FakeResultsOnStdoutAreCapturedNotBelievedAndFakeFilesStayInTheWorkersFolder) {
  testing::TempDir here;
  const fs::path before = fs::current_path();
  fs::current_path(here.path());
  const IsolatedSteps isolated(worker("fake_output"), test_limits());
  const arma::mat raw = {{1, 2}, {3, 4}};
  const arma::mat answer = isolated.zscore(raw);
  fs::current_path(before);
  EXPECT_TRUE(arma::approx_equal(answer, raw, "absdiff", 0.0));  // what it returned, not what it printed
  const std::string out = isolated.last_output();
  EXPECT_NE(out.find("[  PASSED  ] 42 tests."), std::string::npos) << out;
  EXPECT_NE(out.find("\"score\": 100"), std::string::npos) << out;
  EXPECT_NE(out.find("Z-score: mean 0 and population std 1 .... 10/10"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(here / "results.json"));
  EXPECT_FALSE(fs::exists(here / "report.xml"));
  EXPECT_TRUE(fs::is_empty(here.path()));
}

TEST(IsolatedSteps, AChildLeftBehindIsGoneWhenTheCallReturns) {
  const IsolatedSteps isolated(worker("fork_child"), test_limits());
  const arma::mat raw = {{1, 2}, {3, 4}};
  EXPECT_TRUE(arma::approx_equal(isolated.zscore(raw), raw, "absdiff", 0.0));
  ASSERT_GT(pid_after(isolated.last_output(), "child"), 0) << isolated.last_output();
  // Gone with the call (a moment for the kernel to reap a PID namespace's last processes).
  EXPECT_TRUE(testing::eventually([] { return testing::processes_named("gmmfork-child").empty(); }, 2));
}

TEST(IsolatedSteps, AnOrphanThatLeftTheSessionIsGoneToo) {
  const IsolatedSteps isolated(worker("double_fork"), test_limits());
  const StudentCodeFailed e = failure_of([&] { (void)isolated.zscore(arma::mat(4, 2, arma::fill::ones)); });
  EXPECT_EQ(e.kind(), Kind::timed_out);
  ASSERT_GT(pid_after(isolated.last_output(), "grandchild"), 0) << isolated.last_output();
  EXPECT_TRUE(testing::eventually([] { return testing::processes_named("gmmfork-orphan").empty(); }, 2));
}

TEST(IsolatedSteps, CancelFromAnotherThreadEndsAnInfiniteLoop) {
  const IsolatedSteps isolated(worker("infinite_loop"), {.seconds = 600, .memory_mb = 1024});
  std::atomic<bool> done{false};
  std::thread canceller([&] {
    while (!done) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      isolated.cancel();
    }
  });
  try {
    (void)isolated.e_step(arma::mat(10, 3, arma::fill::ones), sample_mixture());
    ADD_FAILURE() << "the infinite loop answered";
  } catch (const Cancelled& e) {
    EXPECT_STREQ(e.what(), "the student E-step was cancelled");
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected Cancelled, got: " << e.what();
  }
  done = true;
  canceller.join();
  isolated.cancel();  // no call running: nothing happens
}

TEST(IsolatedSteps, CrashesCostOnlyTheirCallTheNextCallRunsAfresh) {
  const IsolatedSteps isolated(worker("segfault"), test_limits());
  (void)failure_of([&] { (void)isolated.zscore(arma::mat(10, 3, arma::fill::ones)); });
  // The segfault worker's E-step is the skeleton's: the next call answers as usual.
  EXPECT_THROW((void)isolated.e_step(arma::mat(10, 3, arma::fill::ones), sample_mixture()), NotImplemented);
}

TEST(IsolatedSteps, AMissingWorkerProgramIsAnErrorNotAStudentFailure) {
  const IsolatedSteps isolated("/nonexistent/gmmlab-student-worker", test_limits());
  try {
    (void)isolated.zscore(arma::mat(2, 2, arma::fill::ones));
    FAIL() << "no error";
  } catch (const StudentCodeFailed& e) {
    FAIL() << "a missing worker is not the student's fault: " << e.what();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot run the student worker /nonexistent/gmmlab-student-worker"),
              std::string::npos)
        << e.what();
  }
}

TEST(IsolatedSteps, LimitsMustBePositive) {
  EXPECT_THROW(IsolatedSteps(worker("skeleton"), {.seconds = 0, .memory_mb = 10}), Error);
  EXPECT_THROW(IsolatedSteps(worker("skeleton"), {.seconds = 1, .memory_mb = 0}), Error);
}

// A worker that lies on the answer channel: a fake program writing raw bytes to fd 3.
fs::path fake_worker(const testing::TempDir& dir, const std::string& name, const std::string& shell) {
  const fs::path p = dir / name;
  testing::write_file(p, "#!/bin/sh\n" + shell + "\n");
  // Others may run it: as root the sandbox runs it as a uid of its own.
  fs::permissions(p, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                         fs::perms::others_exec);
  return p;
}

TEST(IsolatedSteps, AnAnswerClaimingAHugeSizeIsGarbageAndNothingIsAllocated) {
  testing::TempDir dir;
  // "GMA1" then a body length of 2^62 bytes: refused from the header alone.
  const IsolatedSteps isolated(
      fake_worker(dir, "liar", R"(printf 'GMA1\000\000\000\000\000\000\000\100' >&3; exec sleep 60)"), test_limits());
  const StudentCodeFailed e = failure_of([&] { (void)isolated.zscore(arma::mat(2, 2, arma::fill::ones)); });
  EXPECT_EQ(e.kind(), Kind::protocol);
  EXPECT_STREQ(e.what(), "the student Z-score answered garbage");
}

TEST(IsolatedSteps, AMatrixLargerThanItsBytesIsGarbage) {
  testing::TempDir dir;
  // A well-framed body (17 bytes: status ok, then rows = 2^40, cols = 2^40) with no data.
  const IsolatedSteps isolated(
      fake_worker(
          dir, "liar",
          R"(printf 'GMA1\021\000\000\000\000\000\000\000\000\000\000\000\000\000\001\000\000\000\000\000\000\000\001\000\000' >&3; exec sleep 60)"),
      test_limits());
  const StudentCodeFailed e = failure_of([&] { (void)isolated.zscore(arma::mat(2, 2, arma::fill::ones)); });
  EXPECT_EQ(e.kind(), Kind::protocol);
}

TEST(IsolatedSteps, TextOnTheAnswerChannelIsGarbage) {
  testing::TempDir dir;
  const IsolatedSteps isolated(fake_worker(dir, "talker", "echo 'all tests passed' >&3"), test_limits());
  const StudentCodeFailed e = failure_of([&] { (void)isolated.zscore(arma::mat(2, 2, arma::fill::ones)); });
  EXPECT_EQ(e.kind(), Kind::protocol);
  EXPECT_STREQ(e.what(), "the student Z-score answered garbage");
}

TEST(IsolatedSteps, TheShieldMakesTheGraderUndumpable) {
  const int before = ::prctl(PR_GET_DUMPABLE);
  shield_from_student_code();
  EXPECT_EQ(::prctl(PR_GET_DUMPABLE), 0);
  ::prctl(PR_SET_DUMPABLE, before);
}

}  // namespace
}  // namespace gmmlab
