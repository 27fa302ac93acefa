#!/usr/bin/env bash
# Install what `make image` and `make image-test` need (Debian packages, the arm64 Rust target,
# binfmt for arm64 maintainer scripts, device-tree-compiler for the Raspberry Pi device trees:
# image/rpi-dtbs.sh). Separate from scripts/deps.sh so that `make test` does not pull the image
# tools. Safe to run again; quick when everything is present.
set -euo pipefail

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

need=()
for p in mmdebstrap arch-test uidmap qemu-user-static binfmt-support genimage mtools dosfstools \
         device-tree-compiler e2fsprogs fdisk libfaketime qemu-system-arm qemu-utils curl python3 \
         xz-utils gcc-aarch64-linux-gnu libc6-dev-arm64-cross; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || need+=("$p")
done
# qemu-system-arm 7.2 replaces a backported qemu-utils (qemu-img) unless both are in one install
# line (toolchain.md §1.2): keep them together.
if [ ${#need[@]} -gt 0 ]; then
  # A newer backported qemu-utils Breaks bookworm's qemu-system-common: take bookworm's.
  case " ${need[*]} " in *" qemu-system-arm "*) need+=(qemu-utils/bookworm) ;; esac
  echo "image-deps: installing ${need[*]}"
  # Other jobs may hold the dpkg lock: wait for it instead of failing.
  $sudo apt-get -o DPkg::Lock::Timeout=900 update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=900 install -y -q \
    --no-install-recommends --allow-downgrades "${need[@]}"
fi

# arm64 maintainer scripts run through qemu-user: binfmt_misc must be mounted and enabled.
if [ ! -e /proc/sys/fs/binfmt_misc/status ]; then
  $sudo mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
fi
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  $sudo update-binfmts --enable qemu-aarch64
fi
grep -q enabled /proc/sys/fs/binfmt_misc/qemu-aarch64

# The stopgap image (no .deb yet) cross-builds the binary itself.
if ! rustup target list --installed 2>/dev/null | grep -qx aarch64-unknown-linux-gnu; then
  rustup target add aarch64-unknown-linux-gnu
fi
echo "image-deps: ok"
