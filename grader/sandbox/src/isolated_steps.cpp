// IsolatedSteps: one fresh worker process per call, supervised (supervisor.hpp), confined
// (confinement.hpp), limited and cleaned up. This file is the facade: the request and the
// answer of each call (wire.hpp) and what each way of failing becomes.
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <vector>

#include "confinement.hpp"
#include "gmmlab/running_program.hpp"
#include "gmmlab/sandbox.hpp"
#include "sandbox_config.hpp"
#include "supervisor.hpp"
#include "wire.hpp"

namespace gmmlab {

using sandbox_detail::Fd;
using sandbox_detail::make_pipe;
using sandbox_detail::Pipe;
using sandbox_detail::set_nonblocking;
using sandbox_detail::signal_sentence;

namespace {

constexpr std::size_t output_keep = 4096;

struct Outcome {
  enum class How { answered, ended, timed_out, cancelled } how = How::ended;
  std::string answer;    // a complete answer, header included
  bool garbage = false;  // the answer descriptor carried something that is not an answer
  int wait_status = 0;   // the worker's, when it ended by itself
  bool ended_by_itself = false;
  int exec_error = 0;    // the worker could not be started at all
  bool reported = true;  // false: the supervisor ended without its report (Supervised::Report)
};

// A call's scratch folder (the worker's working folder, HOME and TMPDIR), removed with
// whatever the student code wrote into it.
class ScratchFolder {
 public:
  ScratchFolder() : path_(sandbox_detail::make_scratch_folder("worker")) {}
  ~ScratchFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// SIGPIPE from writing to a worker that already died must not end the grader: block it in
// this thread for the call, and swallow any that became pending.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, &old_);
  }
  ~SigpipeBlock() {
    sigset_t set, pending;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    sigpending(&pending);
    if (sigismember(&pending, SIGPIPE)) {
      const struct timespec zero = {0, 0};
      sigtimedwait(&set, nullptr, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t old_;
};

}  // namespace

struct IsolatedSteps::State {
  std::mutex mutex;
  std::set<int> cancel_fds;  // write ends of the running calls' cancel pipes
  std::string last_output;
  std::map<std::string, int> timeouts;  // per call ("the student E-step"): calls that ran out of time
};

// A function that ran out of time on this many inputs is taken to hang on any: it is not called
// again, so one hung function costs a grading about twice the time limit, not once per check.
constexpr int kHungAfterTimeouts = 2;

// Who answers a call, in the words of the sentences ("the student E-step"), and the calls whose
// student functions it runs too: the provided E-step calls responsibilities() and
// log_likelihood(), so once responsibilities() is known to hang the whole E-step is not called.
struct Callee {
  std::string who;
  std::vector<std::string> runs_also;
};

namespace {

struct CallSpec {
  const char* title;                  // "Z-score"
  std::vector<struct iovec> request;  // the request, pointing into the caller's matrices
  std::size_t answer_cap;             // the most answer bytes accepted
};

class Call {
 public:
  Call(const std::filesystem::path& program, const SandboxLimits& limits, IsolatedSteps::State& state)
      : program_(program), limits_(limits), state_(state) {}

  Outcome run(CallSpec spec, std::string& output) {
    SigpipeBlock sigpipe;
    ScratchFolder folder;
    Pipe req = make_pipe(), out = make_pipe(), ans = make_pipe(), cancel = make_pipe();
    const sandbox_detail::View view{folder.path(), {program_.string()}};
    sandbox_detail::ProcessLimits limits;
    limits.memory_bytes = static_cast<rlim_t>(limits_.memory_mb) << 20;
    limits.sanitized = sandbox_config::sanitized;  // the worker links the build's sanitized objects
    limits.cpu_seconds = static_cast<rlim_t>(std::ceil(limits_.seconds)) + 1;
    limits.processes = limits_.processes;
    const sandbox_detail::Confinement confinement(view, limits);

    set_nonblocking(cancel.write.get());  // cancel() never blocks, however often it is called
    {
      std::lock_guard lock(state_.mutex);
      state_.cancel_fds.insert(cancel.write.get());
    }
    struct Unregister {
      IsolatedSteps::State& s;
      int fd;
      ~Unregister() {
        std::lock_guard lock(s.mutex);
        s.cancel_fds.erase(fd);
      }
    } unregister{state_, cancel.write.get()};

    // The worker's stdin is the request, its stdout and stderr the captured output, fd 3 the answer.
    sandbox_detail::Supervised worker(confinement, {program_.string()}, folder.path(),
                                      {req.read.get(), out.write.get(), out.write.get(), ans.write.get()});
    req.read.reset();
    out.write.reset();
    ans.write.reset();
    // Big pipes: a 150k-pixel matrix crosses in a few hand-overs instead of fifty, which
    // matters on a busy machine where each hand-over waits for a time slice. Best effort.
    ::fcntl(req.write.get(), F_SETPIPE_SZ, 1 << 20);
    ::fcntl(ans.read.get(), F_SETPIPE_SZ, 1 << 20);
    set_nonblocking(req.write.get());
    set_nonblocking(out.read.get());
    set_nonblocking(ans.read.get());

    // An exception leaves through `worker`'s destructor, which still ends everything.
    Outcome outcome = exchange(spec, req.write, out.read, ans.read, cancel.read.get(), worker.ended_fd(), output);
    req.write.reset();
    const auto report = worker.finish();
    drain_output(out.read.get(), output);
    outcome.ended_by_itself = report.ended_by_itself;
    outcome.wait_status = report.wait_status;
    outcome.exec_error = report.exec_error;
    outcome.reported = report.reported;
    return outcome;
  }

 private:
  void keep_output(const char* p, std::size_t n, std::string& output) {
    output_total_ += n;
    if (output.size() < output_keep) output.append(p, std::min(n, output_keep - output.size()));
  }

  void drain_output(int fd, std::string& output) {
    char buf[65536];
    for (;;) {
      const ssize_t r = ::read(fd, buf, sizeof buf);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      keep_output(buf, static_cast<std::size_t>(r), output);
    }
    if (output_total_ > output.size())
      output += fmt::format("\n[... {} more bytes of output not shown]", output_total_ - output.size());
  }

  // Feeds the request, collects output and the answer until the answer is complete, the worker
  // has ended (the supervisor's report is ready), the deadline passes or cancel() is called.
  Outcome exchange(CallSpec& spec, Fd& req, Fd& out, Fd& ans, int cancel_fd, int status_fd, std::string& output) {
    using clock = std::chrono::steady_clock;
    const auto deadline =
        clock::now() + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(limits_.seconds));
    Outcome outcome;
    std::size_t iov_at = 0;
    std::string answer;  // the header, then (resized) the whole answer
    std::size_t answer_got = 0;
    std::uint64_t body_length = 0;
    bool ans_open = true;
    std::vector<char> buffer(1 << 16);  // output and the answer's header (the body goes in place)
    char* const buf = buffer.data();
    const std::size_t buf_size = buffer.size();
    for (;;) {
      struct pollfd pf[5] = {{cancel_fd, POLLIN, 0},
                             {ans.get(), POLLIN, 0},
                             {out.get(), POLLIN, 0},
                             {req.get(), POLLOUT, 0},
                             {status_fd, POLLIN, 0}};
      if (!ans_open) pf[1].fd = -1;
      // The answer channel closed without an answer: the worker is ending or closed it. Its
      // wait status (crash, exit code) comes from the supervisor, which reports a worker's end
      // at once; a worker that lives on meets the deadline.
      if (ans_open) pf[4].fd = -1;
      if (!out) pf[2].fd = -1;
      if (!req) pf[3].fd = -1;
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock::now()).count();
      if (left <= 0) {
        outcome.how = Outcome::How::timed_out;
        return outcome;
      }
      const int r = ::poll(pf, 5, static_cast<int>(std::min<long long>(left, 1 << 30)));
      if (r < 0) {
        if (errno == EINTR) continue;
        throw Error(fmt::format("cannot wait for student code: {}", std::strerror(errno)));
      }
      if (pf[0].revents != 0) {
        outcome.how = Outcome::How::cancelled;
        return outcome;
      }
      if (pf[4].revents != 0) {
        outcome.how = Outcome::How::ended;
        return outcome;
      }
      if (pf[2].revents != 0) {
        const ssize_t n = ::read(out.get(), buf, buf_size);
        if (n > 0)
          keep_output(buf, static_cast<std::size_t>(n), output);
        else if (n == 0 || (errno != EAGAIN && errno != EINTR))
          out.reset();
      }
      if (pf[3].revents != 0) {
        while (iov_at < spec.request.size() && spec.request[iov_at].iov_len == 0) ++iov_at;
        if (iov_at < spec.request.size()) {
          const int count = static_cast<int>(std::min<std::size_t>(spec.request.size() - iov_at, IOV_MAX));
          const ssize_t w = ::writev(req.get(), spec.request.data() + iov_at, count);
          if (w < 0 && errno != EAGAIN && errno != EINTR) {
            req.reset();  // the worker is gone or closed stdin; its end is reported below
          } else if (w > 0) {
            std::size_t done = static_cast<std::size_t>(w);
            while (done > 0) {
              auto& v = spec.request[iov_at];
              const std::size_t step = std::min(done, v.iov_len);
              v.iov_base = static_cast<char*>(v.iov_base) + step;
              v.iov_len -= step;
              done -= step;
              if (v.iov_len == 0) ++iov_at;
            }
          }
        }
        if (iov_at >= spec.request.size()) req.reset();
      }
      if (pf[1].revents != 0) {
        // The header into `answer`, then the body straight into its final place (sized once,
        // after the length was checked against the cap).
        const bool in_header = answer_got < wire::answer_header_size;
        const std::size_t want =
            in_header ? wire::answer_header_size - answer_got : wire::answer_header_size + body_length - answer_got;
        char* const into = in_header ? buf : answer.data() + answer_got;
        const ssize_t n = ::read(ans.get(), into, in_header ? std::min(want, buf_size) : want);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
          ans_open = false;  // without a full answer; see pf[4]
          outcome.garbage =
              !answer.empty() && answer.size() >= 4 && std::memcmp(answer.data(), wire::answer_magic, 4) != 0;
          continue;
        }
        if (n > 0) {
          if (in_header) answer.append(buf, static_cast<std::size_t>(n));
          answer_got += static_cast<std::size_t>(n);
          if (in_header && answer_got >= wire::answer_header_size) {
            std::memcpy(&body_length, answer.data() + 4, 8);
            if (std::memcmp(answer.data(), wire::answer_magic, 4) != 0 || body_length > spec.answer_cap) {
              outcome.how = Outcome::How::answered;
              outcome.garbage = true;
              return outcome;
            }
            answer.resize(wire::answer_header_size + body_length);
          }
          if (answer_got >= wire::answer_header_size && answer_got == wire::answer_header_size + body_length) {
            outcome.how = Outcome::How::answered;
            outcome.answer = std::move(answer);
            return outcome;
          }
        }
      }
    }
  }

