// The contract suite (testing/include/gmmlab/testing/contract.hpp) on the reference.
#include "gmmlab/reference.hpp"
#include "gmmlab/testing/contract.hpp"

namespace gmmlab::testing::contract {
INSTANTIATE_TYPED_TEST_SUITE_P(Reference, StepsContract, ::testing::Types<ReferenceSteps>);
}  // namespace gmmlab::testing::contract
