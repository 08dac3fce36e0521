// gmmlab-bench: this project's reference EM against Armadillo's gmm_full, OpenCV's
// cv::ml::EM and scikit-learn's GaussianMixture, on the same Z-scored photo and the same
// k-means initial mixture, with this machine's roofline. scripts/bench.sh builds and runs
// it; docs/performance.md explains the table.
//
// Every timed configuration runs in a child process (`gmmlab-bench child ...`, or
// bench/sklearn_child.py) so that its peak memory is its own; the parent prepares the data,
// evaluates every child's final mixture with one yardstick and prints the tables.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <optional>
#include <sstream>

#include "child.hpp"
#include "kmeans_bench.hpp"
#include "gmmlab/em.hpp"
#include "gmmlab/errors.hpp"
#include "gmmlab/kmeans.hpp"
#include "gmmlab/reference.hpp"
#include "gmmlab/running_program.hpp"
#include "gmmlab/temp_folder.hpp"
#include "gmmlab/testing/child_process.hpp"
#include "problem.hpp"
#include "roofline.hpp"

namespace fs = std::filesystem;

namespace gmmlab::bench {

std::string run_process(const std::vector<std::string>& argv) {
  // The child's stderr passes through: its progress and its own error message are seen as they come.
  const testing::CommandResult r = testing::run_command(argv, {}, testing::ChildStderr::passed_through);
  if (r.exit_code != 0) throw Error(fmt::format("'{}' failed (see its message above)", fmt::join(argv, " ")));
  return r.out;
}

namespace {

struct Options {
  fs::path image = fs::path(GMMLAB_BENCH_DATA_DIR) / "coffee.png";
  std::vector<double> sizes{0.25, 1, 4, 12};  // megapixels
  std::vector<arma::uword> ks{3, 5};
  std::vector<int> threads{1, 2};
  std::vector<std::string> peers{"reference", "armadillo", "opencv", "sklearn"};
  int repeats = 3;
  int iterations = 0;             // 0: by size (see iterations_for)
  double opencv_budget = 60;      // seconds a whole OpenCV configuration may take
  double tolerance = 1e-8;        // largest relative log-likelihood difference called agreement
  std::string python = "/usr/bin/python3";  // Debian's, where python3-sklearn installs
  fs::path output;
  bool quick = false;
};

// Enough updates that a run of the reference lasts a good fraction of a second at small
// sizes, and few enough that the slow peers finish at large ones.
int iterations_for(const Options& o, double megapixels) {
  if (o.iterations > 0) return o.iterations;
  return std::clamp(int(std::lround(5 / megapixels)), 2, 20);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

struct ChildReport {
  std::map<std::string, std::vector<double>> numbers;  // keyword -> values
  std::string unavailable;                             // sklearn not installed
};

ChildReport parse(const std::string& out) {
  ChildReport r;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string key;
    words >> key;
    if (key == "unavailable") {
      r.unavailable = line.substr(key.size());
      continue;
    }
    std::vector<double>& values = r.numbers[key];
    for (double v; words >> v;) values.push_back(v);
  }
  return r;
}

struct Result {
  std::string note;           // why there is no figure, when there is none
  double seconds_per_iteration = NAN;
  double peak_mib = NAN;
  int iterations = 0;
  double relative_difference = NAN;  // of the log-likelihood, against the reference in-process
  bool ran() const { return std::isfinite(seconds_per_iteration); }
};

struct Case {
  double megapixels = 0;
  arma::uword pixels = 0, k = 0;
  int threads = 1;
  std::map<std::string, Result> results;  // by implementation
};

// The issue's own figures for the original Python lab (seconds per iteration, 2 cores),
// measured before this project existed: its code is not here to be run.
std::optional<double> python_lab_seconds(double megapixels, arma::uword k) {
  if (megapixels == 1 && k == 3) return 0.345;
  if (megapixels == 1 && k == 5) return 0.603;
  if (megapixels == 4 && k == 5) return 2.77;
  if (megapixels == 12 && k == 5) return 10.1;
  return std::nullopt;
}

std::string fixed(double v, int digits = 3) {
  if (!std::isfinite(v)) return "—";
  if (v >= 100) return fmt::format("{:.0f}", v);
  if (v >= 10) return fmt::format("{:.1f}", v);
  return fmt::format("{:.{}g}", v, digits);
}

std::string ratio(double slow, double fast) {
  return std::isfinite(slow) && std::isfinite(fast) ? fmt::format("{:.1f}×", slow / fast) : "—";
}

std::string machine_line() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line, model = "unknown CPU";
  while (std::getline(cpuinfo, line))
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  std::ifstream loadavg("/proc/loadavg");
  double one = 0, five = 0, fifteen = 0;
  loadavg >> one >> five >> fifteen;
  return fmt::format("{}, {} cores, {} kernels; load average {:.2f} {:.2f} {:.2f}", model, sysconf(_SC_NPROCESSORS_ONLN),
                     vector_isa_name(vector_isa()), one, five, fifteen);
}

class Bench {
 public:
  explicit Bench(Options o) : o_(std::move(o)) {
    work_ = make_temp_folder("bench");
    const auto self = running_program();
    if (!self) throw Error("cannot find this program's own path (/proc/self/exe) to start its children");
    self_ = *self;
  }
  ~Bench() {
    std::error_code ec;
    fs::remove_all(work_, ec);
  }

