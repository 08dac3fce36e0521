#pragma once
// JSON files a user gives the tools (mixtures, traces), read and checked one way: the file is a
// regular file of bounded size (input_file.hpp), its text is JSON, and each field read through
// JsonFields is checked for its type, range and shape, so that a bad file gets one sentence
// naming the file, the field and what to do.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gmmlab {

// A kind of JSON file, and the words its messages use.
struct JsonFileKind {
  std::string what;         // names the file: "mixture file" gives "mixture file 'm.json'"
  std::uint64_t max_bytes;  // larger files are refused before they are read
  std::string expected;     // what a good one is: "a file written by 'gmmlab trace record'"
  std::string fix;          // what to do when its content is bad: "check the file"
  // Turns the file's bytes into JSON text (the tracer's gunzip); empty: the bytes are the text.
  // Throws gmmlab::Error naming `source` when the bytes are damaged.
  std::function<std::string(const std::string& bytes, const std::string& source)> unpack = {};

  std::string source(const std::filesystem::path& path) const { return what + " '" + path.string() + "'"; }
};

// The file's JSON. Throws gmmlab::Error naming the file when it is missing, a folder, not a
// regular file, too large, empty, cut short, not JSON, or holds a number no double holds (1e999).
nlohmann::json read_json_file(const std::filesystem::path& path, const JsonFileKind& kind);

// Reads the fields of a parsed JSON document. Every accessor names the field and says what it
// should be, in one sentence "<source> <problem>: <what is wrong>; <fix>", e.g. "trace 'r.json'
// is damaged: "tolerance" of "options" is not a number; record it again with ...".
// `where` names the object a field is in ("\"options\"", "iteration 3"); empty at the top.
class JsonFields {
 public:
  JsonFields(std::string source, std::string problem, std::string fix)
      : source_(std::move(source)), problem_(std::move(problem)), fix_(std::move(fix)) {}

  [[noreturn]] void fail(const std::string& what) const;

  // "\"key\"" at the top of the document, "\"key\" of where" inside it.
  static std::string name(const std::string& key, const std::string& where);

  const nlohmann::json& object(const nlohmann::json& j, const std::string& where) const;
  const nlohmann::json& field(const nlohmann::json& j, const char* key, const std::string& where) const;
  double number(const nlohmann::json& j, const char* key, const std::string& where) const;  // finite
  // A whole number from `min` to `max` (so that it fits the int or size it is stored in).
  long long integer(const nlohmann::json& j, const char* key, const std::string& where, long long min,
                    long long max) const;
  std::uint64_t unsigned_integer(const nlohmann::json& j, const char* key, const std::string& where) const;
  std::string text(const nlohmann::json& j, const char* key, const std::string& where) const;  // no NUL in it
  bool boolean(const nlohmann::json& j, const char* key, const std::string& where) const;
  // A list of finite numbers; `size` (if not 0) is how many, `size_reason` why ("one per component").
  std::vector<double> numbers(const nlohmann::json& list, const std::string& name, std::size_t size = 0,
                              const std::string& size_reason = "") const;
  std::vector<double> numbers(const nlohmann::json& j, const char* key, const std::string& where, std::size_t size,
                              const std::string& size_reason) const;

 private:
  std::string source_, problem_, fix_;
};

}  // namespace gmmlab
