// The sandbox's walls: which the host allows (isolation()), and how one program is put inside
// them (Confinement). See confinement.hpp for the order of the walls.
#include "confinement.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <grp.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "gmmlab/enum_names.hpp"
#include "gmmlab/temp_folder.hpp"
#include "sandbox_config.hpp"

namespace gmmlab {

const char* isolation_level_name(IsolationLevel l) {
  switch (l) {
    case IsolationLevel::namespaces: return "namespaces";
    case IsolationLevel::unprivileged_uid: return "uid";
    case IsolationLevel::weak: return "weak";
  }
  return "?";
}

std::string Isolation::line() const {
  std::string walls;
  switch (level) {
    case IsolationLevel::namespaces:
      walls = "new user, PID, network, IPC and mount namespaces with a read-only view (bubblewrap)";
      if (box_uid >= 0) walls += ", as an unprivileged uid of its own with no groups";
      break;
    case IsolationLevel::unprivileged_uid:
      walls = "an unprivileged uid of its own with no groups (no user namespaces on this host)";
      break;
    case IsolationLevel::weak:
      walls = landlock_abi > 0
                  ? "the grader's own user (not root, no user namespaces): WEAK, only Landlock keeps it from your files"
                  : "the grader's own user (not root, no user namespaces, no Landlock): WEAK, student code could read "
                    "and write what you can";
      break;
  }
  walls += ", seccomp, no_new_privs";
  if (level != IsolationLevel::namespaces && landlock_abi > 0)
    walls += fmt::format(", Landlock (ABI {})", landlock_abi);
  return "Isolation: student code and its compile run under " + walls;
}

namespace sandbox_detail {
namespace {

constexpr const char* kBubblewrap = "/usr/bin/bwrap";

int landlock_abi() {
  const long v = ::syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  return v > 0 ? static_cast<int>(v) : 0;
}

// The box's uid when the grader is root: far above any account's (isolate uses 60000 and up),
// different for each grading process, inside this (possibly remapped) container's uid range.
long pick_box_uid() {
  std::ifstream map("/proc/self/uid_map");
  unsigned long inside = 0, outside = 0, count = 0, best_first = 0, best_count = 0;
  while (map >> inside >> outside >> count)
    if (count > best_count) best_first = inside, best_count = count;
  const unsigned long pid = static_cast<unsigned long>(::getpid());
  if (best_count > 2'000'000'000UL) return static_cast<long>(1'000'000'000UL + pid);
  if (best_count > 40'000) return static_cast<long>(best_first + best_count - 2 - pid % 20'000);
  return 65534;  // a small map: nobody, still not root
}

// Tasks (processes and threads) this user has now: RLIMIT_NPROC counts them all, so a box that
// shares the grader's uid gets its cap on top of them.
rlim_t tasks_of_this_user() {
  rlim_t n = 0;
  const uid_t me = ::getuid();
  DIR* proc = ::opendir("/proc");
  if (!proc) return 0;
  while (const dirent* e = ::readdir(proc)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    struct stat st;
    if (::fstatat(::dirfd(proc), e->d_name, &st, 0) != 0 || st.st_uid != me) continue;
    std::ifstream status(fmt::format("/proc/{}/status", e->d_name));
    for (std::string line; std::getline(status, line);)
      if (line.starts_with("Threads:")) n += std::strtoul(line.c_str() + 8, nullptr, 10);
  }
  ::closedir(proc);
  return n;
}

// Does bubblewrap start here (as the box's uid when there is one)? A Docker container's
// default seccomp profile, or a kernel without unprivileged user namespaces, refuses it.
bool bubblewrap_works(long box_uid) {
  if (::access(kBubblewrap, X_OK) != 0) return false;
  const pid_t pid = ::fork();
  if (pid < 0) return false;
  if (pid == 0) {
    const int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 0), ::dup2(null, 1), ::dup2(null, 2);
    if (box_uid >= 0 && (::syscall(SYS_setgroups, 0, nullptr) != 0 || ::syscall(SYS_setresgid, box_uid, box_uid, box_uid) != 0 ||
                         ::syscall(SYS_setresuid, box_uid, box_uid, box_uid) != 0))
      ::_exit(1);
    const char* argv[] = {kBubblewrap, "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent",
                          "--new-session", "/bin/true", nullptr};
    char* envp[] = {nullptr};
    ::execve(kBubblewrap, const_cast<char**>(argv), envp);
    ::_exit(1);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

Isolation probe() {
  Isolation i;
  IsolationLevel cap = IsolationLevel::namespaces;
  if (const char* want = std::getenv("GMMLAB_ISOLATION"); want && *want) {
    // For trying the lower levels on a host that has the higher ones (tests, demonstrations):
    // it can only lower the walls, never raise them.
    const auto level = from_name(std::string(want), kIsolationLevels, isolation_level_name);
    if (!level)
      throw Error(fmt::format("GMMLAB_ISOLATION is '{}'; give one of {} or leave it unset", want,
                              name_choices(kIsolationLevels, isolation_level_name)));
    cap = *level;
  }
  i.landlock_abi = landlock_abi();
  if (::geteuid() == 0 && cap != IsolationLevel::weak) i.box_uid = pick_box_uid();
  if (cap == IsolationLevel::namespaces && bubblewrap_works(i.box_uid))
    i.level = IsolationLevel::namespaces;
  else if (i.box_uid >= 0)
    i.level = IsolationLevel::unprivileged_uid;
  else
    i.level = IsolationLevel::weak;
  return i;
}

// ---- seccomp ---------------------------------------------------------------------------

// Nothing a GMM exercise or a compiler needs; everything a hostile submission would reach for.
constexpr std::array kRefused = {
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_open", "pidfd_getfd", "pidfd_send_signal",
    "tkill", "socket", "socketpair", "mount", "umount2", "pivot_root", "chroot", "unshare", "setns",
    "move_mount", "open_tree", "fsopen", "fsmount", "fspick", "mount_setattr", "keyctl", "add_key", "request_key",
    "bpf", "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "reboot", "swapon", "swapoff",
    "acct", "quotactl", "open_by_handle_at", "name_to_handle_at", "settimeofday", "clock_settime", "clock_adjtime",
    "adjtimex", "sethostname", "setdomainname", "iopl", "ioperm", "fanotify_init", "lookup_dcookie",
    "process_madvise", "vhangup"};
// Signals: only to the program itself (its pid is patched in after fork) when nothing else
// keeps it from other processes of the same uid.
constexpr std::array kSignalCalls = {"kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo"};
constexpr std::uint32_t kPidPlaceholder = 0x5eed5eed;
constexpr int kNamespaceFlags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC |
                                CLONE_NEWUTS | CLONE_NEWCGROUP;

struct Filter {
  std::vector<unsigned char> program;          // struct sock_filter[]
  std::vector<std::size_t> pid_instructions;   // indices whose k is the program's pid
};

Filter build_filter(bool limit_signals) {
  scmp_filter_ctx ctx = ::seccomp_init(SCMP_ACT_ALLOW);
  if (!ctx) throw Error("cannot build the sandbox's seccomp filter (libseccomp failed); reinstall libseccomp2");
  struct Free {
    scmp_filter_ctx c;
    ~Free() { ::seccomp_release(c); }
  } free_ctx{ctx};
  int rc = ::seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);  // set by apply_in_child itself
  auto refuse = [&](const char* name, unsigned count, const scmp_arg_cmp* args) {
    const int nr = ::seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR) return;  // this libseccomp does not know it: nor does the kernel
    if (::seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(EPERM), nr, count, args) != 0) rc = -1;
  };
  for (const char* name : kRefused) refuse(name, 0, nullptr);
  // clone with a namespace flag; clone3 cannot be looked into, so glibc is told it does not
  // exist and falls back to clone.
  for (int flag = 1; flag != 0; flag <<= 1)
    if (flag & kNamespaceFlags) {
      const scmp_arg_cmp has = SCMP_A0_64(SCMP_CMP_MASKED_EQ, static_cast<scmp_datum_t>(flag), static_cast<scmp_datum_t>(flag));
      refuse("clone", 1, &has);
    }
  if (const int nr = ::seccomp_syscall_resolve_name("clone3"); nr != __NR_SCMP_ERROR)
    if (::seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0) != 0) rc = -1;
  if (limit_signals)
    for (const char* name : kSignalCalls) {
      const scmp_arg_cmp other = SCMP_A0_32(SCMP_CMP_NE, kPidPlaceholder);
      refuse(name, 1, &other);
    }
  const int mem = static_cast<int>(::syscall(SYS_memfd_create, "gmmlab-seccomp", MFD_CLOEXEC));
  if (rc != 0 || mem < 0 || ::seccomp_export_bpf(ctx, mem) != 0)
    throw Error("cannot build the sandbox's seccomp filter (libseccomp refused a rule); reinstall libseccomp2");
  Filter f;
  const off_t size = ::lseek(mem, 0, SEEK_END);
  f.program.resize(static_cast<std::size_t>(size));
  if (::pread(mem, f.program.data(), f.program.size(), 0) != size)
    throw Error("cannot read back the sandbox's seccomp filter");
  ::close(mem);
  const auto* ins = reinterpret_cast<const sock_filter*>(f.program.data());
  for (std::size_t n = 0; n < f.program.size() / sizeof(sock_filter); ++n)
    if (BPF_CLASS(ins[n].code) == BPF_JMP && ins[n].k == kPidPlaceholder) f.pid_instructions.push_back(n);
  if (limit_signals && f.pid_instructions.empty())
    throw Error("cannot build the sandbox's seccomp filter (the signal rules were not found in it)");
  return f;
}

