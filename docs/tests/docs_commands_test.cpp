// The docs cannot rot: every command of the student guide runs as written, and every output
// quoted in the READMEs and the guide is what this build prints (rules: docs/tests/README.md).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "gmmlab/testing/support.hpp"
#include "markdown_commands.hpp"

namespace fs = std::filesystem;
using gmmlab::docs::DocCommand;
using gmmlab::docs::extract_commands;
using gmmlab::docs::normalise_output_line;
using gmmlab::testing::TempDir;

namespace {

const fs::path kSource = GMMLAB_SOURCE_DIR;

// A student's top folder: a copy of student/ and lab/data/, astronaut.png (the README's
// collapse example) beside them, and the built tools where the guide says they are.
void make_lab_copy(const fs::path& root) {
  fs::create_directories(root);
  fs::copy(kSource / "student", root / "student", fs::copy_options::recursive);
  fs::create_directories(root / "lab");
  fs::copy(kSource / "lab/data", root / "lab/data", fs::copy_options::recursive);
  fs::copy_file(gmmlab::testing::astronaut_photo(), root / "astronaut.png");
  fs::create_directories(root / "build/release/cli");
  fs::create_symlink(GMMLAB_CLI, root / "build/release/cli/gmmlab");
  if (!std::string(GMMLAB_VIEWER).empty()) {
    fs::create_directories(root / "build/release/viewer");
    fs::create_symlink(GMMLAB_VIEWER, root / "build/release/viewer/gmmlab-viewer");
  }
}

// Whether `gmmlab --help` lists a grade subcommand (the grader is built into gmmlab).
bool grade_available() {
  const auto r = gmmlab::testing::run_command({GMMLAB_CLI, "--help"});
  return r.exit_code == 0 && r.out.find("\n  grade ") != std::string::npos;
}

bool available(const std::string& needs) {
  if (needs.empty()) return true;
  if (needs == "gmmlab grade") return grade_available();
  if (needs == "gmmlab-viewer") return !std::string(GMMLAB_VIEWER).empty();
  ADD_FAILURE() << "unknown docs-test requirement '" << needs << "'";
  return false;
}

std::vector<std::string> output_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  for (char c : text) {
    if (c == '\n' || c == '\r') {
      lines.push_back(normalise_output_line(line));
      line.clear();
    } else {
      line += c;
    }
  }
  if (!line.empty()) lines.push_back(normalise_output_line(line));
  return lines;
}