  const std::filesystem::path& program_;
  const SandboxLimits& limits_;
  IsolatedSteps::State& state_;
  std::size_t output_total_ = 0;
};

std::string seconds_text(double s) { return fmt::format("{:g} s", s); }

// Rebuilds the worker's NotImplemented with the same exercise and the very same line.
[[noreturn]] void rethrow_not_implemented(Exercise exercise, const std::string& message, const char* title) {
  const std::string t = exercise_title(exercise);
  const std::string prefix = "student " + t + " is not written yet: ", suffix = " (see handout §" + t + ")";
  if (message.size() > prefix.size() + suffix.size() && message.starts_with(prefix) && message.ends_with(suffix)) {
    const std::string middle = message.substr(prefix.size(), message.size() - prefix.size() - suffix.size());
    const auto comma = middle.find(", ");
    if (comma != std::string::npos) {
      NotImplemented again(exercise, middle.substr(0, comma), middle.substr(comma + 2));
      if (message == again.what()) throw again;
    }
  }
  throw StudentCodeFailed(
      StudentCodeFailed::Kind::protocol,
      fmt::format("the student {} answered with an unreadable 'not written yet' line: {}", title, message));
}

}  // namespace

IsolatedSteps::IsolatedSteps(std::filesystem::path worker_program, SandboxLimits limits, std::string name)
    : worker_(std::move(worker_program)), limits_(limits), name_(std::move(name)), state_(std::make_unique<State>()) {
  if (!(limits_.seconds > 0) || !std::isfinite(limits_.seconds))
    throw Error(
        fmt::format("the time limit for student code is {} s; give a positive number of seconds", limits_.seconds));
  if (limits_.memory_mb == 0) throw Error("the memory limit for student code is 0 MB; give a positive number of MB");
}

