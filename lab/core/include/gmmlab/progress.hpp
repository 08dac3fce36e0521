#pragma once
// The progress bar: an EM observer writing to a stream (stderr in the CLI). On a terminal it
// redraws one line; otherwise it writes a plain line at most once a second and at the end.
#include <chrono>
#include <cstdio>

#include "gmmlab/em.hpp"

namespace gmmlab {

class ProgressBar : public EmObserver {
 public:
  explicit ProgressBar(std::FILE* out);  // a terminal when isatty(fileno(out))
  ProgressBar(std::FILE* out, bool terminal);

  void on_start(const Mixture& initial, const EmOptions& options) override;
  void on_e_step(int iteration, const EStepSummary& e) override;
  void on_finish(const EmOutcome& outcome) override;

 private:
  void draw(int iteration, double log_likelihood, bool final_line);

  std::FILE* out_;
  bool terminal_;
  int cap_ = 0;
  std::chrono::steady_clock::time_point start_, last_line_;
};

}  // namespace gmmlab
