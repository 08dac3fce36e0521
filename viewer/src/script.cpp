#include "script.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <sstream>

#include "gmmlab/enum_names.hpp"
#include "gmmlab/errors.hpp"
#include "model.hpp"
#include "session.hpp"

namespace gmmlab::viewer {

namespace {

// One table of verbs: how many words each takes.
struct Verb {
  const char* name;
  int min_words, max_words;
};
constexpr Verb kVerbs[] = {
    {"open", 1, 1},    {"trace", 1, 1}, {"reset", 0, 0},   {"estep", 0, 0},      {"mstep", 0, 0},
    {"step", 0, 1},    {"run", 0, 0},   {"back", 0, 1},    {"forward", 0, 1},    {"goto", 1, 1},
    {"set", 2, 2},     {"screenshot", 1, 1}, {"save", 2, 2},
};

std::string verb_list() {
  std::string s;
  for (const Verb& v : kVerbs) s += (s.empty() ? "" : ", ") + std::string(v.name);
  return s;
}

bool parse_whole(const std::string& s, long long& out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

void need_count(const Action& a, const std::string& word, long long min) {
  long long n = 0;
  if (!parse_whole(word, n) || n < min)
    throw UsageError(fmt::format("script {}: '{}' is not a whole number of {} or more", a.what(), word, min));
}

void need_extension(const Action& a, const std::string& file, const std::string& ext) {
  if (!file.ends_with(ext))
    throw UsageError(fmt::format("script {}: '{}' must end in {}", a.what(), file, ext));
}

void check_set(const Action& a) {
  const std::string &key = a.words[0], &value = a.words[1];
  try {
    if (key == "k") return need_count(a, value, 1);
    if (key == "seed") return need_count(a, value, 0);
    if (key == "heat") return need_count(a, value, 1);
    if (key == "ridge") {
      std::size_t used = 0;
      double r = -1;
      try {
        r = std::stod(value, &used);
      } catch (const std::exception&) {
      }
      if (used != value.size() || !(r >= 0) || !std::isfinite(r))
        throw UsageError(fmt::format("script {}: the ridge '{}' must be a number of 0 or more", a.what(), value));
      return;
    }
    if (key == "impl") return (void)parse_mode(value);
    if (key == "axes") return (void)parse_axes(value);
    if (key == "colour" || key == "color") {
      if (!from_name(value, kPointColours, point_colour_name))
        throw UsageError(fmt::format("script {}: colour is {}, not '{}'", a.what(),
                                     name_choices(kPointColours, point_colour_name), value));
      return;
    }
    if (key == "palette") {
      if (!from_name(value, kPalettes, palette_name))
        throw UsageError(fmt::format("script {}: the palette is {}, not '{}'", a.what(),
                                     name_choices(kPalettes, palette_name), value));
      return;
    }
    if (key == "changed") {
      if (value != "on" && value != "off")
        throw UsageError(fmt::format("script {}: the changed-pixels map is on or off, not '{}'", a.what(), value));
      return;
    }
    if (key == "curve") {
      if (value != "loglik" && value != "gain")
        throw UsageError(fmt::format("script {}: the curve is loglik or gain, not '{}'", a.what(), value));
      return;
    }
  } catch (const Error& e) {
    const std::string m = e.what();
    if (m.starts_with("script ")) throw;
    throw UsageError(fmt::format("script {}: {}", a.what(), m));
  }
  throw UsageError(fmt::format("script {}: there is no setting '{}'; set k, seed, ridge, impl, axes, colour, palette, curve, changed or heat",
                          a.what(), key));
}

void check(const Action& a) {
  const Verb* verb = nullptr;
  for (const Verb& v : kVerbs)
    if (a.verb == v.name) verb = &v;
  if (!verb) throw UsageError(fmt::format("script {}: '{}' is not an action; the actions are {}", a.what(), a.verb, verb_list()));
  const int n = int(a.words.size());
  if (n < verb->min_words || n > verb->max_words)
    throw UsageError(fmt::format("script {}: '{}' takes {} word{} after it, not {}", a.what(), a.verb,
                            verb->min_words == verb->max_words ? std::to_string(verb->min_words)
                                                               : fmt::format("{} or {}", verb->min_words, verb->max_words),
                            verb->max_words == 1 ? "" : "s", n));
  if ((a.verb == "step" || a.verb == "back" || a.verb == "forward") && n == 1) need_count(a, a.words[0], 1);
  if (a.verb == "goto") need_count(a, a.words[0], 0);
  if (a.verb == "set") check_set(a);
  if (a.verb == "screenshot") need_extension(a, a.words[0], ".png");
  if (a.verb == "save") {
    if (a.words[0] == "labels") return need_extension(a, a.words[1], ".png");
    if (a.words[0] == "mixture") return need_extension(a, a.words[1], ".json");
    throw UsageError(fmt::format("script {}: save labels F.png or save mixture F.json, not save {}", a.what(), a.words[0]));
  }
}

}  // namespace

std::string Action::what() const { return fmt::format("action {} ('{}')", number, text); }

std::vector<Action> parse_script(const std::string& script) {
  std::vector<Action> out;
  std::string piece;
  std::string normalised = script;
  for (char& c : normalised)
    if (c == '\n') c = ';';
  std::istringstream in(normalised);
  int number = 0;
  while (std::getline(in, piece, ';')) {
    std::istringstream words(piece);
    Action a;
    std::string w;
    while (words >> w) (a.verb.empty() ? a.verb : a.words.emplace_back()) = w;
    if (a.verb.empty()) continue;  // blank between two ';'
    a.number = ++number;
    a.text = a.verb;
    for (const auto& x : a.words) a.text += " " + x;
    check(a);
    out.push_back(std::move(a));
  }
  if (out.empty()) throw UsageError("the script has no actions; give e.g. --script \"reset; estep; screenshot a.png\"");
  return out;
}

int count_of(const Action& a) { return a.words.empty() ? 1 : std::stoi(a.words[0]); }

}  // namespace gmmlab::viewer