const Filter& filter(bool limit_signals) {
  static const Filter open = build_filter(false), limited = build_filter(true);
  return limit_signals ? limited : open;
}

// ---- Landlock --------------------------------------------------------------------------

// The kernel's structures, as of ABI 6 (the system's headers may be older).
struct RulesetAttr {
  std::uint64_t handled_access_fs, handled_access_net, scoped;
};
struct PathBeneath {
  std::uint64_t allowed_access;
  std::int32_t parent_fd;
} __attribute__((packed));

constexpr std::uint64_t kExecute = 1 << 0, kWriteFile = 1 << 1, kReadFile = 1 << 2, kReadDir = 1 << 3,
                        kTruncate = 1 << 14, kIoctlDev = 1 << 15;
constexpr std::uint64_t kFileRights = kExecute | kWriteFile | kReadFile | kTruncate | kIoctlDev;

std::uint64_t fs_rights(int abi) {
  std::uint64_t r = (1ULL << 13) - 1;  // ABI 1: execute ... make_sym
  if (abi >= 2) r |= 1ULL << 13;       // refer
  if (abi >= 3) r |= kTruncate;
  if (abi >= 5) r |= kIoctlDev;
  return r;
}

bool add_path(int ruleset, const std::string& path, std::uint64_t wanted, std::uint64_t handled) {
  const int fd = ::open(path.c_str(), O_PATH | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT;  // not on this system: nothing to allow
  struct stat st;
  std::uint64_t rights = wanted & handled;
  if (::fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode)) rights &= kFileRights;
  const PathBeneath rule{rights, fd};
  const bool ok = ::syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) == 0;
  ::close(fd);
  return ok;
}

