#include "gmmlab/testing/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "gmmlab/errors.hpp"

extern char** environ;

namespace gmmlab::testing {

StartedCommand::StartedCommand(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                               ChildStderr err)
    : program_(argv.at(0)) {
  const bool capture_err = err == ChildStderr::captured;
  int out_pipe[2], err_pipe[2] = {-1, -1};
  // Close-on-exec: only the dup2'd stdout/stderr reach the child. A grandchild that outlives it
  // (an X server xvfb-run failed to stop, say) must not hold the pipes open and hang the reader.
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || (capture_err && ::pipe2(err_pipe, O_CLOEXEC) != 0))
    throw Error("cannot create a pipe for " + program_);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  if (capture_err) posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_pipe[1]);
  if (capture_err) ::close(err_pipe[1]);
  out_ = out_pipe[0];
  err_ = err_pipe[0];
  if (rc != 0) {
    ::close(out_);
    if (err_ >= 0) ::close(err_);
    throw Error("cannot start '" + program_ + "'");
  }
}

StartedCommand::~StartedCommand() {
  if (waited_) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  ::close(out_);
  if (err_ >= 0) ::close(err_);
}

CommandResult StartedCommand::wait() {
  CommandResult result;
  pollfd fds[2] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}};  // poll skips a negative fd
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = err_ >= 0 ? 2 : 1;
  char buffer[65536];
  while (open_fds > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      throw Error("cannot read the output of " + program_);
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, std::size_t(n));
      } else {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  int status = 0;
  ::waitpid(pid_, &status, 0);
  waited_ = true;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

CommandResult run_command(const std::vector<std::string>& argv, const std::filesystem::path& cwd, ChildStderr err) {
  return StartedCommand(argv, cwd, err).wait();
}

}  // namespace gmmlab::testing