  int run() {
    say("# gmmlab-bench\n\n{}  \n", machine_line());
    say("photo {}, sizes {} MP, K {}, threads {}, median of {} runs\n\n", o_.image.filename().string(),
        fmt::join(o_.sizes, "/"), fmt::join(o_.ks, "/"), fmt::join(o_.threads, "/"), o_.repeats);
    for (int t : o_.threads) {
      rooflines_[t] = measure_roofline(t);
      say("roofline, {} thread(s): {:.1f} GFLOP/s, {:.2f} ns per exp ({:.0f} M exp/s) → floor {:.2f} ns per "
          "pixel-component\n",
          t, rooflines_[t].flops_per_second / 1e9, 1e9 / rooflines_[t].exps_per_second * t,
          rooflines_[t].exps_per_second / 1e6, 1e9 * rooflines_[t].floor_seconds(1, 1));
    }
    say("\n");
    for (double mp : o_.sizes) run_size(mp);
    report();
    return failures_ == 0 ? 0 : 1;
  }

 private:
  template <class... A>
  void say(fmt::format_string<A...> f, A&&... a) {
    const std::string s = fmt::format(f, std::forward<A>(a)...);
    fmt::print("{}", s);
    std::fflush(stdout);
    text_ += s;
  }

  void run_size(double mp) {
    const cv::Mat photo = resized_photo(o_.image, mp);
    arma::mat x = ReferenceSteps().zscore(pixels_of(photo));
    const int iterations = iterations_for(o_, mp);
    for (arma::uword k : o_.ks) {
      const Mixture initial = kmeans_init(x, k, {.seed = 0});
      const fs::path data = work_ / "problem.bin";
      write_problem(data, x, initial);
      // The yardstick: the reference's answer, in this process, after the same updates.
      std::map<int, double> expected;
      auto expected_after = [&](int updates) {
        if (!expected.count(updates)) {
          const EmOptions em{.max_iterations = updates, .tolerance = 0, .relative_tolerance = false, .reg_covar = 0};
          expected[updates] = log_likelihood(x, run_em(ReferenceSteps(), x, initial, em).mixture);
        }
        return expected[updates];
      };
      for (int t : o_.threads) {
        Case c{mp, x.n_rows, k, t, {}};
        for (const std::string& impl : o_.peers) {
          Result& r = c.results[impl];
          try {
            r = run_one(impl, c, data, iterations);
            if (r.ran()) {
              Mixture got = last_mixture_;
              const double want = expected_after(r.iterations);
              r.relative_difference = std::abs(log_likelihood(x, got) - want) / std::abs(want);
              if (!(r.relative_difference <= o_.tolerance)) {
                ++failures_;
                fmt::print(stderr, "disagreement: {} at {} MP, K={}, {} thread(s): log-likelihood differs by {:.2e}\n",
                           impl, mp, k, t, r.relative_difference);
              }
            }
          } catch (const std::exception& e) {
            ++failures_;
            r.note = e.what();
            fmt::print(stderr, "{} at {} MP, K={}, {} thread(s) failed: {}\n", impl, mp, k, t, e.what());
          }
          fmt::print(stderr, "  {:.2f} MP K={} {}T {:<9} {}\n", mp, k, t, impl,
                     r.ran() ? fmt::format("{:.4g} s/it, {:.0f} MiB", r.seconds_per_iteration, r.peak_mib) : r.note);
        }
        cases_.push_back(std::move(c));
      }
    }
  }

