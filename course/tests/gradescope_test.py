#!/usr/bin/env python3
"""Gradescope's autograder.zip, run as Gradescope runs it but in a simulated /autograder (the
folder given by GMMLAB_AUTOGRADER_ROOT): setup.sh builds, then run_autograder grades the
instructor's solution, the skeleton, a submission that does not compile and a hostile one; each
results.json is checked against Gradescope's documented format (a JSON schema written from
gradescope-autograders.readthedocs.io, "Autograder Specifications").

usage: gradescope_test.py GMMLAB_CLI SOURCE_DIR        (exit 0 pass, 1 fail)"""
import json, os, shutil, subprocess, sys, tempfile, zipfile

import jsonschema

cli, src = sys.argv[1], os.path.abspath(sys.argv[2])
failures = []

VISIBILITY = {"enum": ["hidden", "after_due_date", "after_published", "visible"]}
TEST = {
    "type": "object",
    "properties": {
        "score": {"type": "number"}, "max_score": {"type": "number"},
        "status": {"enum": ["passed", "failed"]}, "name": {"type": "string"},
        "name_format": {"enum": ["text", "html", "simple_format", "md", "ansi"]},
        "number": {"type": "string"}, "output": {"type": "string"},
        "output_format": {"enum": ["text", "html", "simple_format", "md", "ansi"]},
        "tags": {"type": "array", "items": {"type": "string"}}, "visibility": VISIBILITY,
        "extra_data": {"type": "object"},
    },
    "additionalProperties": False,
}
RESULTS = {
    "type": "object",
    "properties": {
        "score": {"type": "number"}, "execution_time": {"type": "number"}, "output": {"type": "string"},
        "output_format": {"enum": ["text", "html", "simple_format", "md", "ansi"]},
        "test_output_format": {"enum": ["text", "html", "simple_format", "md", "ansi"]},
        "test_name_format": {"enum": ["text", "html", "simple_format", "md", "ansi"]},
        "visibility": VISIBILITY, "stdout_visibility": VISIBILITY, "extra_data": {"type": "object"},
        "tests": {"type": "array", "items": TEST}, "leaderboard": {"type": "array"},
    },
    "additionalProperties": False,
    # "score: optional, but required if not on each test case"
    "anyOf": [{"required": ["score"]},
              {"required": ["tests"], "properties": {"tests": {"minItems": 1, "items": {"required": ["score"]}}}}],
}


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


def run(cmd, cwd, env):
    print(f"$ {' '.join(cmd)}", flush=True)
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    return r.returncode, (r.stdout + r.stderr)[-3000:]


