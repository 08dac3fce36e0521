#!/usr/bin/env bash
# Runs the README's test command (bash scripts/test.sh) on a fresh Debian system made with
# debootstrap, on a clone of this repository's committed HEAD: how a newer toolchain than this
# machine's is tried (Debian 13 "trixie" stands in for Ubuntu 24.04 and Gradescope's image,
# which cannot be reached from here). Needs root, debootstrap and the network to the mirror.
#
#   sudo scripts/test-in-chroot.sh [--suite trixie] [--dir /var/tmp/gmmlab-trixie] [PRESET ...]
#
# PRESETs are passed to scripts/test.sh (default: both, release and asan). An existing system
# in --dir is reused (debootstrap runs once); the clone is made afresh each time. The chroot's
# /dev (bound), its /dev/shm (a tmpfs of its own: a bind of /dev leaves the host's out) and
# /proc are unmounted on exit, also after a failure or Ctrl+C.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
suite=trixie
dir=
presets=()
while [ $# -gt 0 ]; do
  case $1 in
    --suite) suite=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    -*) echo "test-in-chroot: '$1' is not an option; see $0 --help" >&2; exit 2 ;;
    *) presets+=("$1"); shift ;;
  esac
done
dir=${dir:-/var/tmp/gmmlab-$suite}

if [ "$(id -u)" -ne 0 ]; then
  echo "test-in-chroot: debootstrap and chroot need root; run it as root (e.g. sudo $0)" >&2
  exit 1
fi
command -v debootstrap >/dev/null || { echo "test-in-chroot: debootstrap is not installed; apt-get install debootstrap" >&2; exit 1; }

# The mirror this machine already uses: the first URIs line of its deb822 sources (not the
# security archive, which has no suite of that name).
mirror=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}

cleanup() {
  # Reverse order of mounting; a lazy unmount if something inside still holds it.
  for m in "$dir/proc" "$dir/dev/shm" "$dir/dev"; do
    if mountpoint -q "$m"; then umount "$m" 2>/dev/null || umount -l "$m"; fi
  done
}
trap cleanup EXIT INT TERM

# debootstrap removes its own /debootstrap folder when it has finished.
if [ -d "$dir/debootstrap" ]; then
  echo "test-in-chroot: $dir holds an unfinished debootstrap; remove it (rm -rf $dir) and run again" >&2
  exit 1
fi
if [ ! -x "$dir/usr/bin/apt-get" ]; then
  echo "test-in-chroot: debootstrap --variant=minbase $suite $dir $mirror"
  mkdir -p "$dir"
  debootstrap --variant=minbase "$suite" "$dir" "$mirror"
fi
echo "test-in-chroot: $suite $(cat "$dir/etc/debian_version") in $dir"

mount --bind /dev "$dir/dev"
mount -t tmpfs -o mode=1777,size=1g tmpfs "$dir/dev/shm"
mount -t proc proc "$dir/proc"
cp -L /etc/resolv.conf "$dir/etc/resolv.conf"

# The repository as committed: a clone, so that the chroot's build is not this tree's.
head=$(git -C "$root" rev-parse HEAD)
rm -rf "$dir/work/gmmlab"
mkdir -p "$dir/work"
git clone -q --no-checkout "$root" "$dir/work/gmmlab"
git -C "$dir/work/gmmlab" checkout -q --detach "$head"
echo "test-in-chroot: testing commit $head"

# install-deps needs git and the rest; a minbase system has apt and bash only.
chroot "$dir" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
  LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
  bash -c 'cd /work/gmmlab && bash scripts/test.sh "$@"' test-in-chroot ${presets[@]+"${presets[@]}"}
echo "test-in-chroot: scripts/test.sh ${presets[*]:-release asan} passed on $suite ($(cat "$dir/etc/debian_version"))"