  Result run_one(const std::string& impl, const Case& c, const fs::path& data, int iterations) {
    Result r;
    r.iterations = iterations;
    const double pc = double(c.pixels) * double(c.k);
    if (impl == "sklearn" && c.threads != o_.threads.back()) {
      r.note = "—";  // run with the most threads only
      return r;
    }
    if (impl == "opencv") {
      // Far slower than the others: one update per run, and only where the whole
      // configuration (set-up runs included) is predicted to fit in the budget.
      r.iterations = 1;
      if (auto s = opencv_seconds_per_pc_.find(c.threads); s != opencv_seconds_per_pc_.end()) {
        const double predicted = 3.0 * s->second * pc * o_.repeats;
        if (predicted > o_.opencv_budget) {
          r.note = fmt::format("skipped (~{:.0f} s)", predicted);
          return r;
        }
      }
    }
    std::vector<std::string> argv;
    if (impl == "sklearn")
      argv = {o_.python, GMMLAB_BENCH_SKLEARN_CHILD, data.string(), std::to_string(r.iterations),
              std::to_string(o_.repeats), std::to_string(c.threads)};
    else
      argv = {self_.string(), "child", impl, data.string(), std::to_string(r.iterations), std::to_string(o_.repeats),
              std::to_string(c.threads)};
    const ChildReport out = parse(run_process(argv));
    if (!out.unavailable.empty()) {
      r.note = "not installed";
      return r;
    }
    const auto seconds = out.numbers.find("seconds");
    const auto peak = out.numbers.find("peak_kib");
    const auto mixture = out.numbers.find("mixture");
    if (seconds == out.numbers.end() || seconds->second.empty() || peak == out.numbers.end() ||
        mixture == out.numbers.end())
      throw Error(fmt::format("the {} child printed an incomplete report", impl));
    double s = median(seconds->second);
    if (auto b = out.numbers.find("baseline_seconds"); b != out.numbers.end()) s -= median(b->second);
    r.seconds_per_iteration = s / r.iterations;
    r.peak_mib = peak->second.at(0) / 1024;
    last_mixture_ = mixture_from_tokens(mixture->second, c.k, 3);
    if (impl == "opencv") opencv_seconds_per_pc_[c.threads] = r.seconds_per_iteration / pc;
    return r;
  }

  bool has(const std::string& impl) const { return std::find(o_.peers.begin(), o_.peers.end(), impl) != o_.peers.end(); }

  double seconds(const Case& c, const std::string& impl) const {
    const auto r = c.results.find(impl);
    return r == c.results.end() ? NAN : r->second.seconds_per_iteration;
  }