IsolatedSteps::~IsolatedSteps() = default;

void check_limits(const SandboxLimits& limits, const char* seconds_flag, const char* memory_flag,
                  const char* processes_flag) {
  if (!(limits.seconds >= kMinSeconds) || !std::isfinite(limits.seconds) || limits.seconds > 86400)
    throw UsageError(fmt::format("{} is {:g}; give a number of seconds from {:g} to 86400 (a correct call on the "
                                 "sample takes well under a second, a compile a few seconds)",
                                 seconds_flag, limits.seconds, kMinSeconds));
  if (limits.memory_mb < kMinMemoryMb || limits.memory_mb > (std::size_t(1) << 24))
    throw UsageError(fmt::format("{} is {}; give a number of megabytes from {} up (a worker needs about 100 MB "
                                 "before the student code allocates anything, the compiler a few hundred)",
                                 memory_flag, limits.memory_mb, kMinMemoryMb));
  if (limits.processes < kMinProcesses || limits.processes > 100000)
    throw UsageError(fmt::format("{} is {}; give a number of processes and threads from {} to 100000 (the "
                                 "compiler alone needs 3)",
                                 processes_flag, limits.processes, kMinProcesses));
}

std::string_view IsolatedSteps::name() const { return name_; }
const std::filesystem::path& IsolatedSteps::worker_program() const { return worker_; }
const SandboxLimits& IsolatedSteps::limits() const { return limits_; }

