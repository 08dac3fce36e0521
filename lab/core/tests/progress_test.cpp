// The progress bar: redrawn in place on a terminal, plain lines otherwise.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "gmmlab/progress.hpp"

namespace {

std::string run_bar(bool terminal) {
  std::FILE* out = std::tmpfile();
  gmmlab::ProgressBar bar(out, terminal);
  gmmlab::EmOptions options;
  options.max_iterations = 10;
  bar.on_start({}, options);
  gmmlab::EmOutcome outcome;
  for (int i = 1; i <= 3; ++i) {
    gmmlab::EStepSummary e;
    e.log_likelihood = -100.0 + i;
    bar.on_e_step(i, e);
    outcome.log_likelihood.push_back(e.log_likelihood);
  }
  outcome.reason = gmmlab::StopReason::converged;
  bar.on_finish(outcome);
  std::rewind(out);
  std::string text;
  for (int c; (c = std::fgetc(out)) != EOF;) text.push_back(char(c));
  std::fclose(out);
  return text;
}

}  // namespace

TEST(ProgressBar, OnATerminalRedrawsOneLine) {
  const std::string text = run_bar(true);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\r'), 4) << text;  // three iterations and the final line
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  EXPECT_NE(text.find("EM iteration 3/10"), std::string::npos) << text;
  EXPECT_NE(text.find("log-likelihood -9.700000e+01"), std::string::npos) << text;
  EXPECT_NE(text.find("it/s"), std::string::npos) << text;
  EXPECT_NE(text.find("left"), std::string::npos) << text;
}

TEST(ProgressBar, OtherwiseWritesPlainLinesAtMostOnceASecond) {
  const std::string text = run_bar(false);
  EXPECT_EQ(text.find('\r'), std::string::npos) << text;
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << "no terminal codes in a log file";
  // Three quick iterations: no line before a second has passed, then the final line.
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  EXPECT_NE(text.find("EM iteration 3/10"), std::string::npos) << text;
}
