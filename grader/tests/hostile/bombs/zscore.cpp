// Hostile submission (compile bomb): the assembler asked to paste /dev/zero, which never ends.
// The compile's CPU, wall-clock, memory and file-size limits end it; the file costs its checks.
#include "student.hpp"
__asm__(".section .rodata\n.incbin \"/dev/zero\"\n.text\n");
namespace gmmlab {
arma::mat StudentSteps::zscore(const arma::mat& raw) const { return raw; }
}  // namespace gmmlab
