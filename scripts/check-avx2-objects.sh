#!/usr/bin/env bash
# Checks objects built by gmmlab_add_avx2_kernel (CMakeLists.txt): no function the linker may
# share with other files (a weak symbol: inline functions and template instances from headers)
# holds an AVX (VEX-encoded) instruction. If one did, the linker could keep that copy for the
# whole program, and a CPU without AVX would stop with "illegal instruction" outside the kernels.
# Registered with CTest for each such object; prints the offending functions.
set -euo pipefail
status=0
for object in "$@"; do
  shared=$(nm "$object" | awk '$2 == "W" || $2 == "V" { print $3 }')
  with_vex=$(objdump -d --no-show-raw-insn "$object" |
    awk '/^[0-9a-f]+ <.*>:$/ { name = substr($2, 2, length($2) - 3) } /^ +[0-9a-f]+:\t+v[a-z]/ { print name }' | sort -u)
  bad=$(comm -12 <(printf '%s\n' "$shared" | sort -u) <(printf '%s\n' "$with_vex"))
  if [ -n "$bad" ]; then
    echo "$object: shared functions built with AVX (include every header before gmmlab/fast_math.hpp):" >&2
    printf '%s\n' "$bad" | c++filt >&2
    status=1
  else
    echo "$object: $(printf '%s\n' "$with_vex" | grep -c . || true) functions with AVX, none shared"
  fi
done
exit $status
