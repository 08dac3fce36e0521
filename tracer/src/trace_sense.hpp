#pragma once
// Internal to the tracer: the checks of sense a trace gets when it is read.
#include "gmmlab/json_file.hpp"
#include "gmmlab/trace.hpp"

namespace gmmlab {

// After the shapes and the ending (trace.cpp), what the numbers must say for EM to have
// recorded them; throws through `f` (the trace's "is damaged" words) at the first that does not.
void check_sense(const JsonFields& f, const Trace& t);

}  // namespace gmmlab
