// Hostile submission (compile): the assembler asked to paste a file of the grading machine into
// the program, which would then throw it as its error. The compile sees only the submission's
// view, so the file is not there to paste (and Landlock refuses it where there is no view).
#include <string>

#include "gmmlab/errors.hpp"
#include "student.hpp"

__asm__(".section .rodata\n.global gmmlab_hostile_leak\ngmmlab_hostile_leak:\n.incbin \"@VICTIM@/secret.txt\"\n"
        ".byte 0\n.text\n");
extern "C" const char gmmlab_hostile_leak[];

namespace gmmlab {
arma::mat StudentSteps::zscore(const arma::mat& raw) const {
  throw Error(std::string("LEAKED ") + gmmlab_hostile_leak);
  return raw;
}
}  // namespace gmmlab