  void report() {
    say("## Seconds per EM iteration (E + M), median of {}; speed-up of the reference over each peer\n\n",
        o_.repeats);
    say("| MP | K | threads | reference | ns per pixel·K | × floor | Armadillo gmm_full | speed-up | OpenCV EM | "
        "speed-up | scikit-learn | speed-up |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (const Case& c : cases_) {
      const double ref = seconds(c, "reference");
      const double floor = rooflines_.at(c.threads).floor_seconds(double(c.pixels), double(c.k));
      auto cell = [&](const std::string& impl) {
        if (!has(impl)) return std::string("—");
        const Result& r = c.results.at(impl);
        return r.ran() ? fixed(r.seconds_per_iteration) : r.note.empty() ? "—" : r.note;
      };
      say("| {:.2f} | {} | {} | {} | {:.2f} | {:.1f} | {} | {} | {} | {} | {} | {} |\n", double(c.pixels) / 1e6, c.k,
          c.threads, fixed(ref, 3), ref * 1e9 / double(c.pixels) / double(c.k), ref / floor, cell("armadillo"),
          ratio(seconds(c, "armadillo"), ref), cell("opencv"), ratio(seconds(c, "opencv"), ref), cell("sklearn"),
          ratio(seconds(c, "sklearn"), ref));
    }
    say("\nOpenCV: one update per run, its set-up and first E-step timed separately and subtracted; skipped where "
        "the {} runs were predicted (from its smaller sizes) to take over {:.0f} s. scikit-learn: its own "
        "E-step/M-step loop, run with the most threads only. × floor: the reference's time over the roofline "
        "floor for the same threads.\n\n",
        o_.repeats, o_.opencv_budget);

    say("## Against the original Python lab (its figures from issue 5, measured before this project: NOT this "
        "run)\n\n| MP | K | threads | Python lab (issue) | reference (this run) | speed-up |\n|---|---|---|---|---|---|\n");
    for (const Case& c : cases_)
      if (auto p = python_lab_seconds(c.megapixels, c.k); p && c.threads == 2)
        say("| {:.2f} | {} | {} | {} | {} | {} |\n", double(c.pixels) / 1e6, c.k, c.threads, *p,
            fixed(seconds(c, "reference")), ratio(*p, seconds(c, "reference")));

    say("\n## Peak memory (MiB, whole process: its copy of the data plus its working set) and agreement\n\n"
        "Agreement: relative difference of the log-likelihood of each final mixture from the reference's after the "
        "same number of updates, all evaluated by one long-double function.\n\n");
    say("| MP | K | threads | reference | Armadillo | OpenCV | scikit-learn | log-likelihood differences (ref / arma / "
        "ocv / skl) |\n|---|---|---|---|---|---|---|---|\n");
    for (const Case& c : cases_) {
      auto mem = [&](const std::string& impl) {
        const auto r = c.results.find(impl);
        return r != c.results.end() && r->second.ran() ? fmt::format("{:.0f}", r->second.peak_mib) : std::string("—");
      };
      auto diff = [&](const std::string& impl) {
        const auto r = c.results.find(impl);
        return r != c.results.end() && r->second.ran() ? fmt::format("{:.1e}", r->second.relative_difference)
                                                       : std::string("—");
      };
      say("| {:.2f} | {} | {} | {} | {} | {} | {} | {} / {} / {} / {} |\n", double(c.pixels) / 1e6, c.k, c.threads,
          mem("reference"), mem("armadillo"), mem("opencv"), mem("sklearn"), diff("reference"), diff("armadillo"),
          diff("opencv"), diff("sklearn"));
    }
    say("\nload average at the end: {}\n", machine_line().substr(machine_line().find("load average") + 13));
    say("\n{}\n", failures_ == 0 ? fmt::format("All implementations agree within {:.0e}.", o_.tolerance)
                                 : fmt::format("{} configuration(s) failed or disagreed (see above).", failures_));
    if (!o_.output.empty()) {
      std::ofstream out(o_.output);
      out << text_;
    }
  }

