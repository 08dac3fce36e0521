// What every student file includes, precompiled once per build (the PCH is only a cache: when
// it is missing or does not match, the compiler reads these headers as usual).
#include <armadillo>
#include <cmath>

#include "gmmlab/errors.hpp"
#include "gmmlab/gaussian.hpp"
#include "gmmlab/mixture.hpp"
#include "gmmlab/steps.hpp"