// What every program needs to start and link: the system's programs and libraries, the
// loader's cache and the alternatives its libraries may be links into.
constexpr std::array kSystemPaths = {"/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32",
                                     "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives"};

int make_ruleset(const View& view, int abi) {
  RulesetAttr attr{fs_rights(abi), 0, 0};
  std::size_t size = sizeof attr.handled_access_fs;
  if (abi >= 4) attr.handled_access_net = 0x3, size = 2 * sizeof(std::uint64_t);  // bind and connect TCP
  if (abi >= 6) attr.scoped = 0x3, size = sizeof attr;  // abstract unix sockets and signals
  const int ruleset = static_cast<int>(::syscall(SYS_landlock_create_ruleset, &attr, size, 0));
  if (ruleset < 0) return -1;
  const std::uint64_t read = kExecute | kReadFile | kReadDir, all = attr.handled_access_fs;
  bool ok = true;
  for (const char* p : kSystemPaths) ok = add_path(ruleset, p, read, all) && ok;
  for (const std::string& p : view.read_only) ok = add_path(ruleset, p, read, all) && ok;
  ok = add_path(ruleset, "/dev/null", kReadFile | kWriteFile, all) && ok;
  ok = add_path(ruleset, view.scratch, all, all) && ok;
  if (!ok) {
    ::close(ruleset);
    throw Error(fmt::format("cannot set up the sandbox's Landlock rules for {}: {}", view.scratch, std::strerror(errno)));
  }
  return ruleset;
}

// ---- bubblewrap ------------------------------------------------------------------------

void add_bubblewrap(std::vector<std::string>& argv, const View& view, rlim_t processes) {
  argv = {kBubblewrap, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL"};
  namespace fs = std::filesystem;
  for (const char* p : kSystemPaths) {
    std::error_code ec;
    const auto st = fs::symlink_status(p, ec);
    if (ec || !fs::exists(st)) continue;
    if (fs::is_symlink(st))
      argv.insert(argv.end(), {"--symlink", fs::read_symlink(p, ec).string(), p});
    else
      argv.insert(argv.end(), {"--ro-bind", p, p});
  }
  for (const std::string& p : view.read_only) argv.insert(argv.end(), {"--ro-bind", p, p});
  // No --chdir: bubblewrap stays in the folder the program was started in (inside the view).
  argv.insert(argv.end(), {"--dev", "/dev", "--proc", "/proc", "--bind", view.scratch, view.scratch, "--seccomp",
                           std::to_string(Confinement::kSeccompFd), "--"});
  // The process cap inside the namespace, where the count starts at zero: outside it,
  // RLIMIT_NPROC would count every process the grader's user has.
  if (processes > 0)
    argv.insert(argv.end(), {"/usr/bin/prlimit", fmt::format("--nproc={}", processes), "--"});
}

}  // namespace

