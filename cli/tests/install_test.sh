#!/bin/bash
# Installs this build into a temporary prefix, moves the prefix elsewhere, and runs the
# installed gmmlab on its bundled sample: the sample must be found beside the installed
# program (share/gmmlab/data), not in the source tree the build was made from.
# Usage: install_test.sh CMAKE BUILD_DIR
set -euo pipefail
cmake=$1 build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset GMMLAB_DATA_DIR

"$cmake" --install "$build" --prefix "$tmp/first" > "$tmp/install.log"
mv "$tmp/first" "$tmp/moved"
prefix=$tmp/moved
for f in bin/gmmlab share/gmmlab/data/chelsea.png share/gmmlab/data/SOURCES.md share/doc/gmmlab/README.md \
         share/doc/gmmlab/docs/architecture.md; do
  [[ -e $prefix/$f ]] || { echo "not installed: $f"; exit 1; }
done
[[ ! -e $prefix/share/doc/gmmlab/docs/tests ]] || { echo "the docs' tests were installed"; exit 1; }

mkdir "$tmp/work"
cd "$tmp/work"
"$prefix/bin/gmmlab" segment -k 2 --iterations 2 -q --json summary.json
[[ -s chelsea-k2.png ]] || { echo "no segmentation written"; exit 1; }
# The summary names the photo it segmented: the installed copy, found from the program's own place.
grep -qF "\"path\": \"$prefix/share/gmmlab/data/chelsea.png\"" summary.json ||
  { echo "the installed gmmlab did not use its installed sample:"; cat summary.json; exit 1; }
echo "installed, moved and ran: $prefix/bin/gmmlab segment used $prefix/share/gmmlab/data/chelsea.png"