work = tempfile.mkdtemp(prefix="gmmlab-gradescope-test-")
# Open to other users as Gradescope's /autograder is: the sandbox's uid must reach the lab's
# public headers and the built worker objects (and only those: its view holds nothing else).
os.chmod(work, 0o755)
try:
    bundle = os.path.join(work, "autograder.zip")
    code, tail = run([cli, "course", "gradescope", "-q", "-o", bundle, "--source", src], work, None)
    check(code == 0, "gmmlab course gradescope writes autograder.zip\n" + tail)
    root = os.path.join(work, "autograder")
    with zipfile.ZipFile(bundle) as z:
        names = z.namelist()
    os.makedirs(os.path.join(root, "source"))
    code, tail = run(["unzip", "-q", bundle, "-d", os.path.join(root, "source")], work, None)  # as Gradescope does
    check(code == 0, "the bundle unzips\n" + tail)
    check("setup.sh" in names and "run_autograder" in names, "setup.sh and run_autograder sit at the zip's root")
    check(any(n.startswith("gmm-lab/grader/hidden/") for n in names), "the hidden checks are in the bundle")
    check(not any("/instructor/" in n or "/tests/" in n for n in names), "no instructor folder or tests in the bundle")
    for script in ["setup.sh", "run_autograder"]:
        check(os.access(os.path.join(root, "source", script), os.X_OK), f"{script} is executable once unzipped")

    env = dict(os.environ, GMMLAB_AUTOGRADER_ROOT=root)
    if shutil.which("ccache"):
        env.update(CMAKE_CXX_COMPILER_LAUNCHER="ccache", CCACHE_BASEDIR="/")
    # Ubuntu 22.04 (CMake 3.22) is refused at once, with one sentence, before anything is installed.
    for version in ["22.04", "20.04"]:
        fake = os.path.join(work, f"os-release-{version}")
        open(fake, "w").write(f'NAME="Ubuntu"\nID=ubuntu\nVERSION_ID="{version}"\n')
        r = subprocess.run(["bash", os.path.join(root, "source", "setup.sh")], cwd=os.path.join(root, "source"),
                           env=dict(env, GMMLAB_OS_RELEASE=fake), capture_output=True, text=True)
        check(r.returncode == 1 and r.stdout == "" and r.stderr ==
              f"setup.sh: Ubuntu {version} is not supported (its CMake is older than the 3.25 GMM Lab needs); "
              "choose Gradescope's Ubuntu 24.04 base image\n", f"setup.sh refuses Ubuntu {version}: {r.stderr!r}")
    check(not os.path.exists(os.path.join(root, "build")), "nothing was built for a refused system")
    code, tail = run(["bash", os.path.join(root, "source", "setup.sh")], os.path.join(root, "source"), env)
    check(code == 0, "setup.sh installs and builds\n" + tail)
    cache = open(os.path.join(root, "build", "CMakeCache.txt")).read()
    check("GMMLAB_VIEWER:BOOL=OFF" in cache and not os.path.exists(os.path.join(root, "build", "viewer", "gmmlab-viewer")),
          "the autograder is built without the viewer (no Dear ImGui, GLFW or OpenGL needed)")
    if failures:
        sys.exit(1)
    shutil.copy(os.path.join(root, "source", "run_autograder"), os.path.join(root, "run_autograder"))

    solution = {f: open(os.path.join(src, "instructor", "solution", f)).read()
                for f in ["zscore.cpp", "e_step.cpp", "m_step.cpp"]}
    skeleton = {f: open(os.path.join(src, "student", f)).read() for f in solution}
    broken = dict(solution, **{"e_step.cpp": solution["e_step.cpp"] + "\nthis does not compile;\n"})
    hostile = dict(solution, **{
        "e_step.cpp": solution["e_step.cpp"].replace("#include", "#include <cstdlib>\n#include", 1)
        .replace("Posterior StudentSteps::e_step", "[[maybe_unused]] static int quit = (std::exit(0), 0);\n"
                 "Posterior StudentSteps::e_step", 1),
        "m_step.cpp": solution["m_step.cpp"] + '\n#include <cstdio>\nstatic int fake = (std::puts("Total: 100/100"), 0);\n'})
    # The attack that used to take full marks (grader/tests/hostile/runtime): forge the report
    # every ancestor was told to write, /autograder/results/results.json included, kill them,
    # write and read where it must not, reach the network, fork without end.
    victim = os.path.join(work, "victim")
    os.makedirs(victim)
    os.chmod(victim, 0o777)
    open(os.path.join(victim, "secret.txt"), "w").write("SECRET-gradescope")
    names = {"@VICTIM@": victim, "@CHECKOUT@": src, "@TAG@": "gs", "@TCP@": "9", "@UDP@": "9",
             "@SUBMISSION@": os.path.join(root, "submission")}
    forger_zscore = open(os.path.join(src, "grader", "tests", "hostile", "runtime", "zscore.cpp")).read()
    for name, value in names.items():
        forger_zscore = forger_zscore.replace(name, value)
    forger = dict(solution, **{"zscore.cpp": forger_zscore})
    cases = {"solution": solution, "skeleton": skeleton, "does-not-compile": broken, "hostile": hostile,
             "forger": forger}
    scores = {}
    for name, files in cases.items():
        sub = os.path.join(root, "submission")
        shutil.rmtree(sub, ignore_errors=True)
        shutil.rmtree(os.path.join(root, "results"), ignore_errors=True)
        os.makedirs(sub)
        for f, text in files.items():
            open(os.path.join(sub, f), "w").write(text)
        code, tail = run([os.path.join(root, "run_autograder")], root, env)
        check(code == 0, f"{name}: run_autograder succeeds\n{tail}")
        path = os.path.join(root, "results", "results.json")
        try:
            results = json.load(open(path))
            jsonschema.validate(results, RESULTS)
            check(True, f"{name}: results.json follows Gradescope's format")
        except (OSError, ValueError, jsonschema.ValidationError) as e:
            check(False, f"{name}: results.json follows Gradescope's format: {e}")
            continue
        tests = results.get("tests", [])
        scores[name] = sum(t["score"] for t in tests)
        maximum = sum(t["max_score"] for t in tests)
        print(f"     {name}: {scores[name]:g}/{maximum:g}, {len(tests)} checks")
        check(any(t.get("visibility") == "after_due_date" for t in tests) or not tests,
              f"{name}: hidden checks are shown after the due date")
        if name == "solution":
            check(maximum == 100 and scores[name] == 100, "solution: 100/100 with every check")
        if name == "skeleton":
            check(scores[name] == 0, "skeleton: 0")
        if name == "forger":
            shown = json.dumps(results)
            check(results.get("score") == 79 and "FORGED" not in shown and "SECRET-gradescope" not in shown,
                  f"forger: the grader's own results.json, 79/100 (the Z-score's 21 points lost), nothing stolen: "
                  f"{results.get('score')}")
            check(sorted(os.listdir(victim)) == ["secret.txt"], f"forger: nothing written beside the secret: {os.listdir(victim)}")
    if "does-not-compile" in scores:
        check(0 < scores["does-not-compile"] < 100, "a file that does not compile costs only its own checks")
    if "hostile" in scores:
        check(scores["hostile"] < 100, "a hostile submission does not get full marks by exiting or faking output")
finally:
    shutil.rmtree(work, ignore_errors=True)

print(f"{len(failures)} failed" if failures else "all passed")
sys.exit(1 if failures else 0)