// Runs the commands of `doc` one after the other in one bash (so `export` and the files they
// write carry over), in a fresh lab copy, and checks exit codes and quoted lines.
void run_doc(const std::string& doc, gmmlab::docs::BlockSelection which, bool tools_on_path) {
  const std::vector<DocCommand> all = extract_commands(gmmlab::testing::read_file(kSource / doc), which);
  ASSERT_FALSE(all.empty()) << doc << " has no command to run";
  TempDir dir;
  const fs::path root = dir / "lab", results = dir / "results";
  make_lab_copy(root);
  fs::create_directories(results);

  std::vector<const DocCommand*> run;
  std::string script = "cd " + root.string() + "\n";
  if (tools_on_path) script += "export PATH=\"$PWD/build/release/cli:$PWD/build/release/viewer:$PATH\"\n";
  for (const DocCommand& c : all) {
    if (!available(c.needs)) {
      std::cout << "[ note ] " << doc << ":" << c.line << " not run (this build has no " << c.needs << "): " << c.text
                << "\n";
      continue;
    }
    const fs::path out = results / std::to_string(run.size());
    // The command on its own line, so that its trailing comment cannot swallow the brace.
    script += fmt::format("{{\n{}\n}} >'{}.out' 2>'{}.err' </dev/null; echo $? >'{}.rc'\n", c.text, out.string(),
                          out.string(), out.string());
    run.push_back(&c);
  }
  gmmlab::testing::write_file(dir / "script.sh", script);
  const auto r = gmmlab::testing::run_command({"/bin/bash", (dir / "script.sh").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  for (std::size_t i = 0; i < run.size(); ++i) {
    const DocCommand& c = *run[i];
    const fs::path out = results / std::to_string(i);
    const std::string stdout_text = gmmlab::testing::read_file(out.string() + ".out");
    const std::string stderr_text = gmmlab::testing::read_file(out.string() + ".err");
    const int rc = std::stoi(gmmlab::testing::read_file(out.string() + ".rc"));
    const std::string where = fmt::format("{}:{}: {}\n--- stdout\n{}--- stderr\n{}", doc, c.line, c.text,
                                          stdout_text, stderr_text);
    EXPECT_EQ(rc, c.expected_exit) << where;
    const std::vector<std::string> printed = output_lines(stdout_text + "\n" + stderr_text);
    for (const std::string& quoted : c.expected) {
      const std::string want = normalise_output_line(quoted);
      EXPECT_NE(std::find(printed.begin(), printed.end(), want), printed.end())
          << "quoted line not printed by this build:\n  " << quoted << "\n" << where;
    }
  }
}

}  // namespace

TEST(MarkdownCommands, ReadsCommandsExitCodesQuotedLinesAndMarkers) {
  const std::string md =
      "text\n```sh\n# a comment\nls -l   # exit 2 when ...\n\necho hi\n```\n"
      "<!-- docs-test: skip (slow) -->\n```sh\nmake everything\n```\n"
      "<!-- docs-test: needs gmmlab grade -->\n```console\n$ gmmlab grade\nZ-score .... 10/10\n\ntotal 10\n```\n"
      "```text\nnot a command\n```\n";
  const auto all = extract_commands(md, {});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].text, "ls -l   # exit 2 when ...");
  EXPECT_EQ(all[0].expected_exit, 2);
  EXPECT_EQ(all[0].line, 4);
  EXPECT_EQ(all[1].text, "echo hi");
  EXPECT_EQ(all[1].expected_exit, 0);
  EXPECT_EQ(all[2].text, "gmmlab grade");
  EXPECT_EQ(all[2].needs, "gmmlab grade");
  EXPECT_EQ(all[2].expected, (std::vector<std::string>{"Z-score .... 10/10", "total 10"}));
  EXPECT_EQ(extract_commands(md, {.sh = false, .console = true}).size(), 1u);
}

TEST(MarkdownCommands, NormalisesOnlyWhatChangesFromRunToRun) {
  EXPECT_EQ(normalise_output_line("time: load 0.01 s (1%), EM 0.92 s (78%); total 1.19 s  "),
            "time: load # #, EM # #; total #");
  EXPECT_EQ(normalise_output_line("EM iteration 500/500  log-likelihood -1.950133e+05  542.1 it/s"),
            "EM iteration 500/500  log-likelihood -1.950133e+05  #");
  EXPECT_EQ(normalise_output_line("reached the cap after 500 iterations; log-likelihood -1.950133e+05"),
            "reached the cap after 500 iterations; log-likelihood -1.950133e+05");
}

TEST(StudentGuide, EveryCommandRunsAsWrittenAndPrintsWhatItQuotes) {
  // The guide starts from the untouched skeleton (its "not written yet" lines).
  if (!GMMLAB_CLI_RUNS_SKELETON) GTEST_SKIP() << "this build's student code is not the skeleton";
  run_doc("docs/student-guide.md", {.sh = true, .console = true}, false);
}

TEST(QuotedOutput, ReadmeShowsWhatThisBuildPrints) {
  run_doc("README.md", {.sh = false, .console = true}, true);
}

TEST(QuotedOutput, StudentReadmeShowsWhatThisBuildPrints) {
  if (!GMMLAB_CLI_RUNS_SKELETON) GTEST_SKIP() << "this build's student code is not the skeleton";
  run_doc("student/README.md", {.sh = false, .console = true}, true);
}