void IsolatedSteps::cancel() const {
  std::lock_guard lock(state_->mutex);
  for (int fd : state_->cancel_fds) {
    const char byte = 'c';
    [[maybe_unused]] ssize_t w = ::write(fd, &byte, 1);
  }
}

std::string IsolatedSteps::last_output() const {
  std::lock_guard lock(state_->mutex);
  return state_->last_output;
}

namespace {

// Runs one call and returns an "ok" answer (read it with ok_payload); anything else becomes the exception a
// caller expects (NotImplemented, StudentCodeFailed, Cancelled, or Error when the worker
// cannot start at all).
std::string call_worker(const std::filesystem::path& program, const SandboxLimits& limits, IsolatedSteps::State& state,
                        CallSpec spec, const Callee& callee) {
  const std::string& who = callee.who;
  if (::access(program.c_str(), X_OK) != 0)
    throw Error(fmt::format("cannot run the student worker {}: {}; build it (cmake --build) or give the right path",
                            program.string(), std::strerror(errno)));
  using Kind = StudentCodeFailed::Kind;
  {
    std::lock_guard lock(state.mutex);
    if (const auto t = state.timeouts.find(who); t != state.timeouts.end() && t->second >= kHungAfterTimeouts)
      throw StudentCodeFailed(Kind::timed_out, fmt::format("{} was not called again: it took longer than {} on {} "
                                                           "inputs already",
                                                           who, seconds_text(limits.seconds), t->second));
    for (const std::string& part : callee.runs_also)
      if (const auto t = state.timeouts.find(part); t != state.timeouts.end() && t->second >= kHungAfterTimeouts)
        throw StudentCodeFailed(Kind::timed_out,
                                fmt::format("{} was not called: it runs {}, which took longer than {} on {} inputs "
                                            "already",
                                            who, part, seconds_text(limits.seconds), t->second));
  }
  std::string output;
  Call call(program, limits, state);
  Outcome o = call.run(std::move(spec), output);
  {
    std::lock_guard lock(state.mutex);
    state.last_output = output;
  }
  if (o.exec_error != 0)
    throw Error(fmt::format("cannot run the student worker {} in the sandbox: {}", program.string(),
                            std::strerror(o.exec_error)));
  // Not the student's doing: the sandbox itself could not set the call up.
  if (!o.reported && o.how != Outcome::How::answered && o.how != Outcome::How::cancelled)
    throw Error(fmt::format("the sandbox could not run the student worker {}: its supervising process ended "
                            "without saying how the call went (too few open files allowed? see `ulimit -n`)",
                            program.string()));
  switch (o.how) {
    case Outcome::How::cancelled:
      throw Cancelled(fmt::format("{} was cancelled", who));
    case Outcome::How::timed_out: {
      std::lock_guard lock(state.mutex);
      ++state.timeouts[who];
    }
      throw StudentCodeFailed(Kind::timed_out,
                              fmt::format("{} took longer than {}", who, seconds_text(limits.seconds)));
    case Outcome::How::ended:
      if (!o.ended_by_itself && !o.garbage)
        throw StudentCodeFailed(Kind::protocol, fmt::format("{} closed its answer channel without answering", who));
      if (o.garbage) throw StudentCodeFailed(Kind::protocol, fmt::format("{} answered garbage", who));
      if (WIFSIGNALED(o.wait_status))
        throw StudentCodeFailed(Kind::crashed,
                                fmt::format("{} crashed with {}", who, signal_sentence(WTERMSIG(o.wait_status))));
      if (WIFEXITED(o.wait_status))
        throw StudentCodeFailed(
            Kind::exited, fmt::format("{} exited with code {} before answering", who, WEXITSTATUS(o.wait_status)));
      throw StudentCodeFailed(Kind::protocol, fmt::format("{} closed its answer channel without answering", who));
    case Outcome::How::answered:
      break;
  }
  if (o.garbage) throw StudentCodeFailed(Kind::protocol, fmt::format("{} answered garbage", who));
  wire::Reader r(std::string_view(o.answer).substr(wire::answer_header_size));
  std::uint8_t status = 0;
  if (!r.u8(status)) throw StudentCodeFailed(Kind::protocol, fmt::format("{} answered garbage", who));
  std::string message;
  switch (static_cast<wire::Status>(status)) {
    case wire::Status::ok:
      return std::move(o.answer);
    case wire::Status::not_implemented: {
      std::uint8_t ex = 0;
      if (!r.u8(ex) || ex > static_cast<std::uint8_t>(Exercise::m_step) || !r.str(message))
        throw StudentCodeFailed(Kind::protocol, fmt::format("{} answered garbage", who));
      rethrow_not_implemented(static_cast<Exercise>(ex), message, who.c_str());
    }
    case wire::Status::threw:
      if (!r.str(message)) throw StudentCodeFailed(Kind::protocol, fmt::format("{} answered garbage", who));
      throw StudentCodeFailed(Kind::threw, fmt::format("{} threw an error: {}", who, message));
    case wire::Status::out_of_memory:
      throw StudentCodeFailed(Kind::out_of_memory,
                              fmt::format("{} ran out of memory (limit {} MB)", who, limits.memory_mb));
    case wire::Status::cannot_start: {
      std::int32_t err = 0;
      r.bytes(&err, 4);
      throw Error(fmt::format("cannot run the student worker {}: {}", program.string(), std::strerror(err)));
    }
  }
  throw StudentCodeFailed(Kind::protocol, fmt::format("{} answered garbage", who));
}

// What follows the header and the status byte of an "ok" answer.
wire::Reader ok_payload(const std::string& answer) {
  return wire::Reader(std::string_view(answer).substr(wire::answer_header_size + 1));
}

struct RequestBuilder {
  std::vector<std::string> headers;  // kept alive: the iovecs point into them
  std::vector<struct iovec> iov;
  std::size_t bytes = 0;

