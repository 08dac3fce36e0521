#include "markdown_commands.hpp"

#include <regex>
#include <sstream>

namespace gmmlab::docs {

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

DocCommand make_command(const std::string& text, int line, const std::string& needs) {
  DocCommand c;
  c.text = text;
  c.line = line;
  c.needs = needs;
  static const std::regex exit_note(R"(#.*\bexit (\d+))");
  std::smatch m;
  if (std::regex_search(text, m, exit_note)) c.expected_exit = std::stoi(m[1]);
  return c;
}

}  // namespace

std::vector<DocCommand> extract_commands(const std::string& markdown, BlockSelection which) {
  static const std::regex marker(R"(^<!-- docs-test: (skip|needs) ?(.*?) ?-->\s*$)");
  std::vector<DocCommand> commands;
  const std::vector<std::string> lines = lines_of(markdown);
  std::string pending;  // "skip" or "needs X" from the marker just above a block
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::smatch m;
    if (std::regex_match(lines[i], m, marker)) {
      pending = m[1] == "skip" ? "skip" : "needs " + std::string(m[2]);
      continue;
    }
    const bool sh = lines[i] == "```sh", console = lines[i] == "```console";
    if (!sh && !console) {
      if (!lines[i].empty()) pending.clear();  // a marker applies to the next block only
      continue;
    }
    const bool run = pending != "skip" && ((sh && which.sh) || (console && which.console));
    const std::string needs = pending.rfind("needs ", 0) == 0 ? pending.substr(6) : "";
    pending.clear();
    std::size_t j = i + 1;
    for (; j < lines.size() && lines[j] != "```"; ++j) {
      if (!run) continue;
      const std::string& l = lines[j];
      const int line_number = int(j) + 1;
      if (sh) {
        if (l.empty() || l[0] == '#') continue;
        commands.push_back(make_command(l, line_number, needs));
      } else if (l.rfind("$ ", 0) == 0) {
        commands.push_back(make_command(l.substr(2), line_number, needs));
      } else if (!commands.empty() && !l.empty()) {
        commands.back().expected.push_back(l);
      }
    }
    i = j;
  }
  return commands;
}

std::string normalise_output_line(const std::string& line) {
  static const std::regex varying(R"(\d+(\.\d+)? (s|it/s)\b|\(\d+%\))");
  std::string s = std::regex_replace(line, varying, "#");
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  return s;
}

}  // namespace gmmlab::docs
