#include "gmmlab/json_file.hpp"

#include <fmt/format.h>

#include <cmath>

#include "gmmlab/errors.hpp"
#include "gmmlab/input_file.hpp"

namespace gmmlab {

using nlohmann::json;

namespace {

json parse_json_text(const std::string& text, const std::string& source, const JsonFileKind& kind) {
  const std::string& fix = kind.fix;
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    throw Error(fmt::format("{} is empty; {}", source, fix));
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    // nlohmann reports the byte after the last one when the text stops in the middle.
    if (e.byte >= text.size())
      throw Error(fmt::format("{} stops in the middle (after {} bytes), so it is not valid JSON: the file is "
                              "truncated; {}",
                              source, text.size(), fix));
    throw Error(fmt::format("{} is not valid JSON (error at byte {}); give {}", source, e.byte, kind.expected));
  } catch (const json::exception&) {
    // The parser's only other complaint: a number no double holds, such as 1e999.
    throw Error(fmt::format("{} holds a number too large for a double (such as 1e999); {}", source, fix));
  }
}

}  // namespace

json read_json_file(const std::filesystem::path& path, const JsonFileKind& kind) {
  const std::string source = kind.source(path);
  // These two before read_regular_file's own checks, to say what the file should have been.
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw Error(fmt::format("{} is a folder; give {}", source, kind.expected));
  if (!std::filesystem::exists(path, ec))
    throw Error(fmt::format("{} does not exist; check the path (give {})", source, kind.expected));
  std::string bytes = read_regular_file(path, kind.what, kind.max_bytes);
  if (kind.unpack) bytes = kind.unpack(bytes, source);
  return parse_json_text(bytes, source, kind);
}

// ---- fields -------------------------------------------------------------------------------------

void JsonFields::fail(const std::string& what) const {
  throw Error(fmt::format("{} {}: {}; {}", source_, problem_, what, fix_));
}

std::string JsonFields::name(const std::string& key, const std::string& where) {
  return where.empty() ? fmt::format("\"{}\"", key) : fmt::format("\"{}\" of {}", key, where);
}

const json& JsonFields::object(const json& j, const std::string& where) const {
  if (!j.is_object()) fail(where.empty() ? "it is not a JSON object" : fmt::format("{} is not a JSON object", where));
  return j;
}

const json& JsonFields::field(const json& j, const char* key, const std::string& where) const {
  const auto it = object(j, where).find(key);
  if (it == j.end()) fail(where.empty() ? fmt::format("\"{}\" is missing", key) : fmt::format("{} has no \"{}\"", where, key));
  return *it;
}

double JsonFields::number(const json& j, const char* key, const std::string& where) const {
  const json& v = field(j, key, where);
  if (!v.is_number()) fail(fmt::format("{} is not a number", name(key, where)));
  const double x = v.get<double>();
  if (!std::isfinite(x)) fail(fmt::format("{} is not a finite number", name(key, where)));
  return x;
}

long long JsonFields::integer(const json& j, const char* key, const std::string& where, long long min,
                              long long max) const {
  const json& v = field(j, key, where);
  if (!v.is_number_integer()) fail(fmt::format("{} is not a whole number", name(key, where)));
  // A whole number beyond a long long's range is stored unsigned.
  if (v.is_number_unsigned() ? v.get<std::uint64_t>() > std::uint64_t(max) : v.get<long long>() > max)
    fail(fmt::format("{} is {}, more than {}", name(key, where), v.dump(), max));
  if (v.get<long long>() < min) fail(fmt::format("{} is {}, less than {}", name(key, where), v.dump(), min));
  return v.get<long long>();
}

std::uint64_t JsonFields::unsigned_integer(const json& j, const char* key, const std::string& where) const {
  const json& v = field(j, key, where);
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<long long>() >= 0))
    fail(fmt::format("{} is not a whole number of at least 0", name(key, where)));
  return v.get<std::uint64_t>();
}

std::string JsonFields::text(const json& j, const char* key, const std::string& where) const {
  const json& v = field(j, key, where);
  if (!v.is_string()) fail(fmt::format("{} is not a string", name(key, where)));
  // A NUL (JSON's \u0000) is in no file name and no sentence; printed, it would end the
  // message that quotes it (what() is a C string) and reach the terminal raw.
  if (v.get_ref<const std::string&>().find('\0') != std::string::npos)
    fail(fmt::format("{} holds a NUL character (\\u0000), which no file name or sentence holds", name(key, where)));
  return v.get<std::string>();
}

bool JsonFields::boolean(const json& j, const char* key, const std::string& where) const {
  const json& v = field(j, key, where);
  if (!v.is_boolean()) fail(fmt::format("{} is not true or false", name(key, where)));
  return v.get<bool>();
}

std::vector<double> JsonFields::numbers(const json& list, const std::string& name, std::size_t size,
                                        const std::string& size_reason) const {
  if (!list.is_array() || (size != 0 && list.size() != size)) {
    if (size == 0) fail(fmt::format("{} is not a list of numbers", name));
    fail(fmt::format("{} must be a list of {} number{}{}", name, size, size == 1 ? "" : "s",
                     size_reason.empty() ? "" : ", " + size_reason));
  }
  std::vector<double> out;
  out.reserve(list.size());
  for (const json& v : list) {
    if (!v.is_number()) fail(fmt::format("{} holds something that is not a number", name));
    out.push_back(v.get<double>());
    if (!std::isfinite(out.back())) fail(fmt::format("{} holds a value that is not a finite number", name));
  }
  return out;
}

std::vector<double> JsonFields::numbers(const json& j, const char* key, const std::string& where, std::size_t size,
                                        const std::string& size_reason) const {
  return numbers(field(j, key, where), name(key, where), size, size_reason);
}

}  // namespace gmmlab
