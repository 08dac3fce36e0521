// The contract suite (testing/include/gmmlab/testing/contract.hpp) on the instructor's
// solution: the skeleton's exercise blocks, filled in, keep every property the reference keeps.
#include "gmmlab/testing/contract.hpp"
#include "student.hpp"

namespace gmmlab::testing::contract {
INSTANTIATE_TYPED_TEST_SUITE_P(Solution, StepsContract, ::testing::Types<StudentSteps>);
}  // namespace gmmlab::testing::contract
