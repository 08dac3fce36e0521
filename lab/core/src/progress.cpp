#include "gmmlab/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <string>

namespace gmmlab {

namespace {
std::string clock_time(double seconds) {
  const long s = std::lround(seconds);
  return s >= 3600 ? fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60) : fmt::format("{}:{:02}", s / 60, s % 60);
}
}  // namespace

ProgressBar::ProgressBar(std::FILE* out) : ProgressBar(out, ::isatty(::fileno(out)) != 0) {}
ProgressBar::ProgressBar(std::FILE* out, bool terminal) : out_(out), terminal_(terminal) {}

void ProgressBar::on_start(const Mixture&, const EmOptions& options) {
  cap_ = options.max_iterations;
  start_ = last_line_ = std::chrono::steady_clock::now();
}

void ProgressBar::on_e_step(int iteration, const EStepSummary& e) {
  const auto now = std::chrono::steady_clock::now();
  if (terminal_ || now - last_line_ >= std::chrono::seconds(1)) {
    last_line_ = now;
    draw(iteration, e.log_likelihood, false);
  }
}

void ProgressBar::draw(int iteration, double log_likelihood, bool final_line) {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? iteration / elapsed : 0;
  // EM may converge long before the cap, so the time left is an upper bound.
  const std::string left = rate > 0 && !final_line ? fmt::format(", at most {} left", clock_time((cap_ - iteration) / rate)) : "";
  const std::string text = fmt::format("EM iteration {}/{}  log-likelihood {:.6e}  {:.1f} it/s{}", iteration, cap_,
                                       log_likelihood, rate, left);
  if (terminal_) {
    constexpr int width = 20;
    const int filled = cap_ > 0 ? int(double(width) * iteration / cap_) : width;
    fmt::print(out_, "\r[{}{}] {}\x1b[K", std::string(std::size_t(filled), '#'), std::string(std::size_t(width - filled), '.'), text);
    if (final_line) fmt::print(out_, "\n");
  } else {
    fmt::print(out_, "{}\n", text);
  }
  std::fflush(out_);
}

void ProgressBar::on_finish(const EmOutcome& outcome) {
  if (!outcome.log_likelihood.empty()) draw(int(outcome.log_likelihood.size()), outcome.log_likelihood.back(), true);
}

}  // namespace gmmlab