std::vector<std::string> clean_environment(const std::string& scratch, std::size_t memory_mb) {
  std::vector<std::string> env{"PATH=/usr/bin:/bin", "HOME=" + scratch, "TMPDIR=" + scratch, "LC_ALL=C",
                               "OMP_NUM_THREADS=1", "OPENBLAS_NUM_THREADS=1"};
  if (sandbox_config::sanitized) {
    // Sanitizers need terabytes of address space, so RLIMIT_AS cannot apply; the allocator's
    // own cap turns a huge allocation into std::bad_alloc instead. Crashes stay signals (the
    // sanitizer would otherwise exit with code 1), and a sanitizer's own finding aborts.
    env.push_back(fmt::format("ASAN_OPTIONS=allocator_may_return_null=1:max_allocation_size_mb={}:detect_leaks=0:"
                              "disable_coredump=1:abort_on_error=1:handle_segv=0:handle_sigbus=0:handle_sigfpe=0:"
                              "handle_sigill=0",
                              memory_mb));
    env.push_back("UBSAN_OPTIONS=abort_on_error=1");
  }
  return env;
}

std::string make_scratch_folder(const char* purpose) {
  const std::string folder = make_temp_folder(purpose).string();
  give_to_box(folder, "set TMPDIR to a folder such as /tmp");
  return folder;
}