  explicit RequestBuilder(wire::Call call) {
    headers.reserve(16);
    std::string h(wire::request_magic, 4);
    h.push_back(static_cast<char>(call));
    add_header(std::move(h));
  }
  void add_header(std::string h) {
    headers.push_back(std::move(h));
    iov.push_back({headers.back().data(), headers.back().size()});
    bytes += headers.back().size();
  }
  void dims(std::initializer_list<std::uint64_t> ds) {
    std::string h;
    for (std::uint64_t d : ds) h.append(reinterpret_cast<const char*>(&d), 8);
    add_header(std::move(h));
  }
  void data(const double* p, std::size_t n) {
    iov.push_back({const_cast<double*>(p), n * sizeof(double)});
    bytes += n * sizeof(double);
  }
  void mat(const arma::mat& m) {
    dims({m.n_rows, m.n_cols});
    data(m.memptr(), m.n_elem);
  }
  void cube(const arma::cube& c) {
    dims({c.n_rows, c.n_cols, c.n_slices});
    data(c.memptr(), c.n_elem);
  }
};

// An answer may be a few times larger than the right one (a wrong shape is the student's
// mistake to be graded, not a protocol error), but never more: a worker cannot make the
// grader allocate more than this.
std::size_t answer_cap(std::size_t expected_doubles) { return 8 * expected_doubles * sizeof(double) + (1 << 20); }

[[noreturn]] void garbage(const std::string& who) {
  throw StudentCodeFailed(StudentCodeFailed::Kind::protocol, fmt::format("{} answered garbage", who));
}

// The E-step's inputs (the whole E-step and each of its parts): the pixels and the mixture.
RequestBuilder e_step_request(wire::Call call, const arma::mat& x, const Mixture& m) {
  RequestBuilder b(call);
  b.mat(x);
  b.mat(m.means);
  b.cube(m.covs);
  b.dims({m.priors.n_elem, 1});
  b.data(m.priors.memptr(), m.priors.n_elem);
  return b;
}

// The M-step's inputs: the pixels and the responsibilities.
RequestBuilder m_step_request(wire::Call call, const arma::mat& x, const arma::mat& gamma) {
  RequestBuilder b(call);
  b.mat(x);
  b.mat(gamma);
  return b;
}

}  // namespace

