#!/usr/bin/env python3
"""What the sandbox's walls cost a whole `gmmlab grade` (grader/sandbox/README.md, "Cost").

Grades one submission (default: the instructor's solution) at each isolation level the host
allows, the levels taking turns so a busy machine slows them alike, and reports the median wall
time and CPU (the grader and everything it started: the compile, the workers, bubblewrap) per
level. Then the per-call price of the namespaces alone: starting bubblewrap the way a call
does against starting the same program bare.

  python3 bench/sandbox_cost.py [--cli build/release/cli/gmmlab] [--submission DIR] [--repeats 5]
"""
import argparse, os, resource, statistics, subprocess, sys, tempfile, time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("--cli", default=os.path.join(root, "build", "release", "cli", "gmmlab"))
p.add_argument("--submission", default=os.path.join(root, "instructor", "solution"))
p.add_argument("--repeats", type=int, default=5)
p.add_argument("--calls", type=int, default=200, help="program starts timed per way (default 200)")
a = p.parse_args()
if not os.access(a.cli, os.X_OK):
    sys.exit(f"sandbox_cost: {a.cli} is not a built gmmlab; build it (cmake --build build/release --target gmmlab) or give --cli")


def timed(argv, env=None):
    """Wall seconds and CPU seconds (user + system of the child and all it waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    r = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return r, wall, cpu


levels = ["namespaces", "uid", "weak"] if os.geteuid() == 0 else ["namespaces", "weak"]
results = {l: [] for l in levels}
lines = {}
with tempfile.TemporaryDirectory(prefix="gmmlab-sandbox-cost-") as tmp:
    os.chmod(tmp, 0o755)
    for n in range(a.repeats + 1):  # the first round warms the caches and is not counted
        for level in levels:
            env = dict(os.environ, GMMLAB_ISOLATION=level, TMPDIR=tmp)
            r, wall, cpu = timed([a.cli, "grade", a.submission], env)
            if r.returncode != 0:
                sys.exit(f"sandbox_cost: grading at level {level} failed:\n{r.stdout[-2000:]}")
            lines[level] = r.stdout.splitlines()[1]
            total = [l for l in r.stdout.splitlines() if l.startswith("Total:")]
            if n > 0:
                results[level].append((wall, cpu, total[0] if total else "?"))

print(f"`gmmlab grade {os.path.relpath(a.submission, root)}` (compile included), median of {a.repeats}, levels taking turns:\n")
print("| isolation | wall | CPU | marks |")
print("|---|---|---|---|")
base = statistics.median(w for w, _, _ in results["weak"])
base_cpu = statistics.median(c for _, c, _ in results["weak"])
for level in levels:
    wall = statistics.median(w for w, _, _ in results[level])
    cpu = statistics.median(c for _, c, _ in results[level])
    print(f"| {level} | {wall:.2f} s ({100 * (wall / base - 1):+.0f}%) | {cpu:.2f} s ({100 * (cpu / base_cpu - 1):+.0f}%) "
          f"| {results[level][0][2]} |")
print()
for level in levels:
    print(f"- {level}: {lines[level]}")

bwrap = "/usr/bin/bwrap"
if os.access(bwrap, os.X_OK) and a.calls > 0:
    bare = ["/bin/true"]
    walled = [bwrap, "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc", "--symlink", "usr/lib", "/lib",
              "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin", "--proc", "/proc", "--dev", "/dev",
              "--tmpfs", "/tmp", "--unshare-all", "--die-with-parent", "--new-session", "/bin/true"]
    cost = {}
    for name, argv in (("bare", bare), ("bubblewrap", walled)):
        walls, cpus = [], []
        for _ in range(a.calls):
            r, wall, cpu = timed(argv)
            walls.append(wall)
            cpus.append(cpu)
        cost[name] = (statistics.median(walls), sum(cpus) / len(cpus))
    print(f"\nOne program start, median wall / mean CPU of {a.calls}: bare {1e3 * cost['bare'][0]:.1f} ms / "
          f"{1e3 * cost['bare'][1]:.1f} ms; in bubblewrap's namespaces {1e3 * cost['bubblewrap'][0]:.1f} ms / "
          f"{1e3 * cost['bubblewrap'][1]:.1f} ms")
