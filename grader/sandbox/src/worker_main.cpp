// The worker: the main of a small program linked with one student library (the submission's
// code, never the reference). IsolatedSteps starts it afresh for every call: it reads one
// request on stdin, calls the student's Steps, writes one answer on the answer fd and ends.
//
// The answer goes to its own descriptor, not stdout: whatever the student code prints (fake
// test results, fake JSON) lands in the captured output, which the grader shows but never reads
// as a result. Nothing here decides a score; it only reports what the student code did.
#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <exception>
#include <iostream>
#include <memory>
#include <new>

#include "gmmlab/errors.hpp"
#include "gmmlab/steps.hpp"
#include "wire.hpp"

namespace gmmlab::worker {
std::unique_ptr<Steps> make_student_steps();  // student_factory.cpp
}

namespace {

using gmmlab::wire::Status;

int answer_fd = -1;
std::atomic<bool> answered{false};

bool write_all(int fd, const char* p, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

bool read_all(int fd, void* out, std::size_t n) {
  char* p = static_cast<char*>(out);
  while (n > 0) {
    const ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

// Request reading straight from stdin: the grader is trusted, but a short read still ends
// the worker with a clear code rather than undefined values.
struct RequestIn {
  std::uint64_t u64() {
    std::uint64_t v = 0;
    if (!read_all(0, &v, 8)) std::_Exit(120);
    return v;
  }
  arma::mat mat() {
    const std::uint64_t r = u64(), c = u64();
    arma::mat m(r, c);
    if (!read_all(0, m.memptr(), m.n_elem * sizeof(double))) std::_Exit(120);
    return m;
  }
  arma::cube cube() {
    const std::uint64_t r = u64(), c = u64(), s = u64();
    arma::cube q(r, c, s);
    if (!read_all(0, q.memptr(), q.n_elem * sizeof(double))) std::_Exit(120);
    return q;
  }
};

// Sends one answer, once (the main thread and the terminate handler may race), then ends the
// process without running the student's static destructors.
[[noreturn]] void answer_and_exit(const std::string& body) {
  if (!answered.exchange(true)) {
    std::fflush(nullptr);
    std::cout.flush();
    std::cerr.flush();
    gmmlab::wire::Writer header;
    header.bytes(gmmlab::wire::answer_magic, 4);
    header.u64(body.size());
    if (write_all(answer_fd, header.data().data(), header.data().size()))
      write_all(answer_fd, body.data(), body.size());
  }
  std::_Exit(0);
}

[[noreturn]] void answer_message(Status status, const std::string& message) {
  gmmlab::wire::Writer w;
  w.u8(static_cast<std::uint8_t>(status));
  w.str(message);
  answer_and_exit(w.data());
}

// Whatever escaped: an exception in flight (the main call, or a thread the student started).
[[noreturn]] void answer_exception(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const gmmlab::NotImplemented& ni) {
    gmmlab::wire::Writer w;
    w.u8(static_cast<std::uint8_t>(Status::not_implemented));
    w.u8(static_cast<std::uint8_t>(ni.exercise()));
    w.str(ni.what());
    answer_and_exit(w.data());
  } catch (const std::bad_alloc&) {
    answer_message(Status::out_of_memory, "std::bad_alloc");
  } catch (const std::exception& ex) {
    answer_message(Status::threw, ex.what());
  } catch (...) {
    answer_message(Status::threw, "an exception that is not a std::exception");
  }
}

[[noreturn]] void on_terminate() {
  if (std::exception_ptr e = std::current_exception()) answer_exception(e);
  std::abort();  // terminate without an exception: reported as a crash (SIGABRT)
}

std::string serve(gmmlab::wire::Call call, RequestIn& in) {
  const std::unique_ptr<gmmlab::Steps> student = gmmlab::worker::make_student_steps();
  const gmmlab::Steps& steps = *student;
  gmmlab::wire::Writer w;
  w.u8(static_cast<std::uint8_t>(Status::ok));
  switch (call) {
    case gmmlab::wire::Call::zscore: {
      const arma::mat raw = in.mat();
      ::close(0);
      const arma::mat z = steps.zscore(raw);
      w.data().reserve(64 + z.n_elem * sizeof(double));
      w.mat(z);
      return std::move(w.data());
    }
    case gmmlab::wire::Call::e_step:
    case gmmlab::wire::Call::gamma_of:
    case gmmlab::wire::Call::log_likelihood_of: {
      const arma::mat x = in.mat();
      gmmlab::Mixture m;
      m.means = in.mat();
      m.covs = in.cube();
      m.priors = arma::vectorise(in.mat());
      ::close(0);
      if (call == gmmlab::wire::Call::log_likelihood_of) {
        w.f64(steps.log_likelihood_of(x, m));
        return std::move(w.data());
      }
      if (call == gmmlab::wire::Call::gamma_of) {
        const arma::mat gamma = steps.gamma_of(x, m);
        w.data().reserve(64 + gamma.n_elem * sizeof(double));
        w.mat(gamma);
        return std::move(w.data());
      }
      const gmmlab::Posterior p = steps.e_step(x, m);
      w.data().reserve(64 + p.gamma.n_elem * sizeof(double));
      w.mat(p.gamma);
      w.f64(p.log_likelihood);
      return std::move(w.data());
    }
    case gmmlab::wire::Call::m_step:
    case gmmlab::wire::Call::means_of:
    case gmmlab::wire::Call::priors_of:
    case gmmlab::wire::Call::covariances_of: {
      const arma::mat x = in.mat();
      const arma::mat gamma = in.mat();
      const arma::mat means = call == gmmlab::wire::Call::covariances_of ? in.mat() : arma::mat();
      ::close(0);
      switch (call) {
        case gmmlab::wire::Call::means_of: w.mat(steps.means_of(x, gamma)); break;
        case gmmlab::wire::Call::priors_of: w.mat(arma::mat(steps.priors_of(x, gamma))); break;
        case gmmlab::wire::Call::covariances_of: w.cube(steps.covariances_of(x, gamma, means)); break;
        default: {
          const gmmlab::Mixture m = steps.m_step(x, gamma);
          w.mat(m.means);
          w.cube(m.covs);
          w.mat(arma::mat(m.priors));
        }
      }
      return std::move(w.data());
    }
  }
  std::_Exit(121);  // a byte that names no call: the parent sent garbage
}

}  // namespace

int main() {
  // Move the answer descriptor away from 3 and keep it out of any program the student runs.
  answer_fd = ::fcntl(3, F_DUPFD_CLOEXEC, 64);
  if (answer_fd < 0) return 122;
  ::close(3);
  // Whatever happens to the supervising process, this one does not outlive it. The parent is
  // compared before and after, not with 1: in a PID namespace the parent is that namespace's 1.
  const pid_t parent = ::getppid();
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) return 123;
  // Output that survives a crash: the lines printed just before it are the ones worth reading.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::set_terminate(on_terminate);

  char magic[4];
  std::uint8_t call = 0;
  if (!read_all(0, magic, 4) || std::memcmp(magic, gmmlab::wire::request_magic, 4) != 0 || !read_all(0, &call, 1))
    return 120;
  RequestIn in;
  std::string body;
  try {
    body = serve(static_cast<gmmlab::wire::Call>(call), in);
  } catch (...) {
    answer_exception(std::current_exception());
  }
  answer_and_exit(body);
}