// A build command handed to a user never says a bare `-j` (make then starts every compile at
// once, a few hundred MB each: a 4 GB laptop runs out of memory); it says how many, `-j 2`.
TEST(BuildCommands, NoDocumentOrScriptHandsOutABareJ) {
  const std::vector<std::string> files{"README.md",          "student/README.md",     "instructor/README.md",
                                       "docs/student-guide.md", "docs/instructor-guide.md", "course/package/README.md",
                                       "scripts/viewer-screenshots.sh"};
  static const std::regex bare_j(R"(cmake --build[^\n`]*\s-j(\s*($|&&|`|\)|--|\n)))");
  int checked = 0;
  for (const std::string& file : files) {
    const fs::path path = kSource / file;
    if (!fs::exists(path)) continue;
    ++checked;
    std::istringstream in(gmmlab::testing::read_file(path));
    int number = 0;
    for (std::string line; std::getline(in, line);) {
      ++number;
      EXPECT_FALSE(std::regex_search(line, bare_j)) << file << ":" << number << " has a bare -j: " << line;
    }
  }
  EXPECT_GE(checked, 4);
  EXPECT_TRUE(std::regex_search(std::string("cmake --build build/release -j && x"), bare_j)) << "the rule itself";
  EXPECT_FALSE(std::regex_search(std::string("cmake --build build/release -j 2 && x"), bare_j)) << "the rule itself";
}

namespace {

// GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens.
std::string github_anchor(const std::string& heading) {
  std::string a;
  for (unsigned char c : heading) {
    if (std::isalnum(c) || c == '-' || c == '_') a += char(std::tolower(c));
    else if (c == ' ') a += '-';
    else if (c >= 0x80) a += char(c);  // letters such as "é" stay; GitHub keeps them
  }
  return a;
}

std::set<std::string> anchors_of(const fs::path& markdown) {
  std::set<std::string> anchors;
  std::istringstream in(gmmlab::testing::read_file(markdown));
  bool in_code = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("```", 0) == 0) in_code = !in_code;
    if (in_code || line.empty() || line[0] != '#') continue;
    const std::size_t text = line.find_first_not_of('#');
    if (text == std::string::npos || line[text] != ' ') continue;
    anchors.insert(github_anchor(line.substr(text + 1)));
  }
  return anchors;
}

}  // namespace

// Every relative link and image in the READMEs and docs names a file that is there, and every
// "#anchor" a heading of that file. The viewer's screenshots are made by the viewer's own
// script and may land after the docs that show them: those alone may be missing, with a note.
TEST(Links, EveryRelativeLinkAndAnchorResolves) {
  const std::vector<std::string> docs{"README.md",          "student/README.md",      "instructor/README.md",
                                      "docs/handout.md",    "docs/student-guide.md",  "docs/architecture.md",
                                      "docs/performance.md", "docs/trace-format.md", "instructor/answer-key.md"};
  static const std::regex link(R"(\]\(([^)\s]+)\))");
  for (const std::string& doc : docs) {
    const fs::path path = kSource / doc;
    if (!fs::exists(path)) continue;
    std::string text = gmmlab::testing::read_file(path);
    // Links inside code blocks are examples, not links.
    text = std::regex_replace(text, std::regex("```[^]*?```"), "");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), link); it != std::sregex_iterator(); ++it) {
      const std::string target = (*it)[1];
      if (target.find("://") != std::string::npos || target.rfind("mailto:", 0) == 0) continue;
      const std::size_t hash = target.find('#');
      const std::string file = target.substr(0, hash), anchor = hash == std::string::npos ? "" : target.substr(hash + 1);
      const fs::path resolved = file.empty() ? path : (path.parent_path() / file).lexically_normal();
      if (!fs::exists(resolved)) {
        if (resolved.filename().string().rfind("viewer-", 0) == 0) {
          std::cout << "[ note ] " << doc << ": " << target << " not there yet (the viewer's screenshots)\n";
          continue;
        }
        ADD_FAILURE() << doc << " links to " << target << ", which does not exist";
        continue;
      }
      if (!anchor.empty() && resolved.extension() == ".md") {
        EXPECT_TRUE(anchors_of(resolved).count(anchor)) << doc << " links to " << target << ": no such heading";
      }
    }
  }
}
