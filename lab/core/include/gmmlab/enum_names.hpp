#pragma once
// The one way the project maps its own enums to names and back. For each enum E that is
// printed or read:
//   - one function `const char* <what>_name(E)` (or `to_string`), a switch that lists every
//     value and has no `default:`, so -Wswitch names a value added without a name;
//   - one `inline constexpr std::array` of every value, declared beside the enum;
//   - reading a name back goes through from_name, which asks that same function, so the two
//     directions cannot disagree.
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace gmmlab {

// The value whose name is `text`, or none.
template <class E, std::size_t N, class NameOf>
std::optional<E> from_name(std::string_view text, const std::array<E, N>& every, NameOf name_of) {
  for (E value : every)
    if (text == name_of(value)) return value;
  return std::nullopt;
}

// "a, b or c": every name, for a sentence that says what may be given.
template <class E, std::size_t N, class NameOf>
std::string name_choices(const std::array<E, N>& every, NameOf name_of) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) {
    if (i > 0) out += i + 1 == N ? " or " : ", ";
    out += name_of(every[i]);
  }
  return out;
}

}  // namespace gmmlab