arma::mat IsolatedSteps::zscore(const arma::mat& raw) const {
  const std::string who = fmt::format("the {} Z-score", name_);
  RequestBuilder b(wire::Call::zscore);
  b.mat(raw);
  const std::string body = call_worker(worker_, limits_, *state_, {"Z-score", b.iov, answer_cap(raw.n_elem)}, {who, {}});
  wire::Reader r = ok_payload(body);
  arma::mat z;
  if (!r.mat(z) || !r.at_end()) garbage(who);
  return z;
}

Posterior IsolatedSteps::e_step(const arma::mat& x, const Mixture& m) const {
  const std::string who = fmt::format("the {} E-step", name_);
  RequestBuilder b = e_step_request(wire::Call::e_step, x, m);
  const std::size_t expected = x.n_rows * std::max<std::size_t>(m.priors.n_elem, 1) + 1;
  const std::string body = call_worker(worker_, limits_, *state_, {"E-step", b.iov, answer_cap(expected)},
                                       {who, {part_who("responsibilities()"), part_who("log_likelihood()")}});
  wire::Reader r = ok_payload(body);
  Posterior p;
  if (!r.mat(p.gamma) || !r.f64(p.log_likelihood) || !r.at_end()) garbage(who);
  return p;
}

Mixture IsolatedSteps::m_step(const arma::mat& x, const arma::mat& gamma) const {
  const std::string who = fmt::format("the {} M-step", name_);
  RequestBuilder b = m_step_request(wire::Call::m_step, x, gamma);
  const std::size_t k = std::max<std::size_t>(gamma.n_cols, 1), d = std::max<std::size_t>(x.n_cols, 1);
  const std::size_t expected = k * d + d * d * k + k;
  const std::string body =
      call_worker(worker_, limits_, *state_, {"M-step", b.iov, answer_cap(expected)},
                  {who, {part_who("means()"), part_who("covariances()"), part_who("priors()")}});
  wire::Reader r = ok_payload(body);
  Mixture m;
  arma::mat priors;
  if (!r.mat(m.means) || !r.cube(m.covs) || !r.mat(priors) || !r.at_end()) garbage(who);
  m.priors = arma::vectorise(priors);
  return m;
}

