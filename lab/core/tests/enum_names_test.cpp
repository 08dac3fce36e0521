// The one enum <-> name style (gmmlab/enum_names.hpp): every value of the core's named enums
// is in its list, every name reads back as its value, and nothing else reads as a value.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "gmmlab/em.hpp"
#include "gmmlab/enum_names.hpp"
#include "gmmlab/errors.hpp"

namespace gmmlab {
namespace {

// A value the name function knows (its switch has a case for it) but the list lacks would
// never be read back: try every small number as a value.
template <class E, std::size_t N, class NameOf>
void expect_list_complete_and_names_read_back(const std::array<E, N>& every, NameOf name_of) {
  for (int i = 0; i < 64; ++i) {
    const E value = static_cast<E>(i);
    const std::string name = name_of(value);
    const bool listed = std::find(every.begin(), every.end(), value) != every.end();
    EXPECT_EQ(listed, name != "?") << "value " << i << " named '" << name << "'";
    if (listed) {
      EXPECT_EQ(from_name(name, every, name_of), value) << name;
    }
  }
  EXPECT_EQ(from_name("no such name", every, name_of), std::nullopt);
}

TEST(EnumNames, EveryValueIsListedAndItsNameReadsBack) {
  expect_list_complete_and_names_read_back(kStopReasons, to_string);
  expect_list_complete_and_names_read_back(kHalfSteps, half_step_name);
  expect_list_complete_and_names_read_back(kExercises, exercise_title);
  expect_list_complete_and_names_read_back(kComponentEventKinds, event_kind_name);
}

TEST(EnumNames, ChoicesAreWrittenAsASentenceList) {
  EXPECT_EQ(name_choices(kHalfSteps, half_step_name), "E-step or M-step");
  EXPECT_EQ(name_choices(kExercises, exercise_title), "Z-score, E-step or M-step");
  EXPECT_EQ(name_choices(kStopReasons, to_string),
            "converged, iteration_cap, collapsed, not_finite, wrong_shape, not_implemented or failed");
}

}  // namespace
}  // namespace gmmlab
