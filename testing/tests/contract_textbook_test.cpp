// The contract suite on the textbook implementation: the yardstick the core's and the
// tracer's tests run EM with must itself keep the contract.
#include "gmmlab/testing/contract.hpp"
#include "gmmlab/testing/textbook.hpp"

namespace gmmlab::testing::contract {
INSTANTIATE_TYPED_TEST_SUITE_P(Textbook, StepsContract, ::testing::Types<TextbookSteps>);
}  // namespace gmmlab::testing::contract