std::string IsolatedSteps::part_who(std::string_view function) const {
  return fmt::format("the {} {}", name_, function);
}

arma::mat IsolatedSteps::gamma_of(const arma::mat& x, const Mixture& m) const {
  const std::string who = part_who("responsibilities()");
  RequestBuilder b = e_step_request(wire::Call::gamma_of, x, m);
  const std::size_t expected = x.n_rows * std::max<std::size_t>(m.priors.n_elem, 1);
  const std::string body = call_worker(worker_, limits_, *state_, {"E-step", b.iov, answer_cap(expected)}, {who, {}});
  wire::Reader r = ok_payload(body);
  arma::mat gamma;
  if (!r.mat(gamma) || !r.at_end()) garbage(who);
  return gamma;
}

double IsolatedSteps::log_likelihood_of(const arma::mat& x, const Mixture& m) const {
  const std::string who = part_who("log_likelihood()");
  RequestBuilder b = e_step_request(wire::Call::log_likelihood_of, x, m);
  const std::string body = call_worker(worker_, limits_, *state_, {"E-step", b.iov, answer_cap(1)}, {who, {}});
  wire::Reader r = ok_payload(body);
  double log_likelihood = 0;
  if (!r.f64(log_likelihood) || !r.at_end()) garbage(who);
  return log_likelihood;
}

arma::mat IsolatedSteps::means_of(const arma::mat& x, const arma::mat& gamma) const {
  const std::string who = part_who("means()");
  RequestBuilder b = m_step_request(wire::Call::means_of, x, gamma);
  const std::size_t expected = std::max<std::size_t>(gamma.n_cols, 1) * std::max<std::size_t>(x.n_cols, 1);
  const std::string body = call_worker(worker_, limits_, *state_, {"M-step", b.iov, answer_cap(expected)}, {who, {}});
  wire::Reader r = ok_payload(body);
  arma::mat means;
  if (!r.mat(means) || !r.at_end()) garbage(who);
  return means;
}

arma::cube IsolatedSteps::covariances_of(const arma::mat& x, const arma::mat& gamma, const arma::mat& means) const {
  const std::string who = part_who("covariances()");
  RequestBuilder b = m_step_request(wire::Call::covariances_of, x, gamma);
  b.mat(means);
  const std::size_t d = std::max<std::size_t>(x.n_cols, 1);
  const std::size_t expected = d * d * std::max<std::size_t>(gamma.n_cols, 1);
  const std::string body = call_worker(worker_, limits_, *state_, {"M-step", b.iov, answer_cap(expected)}, {who, {}});
  wire::Reader r = ok_payload(body);
  arma::cube covs;
  if (!r.cube(covs) || !r.at_end()) garbage(who);
  return covs;
}

arma::vec IsolatedSteps::priors_of(const arma::mat& x, const arma::mat& gamma) const {
  const std::string who = part_who("priors()");
  RequestBuilder b = m_step_request(wire::Call::priors_of, x, gamma);
  const std::string body =
      call_worker(worker_, limits_, *state_, {"M-step", b.iov, answer_cap(std::max<std::size_t>(gamma.n_cols, 1))},
                  {who, {}});
  wire::Reader r = ok_payload(body);
  arma::mat priors;
  if (!r.mat(priors) || !r.at_end()) garbage(who);
  return arma::vectorise(priors);
}

void shield_from_student_code() { ::prctl(PR_SET_DUMPABLE, 0); }

std::filesystem::path default_student_worker() {
  if (const auto self = running_program()) {
    const auto beside = self->parent_path() / sandbox_config::worker_name;
    if (::access(beside.c_str(), X_OK) == 0) return beside;
  }
  const std::filesystem::path built = sandbox_config::built_worker;
  if (::access(built.c_str(), X_OK) == 0) return built;
  throw Error(fmt::format("the student worker {} is not built; run `cmake --build` in the build folder",
                          sandbox_config::worker_name));
}

}  // namespace gmmlab