namespace {
void chown_tree(const std::string& folder, uid_t uid, gid_t gid, bool read_only) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto own = [&](const fs::path& p) {
    if (::lchown(p.c_str(), uid, gid) != 0)
      throw Error(fmt::format("cannot hand {} to the sandbox's uid: {}", p.string(), std::strerror(errno)));
    // Sealed: the box may still read (and run) what was built, never change it.
    struct stat st;
    if (read_only && ::lstat(p.c_str(), &st) == 0 && !S_ISLNK(st.st_mode))
      ::chmod(p.c_str(), S_ISDIR(st.st_mode) || (st.st_mode & S_IXUSR) ? 0755 : 0644);
  };
  own(folder);
  for (auto it = fs::recursive_directory_iterator(folder, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    own(it->path());
}
}  // namespace

namespace {
// The box runs as another uid: it reaches a path only if every folder above it lets others
// through. Said once, before anything runs, rather than as bubblewrap's or the compiler's
// "Permission denied" in a student's feedback.
void check_reachable(const std::string& path, const std::string& what_to_do) {
  for (std::filesystem::path p = std::filesystem::path(path).parent_path(); p != p.root_path(); p = p.parent_path()) {
    struct stat st;
    if (::stat(p.c_str(), &st) == 0 && !(st.st_mode & S_IXOTH))
      throw Error(fmt::format("the sandbox's uid cannot reach {} ({} is closed to other users); {}", path,
                              p.string(), what_to_do));
  }
}
}  // namespace

void give_to_box(const std::string& folder, const char* what_to_do) {
  const Isolation& i = isolation();
  if (i.box_uid < 0) return;
  check_reachable(folder, what_to_do);
  chown_tree(folder, static_cast<uid_t>(i.box_uid), static_cast<gid_t>(i.box_uid), false);
}

void seal_from_box(const std::string& folder) {
  if (isolation().box_uid < 0) return;
  chown_tree(folder, ::geteuid(), ::getegid(), true);
}

Confinement::Confinement(const View& view, const ProcessLimits& limits) : limits_(limits) {
  const Isolation& i = isolation();
  env_ = clean_environment(view.scratch, static_cast<std::size_t>(limits.memory_bytes >> 20));
  weak_ = i.box_uid < 0 && i.level != IsolationLevel::namespaces;
  if (i.box_uid >= 0)
    for (const std::string& path : view.read_only)
      check_reachable(path, kLetOthersIn);
  // Counted at each call, not once: the user's other processes come and go between calls.
  if (weak_) limits_.processes += tasks_of_this_user();
  const Filter& f = filter(weak_);
  filter_ = f.program;
  if (i.level == IsolationLevel::namespaces) {
    add_bubblewrap(argv_, view, limits_.processes);
    limits_.processes = i.box_uid >= 0 ? limits_.processes + 8 : 0;  // bubblewrap's own processes
    bubblewrap_ = true;
  } else if (i.landlock_abi > 0) {
    landlock_fd_ = make_ruleset(view, i.landlock_abi);
  }
}

Confinement::~Confinement() {
  if (landlock_fd_ >= 0) ::close(landlock_fd_);
}

int Confinement::open_seccomp_program() const {
  if (!bubblewrap_) return -1;
  const int fd = static_cast<int>(::syscall(SYS_memfd_create, "gmmlab-seccomp", MFD_CLOEXEC));
  if (fd < 0 || ::write(fd, filter_.data(), filter_.size()) != static_cast<ssize_t>(filter_.size()) ||
      ::lseek(fd, 0, SEEK_SET) != 0) {
    const int e = errno;
    if (fd >= 0) ::close(fd);
    throw Error(fmt::format("cannot hand the seccomp filter to bubblewrap: {}", std::strerror(e)));
  }
  return fd;
}

uid_t Confinement::scratch_owner() const {
  const long uid = isolation().box_uid;
  return uid >= 0 ? static_cast<uid_t>(uid) : static_cast<uid_t>(-1);
}

int Confinement::apply_in_child() const noexcept {
  auto limit = [](int resource, rlim_t value) {
    const struct rlimit r = {value, value};
    return ::setrlimit(resource, &r) == 0;
  };
  if (!limit(RLIMIT_CORE, 0) || !limit(RLIMIT_FSIZE, limits_.file_bytes)) return errno;
  if (limits_.memory_bytes != 0 && !limits_.sanitized && !limit(RLIMIT_AS, limits_.memory_bytes)) return errno;
  if (limits_.cpu_seconds != 0) {
    const struct rlimit cpu = {limits_.cpu_seconds, limits_.cpu_seconds + 1};  // SIGXCPU, then SIGKILL
    if (::setrlimit(RLIMIT_CPU, &cpu) != 0) return errno;
  }
  if (limits_.processes != 0 && !limit(RLIMIT_NPROC, limits_.processes)) return errno;
  // Raw system calls: they change this thread's credentials only, with no glibc bookkeeping
  // (the supervisor has one thread; the child shares its memory until exec).
  if (const long uid = isolation().box_uid; uid >= 0) {
    if (::syscall(SYS_setgroups, 0, nullptr) != 0 || ::syscall(SYS_setresgid, uid, uid, uid) != 0 ||
        ::syscall(SYS_setresuid, uid, uid, uid) != 0)
      return errno;
  }
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return errno;
  if (landlock_fd_ >= 0) {
    // The program's own /proc/PID, which only this child can name (/proc/self): glibc's
    // pthread_getattr_np and the sanitizers read /proc/self/maps to find the main thread's
    // stack. The rule holds that process's own proc inode, so a later process given the same
    // pid is not opened by it; failing to add it only costs the program its /proc/self. (The
    // ruleset is the Confinement's, shared by the compiles of one submission: they may read each
    // other's /proc/PID, nothing more.)
    if (const int self = ::open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC); self >= 0) {
      const PathBeneath rule{kReadFile | kReadDir, self};
      ::syscall(SYS_landlock_add_rule, kLandlockFd, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
      ::close(self);
    }
    if (::syscall(SYS_landlock_restrict_self, kLandlockFd, 0) != 0) return errno;
    ::close(kLandlockFd);
  }
  if (bubblewrap_) return 0;  // bubblewrap loads it, after making its namespaces
  if (weak_) {
    auto* ins = reinterpret_cast<sock_filter*>(filter_.data());
    for (std::size_t n : filter(true).pid_instructions) ins[n].k = static_cast<std::uint32_t>(::getpid());
  }
  const sock_fprog prog{static_cast<unsigned short>(filter_.size() / sizeof(sock_filter)),
                        reinterpret_cast<sock_filter*>(filter_.data())};
  if (::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) return errno;
  return 0;
}

}  // namespace sandbox_detail

const Isolation& isolation() {
  static std::once_flag once;
  static Isolation probed;
  static std::exception_ptr failed;
  std::call_once(once, [] {
    try {
      probed = sandbox_detail::probe();
    } catch (...) {
      failed = std::current_exception();
    }
  });
  if (failed) std::rethrow_exception(failed);
  return probed;
}

}  // namespace gmmlab
