// The one reader of JSON files (mixtures, traces) and its field checks: each bad file or field
// gets one sentence naming the file, the field and what to do.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "gmmlab/errors.hpp"
#include "gmmlab/json_file.hpp"
#include "gmmlab/testing/support.hpp"

namespace gmmlab {
namespace {

using nlohmann::json;
using testing::TempDir;

const JsonFileKind kKind{"notes file", 1024, "a file of notes", "write it again"};

std::string error_reading(const std::filesystem::path& path, const JsonFileKind& kind = kKind) {
  try {
    (void)read_json_file(path, kind);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

std::string error_of_text(const std::string& text) {
  TempDir dir;
  testing::write_file(dir / "n.json", text);
  return error_reading(dir / "n.json");
}

TEST(JsonFile, GoodFileIsParsed) {
  TempDir dir;
  testing::write_file(dir / "n.json", R"({"a": [1, 2.5]})");
  EXPECT_EQ(read_json_file(dir / "n.json", kKind), json::parse(R"({"a": [1, 2.5]})"));
}

TEST(JsonFile, EachBadFileGetsItsOwnSentenceNamingTheFileAndTheRemedy) {
  TempDir dir;
  EXPECT_EQ(error_reading(dir / "missing.json"),
            "notes file '" + (dir / "missing.json").string() + "' does not exist; check the path (give a file of notes)");
  EXPECT_EQ(error_reading(dir.path()), "notes file '" + dir.path().string() + "' is a folder; give a file of notes");
  EXPECT_NE(error_of_text(" \n").find("' is empty; write it again"), std::string::npos);
  EXPECT_NE(error_of_text(R"({"a": [1, 2)").find("stops in the middle (after 11 bytes), so it is not valid JSON: the file is truncated; write it again"),
            std::string::npos)
      << error_of_text(R"({"a": [1, 2)");
  EXPECT_NE(error_of_text(R"({"a": oops})").find("is not valid JSON (error at byte 7); give a file of notes"),
            std::string::npos)
      << error_of_text(R"({"a": oops})");
  EXPECT_NE(error_of_text(R"({"a": 1e999})").find("holds a number too large for a double (such as 1e999); write it again"),
            std::string::npos);
  EXPECT_NE(error_of_text(std::string(2000, ' ') + "{}").find("more than the 1024 bytes this reader accepts"),
            std::string::npos);
}

TEST(JsonFile, UnpackTurnsTheBytesIntoTextAndMayRefuseThem) {
  TempDir dir;
  testing::write_file(dir / "n.json", "reversed:}1 :\"a\"{");
  JsonFileKind kind = kKind;
  kind.unpack = [](const std::string& bytes, const std::string& source) {
    if (bytes.rfind("reversed:", 0) != 0) throw Error(source + " is not reversed");
    return std::string(bytes.rbegin(), bytes.rend() - 9);
  };
  EXPECT_EQ(read_json_file(dir / "n.json", kind), json::parse(R"({"a": 1})"));
  testing::write_file(dir / "plain.json", "{}");
  EXPECT_EQ(error_reading(dir / "plain.json", kind), "notes file '" + (dir / "plain.json").string() + "' is not reversed");
}

std::string field_error(const std::function<void(const JsonFields&)>& read) {
  try {
    read(JsonFields("notes 'n.json'", "is damaged", "write it again"));
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(JsonFields, NameTheFieldItsPlaceAndWhatItShouldBe) {
  const json j = json::parse(R"({"o": {"n": "x", "i": 2.5, "big": 99999999999, "neg": -3, "u": 18446744073709551615,
                                       "list": [1, "a"], "short": [1, 2], "flag": 1}})");
  const json& o = j["o"];
  EXPECT_EQ(field_error([&](const JsonFields& f) { f.field(j, "p", ""); }),
            "notes 'n.json' is damaged: \"p\" is missing; write it again");
  EXPECT_EQ(field_error([&](const JsonFields& f) { f.field(o, "p", "\"o\""); }),
            "notes 'n.json' is damaged: \"o\" has no \"p\"; write it again");
  EXPECT_EQ(field_error([&](const JsonFields& f) { f.field(o["n"], "p", "\"n\""); }),
            "notes 'n.json' is damaged: \"n\" is not a JSON object; write it again");
  EXPECT_NE(field_error([&](const JsonFields& f) { f.number(o, "n", "\"o\""); }).find("\"n\" of \"o\" is not a number"),
            std::string::npos);
  EXPECT_NE(field_error([&](const JsonFields& f) { f.integer(o, "i", "\"o\"", 0, 10); }).find("\"i\" of \"o\" is not a whole number"),
            std::string::npos);
  EXPECT_NE(field_error([&](const JsonFields& f) { f.integer(o, "big", "\"o\"", 0, 2147483647); })
                .find("\"big\" of \"o\" is 99999999999, more than 2147483647"),
            std::string::npos);
  EXPECT_NE(field_error([&](const JsonFields& f) { f.integer(o, "u", "\"o\"", 0, 2147483647); })
                .find("\"u\" of \"o\" is 18446744073709551615, more than 2147483647"),
            std::string::npos);
  EXPECT_NE(field_error([&](const JsonFields& f) { f.integer(o, "neg", "\"o\"", 1, 10); }).find("is -3, less than 1"),
            std::string::npos);
  EXPECT_NE(field_error([&](const JsonFields& f) { f.unsigned_integer(o, "neg", "\"o\""); })
                .find("\"neg\" of \"o\" is not a whole number of at least 0"),
            std::string::npos);
  EXPECT_NE(field_error([&](const JsonFields& f) { f.text(o, "i", "\"o\""); }).find("\"i\" of \"o\" is not a string"),
            std::string::npos);
  EXPECT_NE(field_error([&](const JsonFields& f) { f.boolean(o, "flag", "\"o\""); }).find("is not true or false"),
            std::string::npos);
  EXPECT_NE(field_error([&](const JsonFields& f) { f.numbers(o, "list", "\"o\"", 0, ""); })
                .find("\"list\" of \"o\" holds something that is not a number"),
            std::string::npos);
  EXPECT_NE(field_error([&](const JsonFields& f) { f.numbers(o, "short", "\"o\"", 3, "one per component"); })
                .find("\"short\" of \"o\" must be a list of 3 numbers, one per component"),
            std::string::npos);
}

TEST(JsonFields, ReturnTheValuesThatPass) {
  const json j = json::parse(R"({"i": 7, "u": 18446744073709551615, "x": -0.5, "s": "t", "b": true, "l": [1, 2]})");
  const JsonFields f("notes", "is damaged", "fix it");
  EXPECT_EQ(f.integer(j, "i", "", 0, 10), 7);
  EXPECT_EQ(f.unsigned_integer(j, "u", ""), 18446744073709551615ULL);
  EXPECT_EQ(f.number(j, "x", ""), -0.5);
  EXPECT_EQ(f.text(j, "s", ""), "t");
  EXPECT_TRUE(f.boolean(j, "b", ""));
  EXPECT_EQ(f.numbers(j, "l", "", 2, ""), (std::vector<double>{1, 2}));
}

// A document built in memory (not parsed) may hold NaN or infinity: refused like text.
TEST(JsonFields, NumbersMustBeFinite) {
  json j = {{"x", NAN}, {"l", {1.0, INFINITY}}};
  EXPECT_NE(field_error([&](const JsonFields& f) { f.number(j, "x", ""); }).find("\"x\" is not a finite number"),
            std::string::npos);
  EXPECT_NE(field_error([&](const JsonFields& f) { f.numbers(j, "l", "", 0, ""); })
                .find("\"l\" holds a value that is not a finite number"),
            std::string::npos);
}

}  // namespace
}  // namespace gmmlab
