#!/usr/bin/env python3
"""A stand-in for `gmmlab grade` that keeps issue 9's command-line contract, so the batch can be
tested on its own: `contract_grader.py grade SUBMISSION --hidden --json FILE [--timeout S] [--memory MB]`.
Exit 0 graded, 1 could not grade, 2 bad command line; FILE is Gradescope's results.json.

What it scores is read from markers in the files: "TODO" (not written), "SYNTAX ERROR" (does
not compile), "DIVIDE BY N-1" (a known mistake), "LOOPS FOREVER" (its
checks' calls time out, as the sandbox words it), "SLEEP" (hangs), "GRADER FAILS" (exit 1),
"SLOW SESSION" and "SLOW GROUP" (waits for a process it starts in a session of its own, as the
real grader's sandbox does, or in a process group of its own, as the real grader's compilers
are, that sleeps $GMMLAB_CONTRACT_SLOW_SECONDS, default 60).
The batch tests against the real grader live beside this one."""
import json, os, subprocess, sys, time

args = sys.argv[1:]
if len(args) < 2 or args[0] != "grade" or "--json" not in args:
    print("gmmlab: usage: grade SUBMISSION --json FILE [--hidden]", file=sys.stderr)
    sys.exit(2)
sub = args[1]
out = args[args.index("--json") + 1]
files = {}
for name in ("zscore.cpp", "e_step.cpp", "m_step.cpp"):
    p = os.path.join(sub, name)
    if not os.path.exists(p):
        print(f"gmmlab: {sub} has no {name}; add it and grade again", file=sys.stderr)
        sys.exit(1)
    files[name] = open(p).read()
text = "".join(files.values())
if "GRADER FAILS" in text:
    print("gmmlab: nothing compiles: every file has errors", file=sys.stderr)
    sys.exit(1)
if "SLEEP" in text:
    time.sleep(20)
slow = ["sleep", os.environ.get("GMMLAB_CONTRACT_SLOW_SECONDS", "60")]
if "SLOW SESSION" in text:
    subprocess.run(slow, start_new_session=True)
if "SLOW GROUP" in text:
    subprocess.run(slow, preexec_fn=os.setpgrp)
print(f"Grading {sub} (fake contract grader)")
checks = [("Z-score: mean 0 and std 1", "1.1", 10, "zscore.cpp", "visible"),
          ("E-step: responsibilities", "2.1", 30, "e_step.cpp", "visible"),
          ("M-step: covariances", "3.1", 30, "m_step.cpp", "visible"),
          ("EM: hidden photo", "4.1", 30, "m_step.cpp", "after_due_date")]
tests, total = [], 0
for name, number, points, f, vis in checks:
    if vis != "visible" and "--hidden" not in args:
        continue
    src = files[f]
    if "SYNTAX ERROR" in src:
        score, output = 0, f"{f} did not compile:\n{f}:3:1: error: expected ';'"
    elif "TODO" in src:
        score, output = 0, f"student {f} is not written yet"
    elif "LOOPS FOREVER" in src:
        score, output = 0, f"chelsea photo: the student {f[:-4].replace('_', '-')} took longer than 10 s"
    elif "DIVIDE BY N-1" in src and f == "m_step.cpp":
        score, output = 0, "first wrong element (0, 0)\nThis looks like a known mistake: the answer divides Sigma by N_k - 1. Hint: divide by N_k."
    else:
        score, output = points, "passed"
    total += score
    tests.append({"name": name, "number": number, "score": score, "max_score": points,
                  "status": "passed" if score == points else "failed", "output": output, "visibility": vis})
    print(f"{name} .... {score}/{points}")
print(f"Total: {total}/{sum(t['max_score'] for t in tests)}")
json.dump({"score": total, "max_score": sum(t["max_score"] for t in tests), "execution_time": 1.0, "output": "", "stdout_visibility": "visible", "tests": tests},
          open(out, "w"), indent=1)