  Options o_;
  fs::path work_, self_;
  std::map<int, Roofline> rooflines_;
  std::map<int, double> opencv_seconds_per_pc_;
  std::vector<Case> cases_;
  Mixture last_mixture_;
  std::string text_;
  int failures_ = 0;
};

}  // namespace

}  // namespace gmmlab::bench

int main(int argc, char** argv) {
  using namespace gmmlab::bench;
  CLI::App app{"gmmlab-bench: the reference EM against Armadillo, OpenCV and scikit-learn, with the roofline"};
  Options o;
  app.add_option("--image", o.image, "Photo to resize (default lab/data/coffee.png)");
  app.add_option("--sizes", o.sizes, "Megapixels (default 0.25 1 4 12)");
  app.add_option("--k", o.ks, "Components (default 3 5)");
  app.add_option("--threads", o.threads, "Thread counts (default 1 2)");
  app.add_option("--peers", o.peers, "Implementations (default reference armadillo opencv sklearn)");
  app.add_option("--repeats", o.repeats, "Timed runs per configuration, the median is reported (default 3)");
  app.add_option("--iterations", o.iterations, "EM updates per run (default: 20 at 0.25 MP down to 2 at 4 MP and up)");
  app.add_option("--opencv-budget", o.opencv_budget, "Seconds an OpenCV configuration may take (default 60)");
  app.add_option("--tolerance", o.tolerance, "Largest relative log-likelihood difference accepted (default 1e-8)");
  app.add_option("--python", o.python, "Python with scikit-learn (default /usr/bin/python3)");
  app.add_option("-o,--output", o.output, "Also write the report (Markdown) to this file");
  app.add_flag("--quick", o.quick, "Smoke test: 0.02 MP, K=3, 3 updates, one run each");

  ChildOptions child;
  CLI::App* child_command = app.add_subcommand("child", "One timed configuration (used by the benchmark itself)");
  child_command->add_option("IMPL", child.impl)->required();
  child_command->add_option("DATA", child.data)->required();
  child_command->add_option("ITERATIONS", child.iterations)->required();
  child_command->add_option("REPEATS", child.repeats)->required();
  child_command->add_option("THREADS", child.threads)->required();

  double resize_mp = 12;
  fs::path resize_out;
  CLI::App* resize = app.add_subcommand("resize", "Write the photo resized (for timing gmmlab segment at large sizes)");
  resize->add_option("MEGAPIXELS", resize_mp)->required();
  resize->add_option("OUTPUT", resize_out)->required();
  KMeansBenchOptions kmeans;
  CLI::App* kmeans_command = app.add_subcommand("kmeans", "k-means initialisation: sampled against whole, scikit-learn and OpenCV");
  kmeans_command->add_option("--sizes", kmeans.sizes, "Megapixels of coffee.png (default 0.25 1 4 12); the bundled photos are always run");
  kmeans_command->add_option("--k", kmeans.ks, "Components (default 3 5)");
  kmeans_command->add_option("--threads", kmeans.threads, "Threads (default 2)");
  kmeans_command->add_option("--python", kmeans.python, "Python with scikit-learn (default /usr/bin/python3)");
  kmeans_command->add_option("-o,--output", kmeans.output, "Also write the report (Markdown) to this file");
  CLI11_PARSE(app, argc, argv);

  try {
    if (*child_command) return run_child(child);
    if (*kmeans_command) return run_kmeans_bench(kmeans);
    if (*resize) {
      if (!cv::imwrite(resize_out.string(), resized_photo(o.image, resize_mp)))
        throw gmmlab::Error(fmt::format("cannot write '{}'", resize_out.string()));
      return 0;
    }
    if (o.quick) {
      o.sizes = {0.02};
      o.ks = {3};
      o.iterations = 3;
      o.repeats = 1;
    }
    return Bench(o).run();
  } catch (const std::exception& e) {
    fmt::print(stderr, "gmmlab-bench: {}\n", e.what());
    return 1;
  }
}
