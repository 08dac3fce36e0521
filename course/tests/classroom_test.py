#!/usr/bin/env python3
"""The GitHub Classroom workflow's grading command (the `run:` of its Grade step), run locally as
the workflow runs it: in a starter repository's folder, with $GITHUB_OUTPUT set, on the
instructor's solution and on the skeleton. The base64 line it writes is decoded and checked
against what the Classroom reporter reads (version, status, max_score, tests with name, status,
score, message).

usage: classroom_test.py GMMLAB_CLI SOURCE_DIR        (exit 0 pass, 1 fail)"""
import base64, json, os, re, shutil, subprocess, sys, tempfile

cli, src = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


workflow = open(os.path.join(src, "course", "classroom", "classroom.yml")).read()
grade = re.search(r"- name: Grade\n\s+id: (\S+)\n\s+run: (.+)\n", workflow)
check(grade is not None, "the workflow has a Grade step with an id and a run command")
step_id, command = grade.group(1), grade.group(2)
check(f"steps.{step_id}.outputs.result" in workflow and "runners: gmmlab" in workflow
      and "GMMLAB_RESULTS" in workflow, "the reporter reads that step's result as runner gmmlab")

work = tempfile.mkdtemp(prefix="gmmlab-classroom-test-")
try:
    for name, folder in [("solution", os.path.join(src, "instructor", "solution")),
                         ("skeleton", os.path.join(src, "student"))]:
        repo = os.path.join(work, name)
        os.makedirs(os.path.join(repo, "build", "release", "cli"))
        # The built gmmlab stands in for the workflow's Build step.
        os.symlink(cli, os.path.join(repo, "build", "release", "cli", "gmmlab"))
        shutil.copytree(folder, os.path.join(repo, "student"))
        output = os.path.join(repo, "github_output")
        open(output, "w").write("earlier=kept\n")  # $GITHUB_OUTPUT is shared by every step
        r = subprocess.run(["bash", "-e", "-c", command], cwd=repo, capture_output=True, text=True,
                           env=dict(os.environ, GITHUB_OUTPUT=output))
        check(r.returncode == 0, f"{name}: the Grade step succeeds\n{r.stderr[-2000:]}")
        lines = open(output).read().splitlines()
        check(lines[0] == "earlier=kept" and len(lines) == 2 and lines[1].startswith("result="),
              f"{name}: one result= line is appended to $GITHUB_OUTPUT")
        if len(lines) != 2:
            continue
        report = json.loads(base64.b64decode(lines[1][len("result="):]))
        tests = report["tests"]
        check(report["version"] == 1 and isinstance(report["max_score"], (int, float)) and tests,
              f"{name}: version 1, a max_score and tests")
        check(all(set(t) >= {"name", "status", "score", "message"} and t["status"] in ("pass", "fail", "error")
                  for t in tests), f"{name}: every test has name, status, score, message")
        total = sum(t["score"] for t in tests)
        print(f"     {name}: {total:g}/{report['max_score']:g}, status {report['status']}, {len(tests)} checks")
        if name == "solution":
            check(report["status"] == "pass" and total == report["max_score"] > 0, "solution: full marks, pass")
        else:
            check(report["status"] == "fail" and total == 0, "skeleton: 0, fail")
            check(any("is not written yet" in t["message"] for t in tests), "skeleton: the TODO lines are shown")
finally:
    shutil.rmtree(work, ignore_errors=True)

print(f"{len(failures)} failed" if failures else "all passed")
sys.exit(1 if failures else 0)
