#!/usr/bin/env bash
# Stage 1 of `make image`: the arm64 Debian root file system with kernel and initramfs, built
# by mmdebstrap and cached as a tarball under target/image/cache/ (IMAGE_CACHE), keyed by what
# goes into it: the hooks, packages, mmdebstrap options, suite, mirrors, snapshot date and
# ROOTFS_REVISION (bump it for a change this key does not see). A rebuild with only a new
# smdrbox .deb reuses it. Prints the tarball's path on stdout.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${IMAGE_CACHE:-$(cd "$HERE/.." && pwd)/target/image/cache}
SUITE=${IMAGE_SUITE:-bookworm}
# Reproducibility: IMAGE_SNAPSHOT names the Debian archive state. With IMAGE_USE_SNAPSHOT=1 the
# packages come from snapshot.debian.org at that date (bit-for-bit the same package set every
# time); by default they come from deb.debian.org as it is today (not reachable here:
# snapshot.debian.org), and target/image/*.packages records what was installed.
SNAPSHOT=${IMAGE_SNAPSHOT:-20261123T000000Z}
if [ "${IMAGE_USE_SNAPSHOT:-0}" = 1 ]; then
  MIRROR=${IMAGE_MIRROR:-http://snapshot.debian.org/archive/debian/$SNAPSHOT}
  SECMIRROR=${IMAGE_SECURITY_MIRROR:-http://snapshot.debian.org/archive/debian-security/$SNAPSHOT}
else
  MIRROR=${IMAGE_MIRROR:-http://deb.debian.org/debian}
  SECMIRROR=${IMAGE_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
fi
# The root file system's file times: the snapshot date, so that the cache key stays stable.
SOURCE_DATE_EPOCH=$(date -u -d "$(echo "$SNAPSHOT" | sed -E 's/^(....)(..)(..)T(..)(..)(..)Z$/\1-\2-\3 \4:\5:\6/')" +%s)
export SOURCE_DATE_EPOCH

# What the box runs besides smdrbox. No ssh, no getty on the SMDR port, no swap.
PACKAGES=(
  systemd-sysv udev dbus kmod linux-image-arm64 initramfs-tools zstd
  systemd-timesyncd systemd-resolved iproute2 netbase
  e2fsprogs fdisk util-linux procps less
)
COMPONENTS=main

ROOTFS_REVISION=1
OPTS=(
  --variant=minbase --architectures=arm64 --components="$COMPONENTS" --format=tar
  --include="$(IFS=,; echo "${PACKAGES[*]}")"
  --dpkgopt='path-exclude=/usr/share/man/*'
  --dpkgopt='path-exclude=/usr/share/locale/*'
  --dpkgopt='path-include=/usr/share/locale/locale.alias'
  --dpkgopt='path-exclude=/usr/share/doc/*'
  --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --dpkgopt='path-include=/usr/share/doc/smdrbox/*'
  --dpkgopt='path-exclude=/usr/share/info/*'
  --aptopt='Acquire::Check-Valid-Until "false"'
  --essential-hook="sh '$HERE/hooks/essential.sh' \"\$1\""
  --customize-hook='rm -f "$1"/var/cache/apt/*.bin; rm -rf "$1"/var/lib/apt/lists/*'
)
SOURCES=(
  "deb $MIRROR $SUITE $COMPONENTS"
  "deb $MIRROR $SUITE-updates $COMPONENTS"
  "deb $SECMIRROR $SUITE-security $COMPONENTS"
)
key=$( {
  cat "$HERE"/hooks/*
  printf '%s\n' "$ROOTFS_REVISION" "$SUITE" "$SNAPSHOT" "${OPTS[@]}" "${SOURCES[@]}" | sed "s|$HERE|image|g"
} | sha256sum | cut -c1-16)
mkdir -p "$CACHE"
TAR="$CACHE/rootfs-$SUITE-arm64-$key.tar"
if [ -s "$TAR" ]; then
  echo "rootfs: cached $TAR" >&2
  echo "$TAR"
  exit 0
fi

echo "rootfs: building $TAR (mmdebstrap, $SUITE arm64, $MIRROR)" >&2
start=$(date +%s)
nice -n 10 mmdebstrap --mode="${IMAGE_MMDEBSTRAP_MODE:-auto}" "${OPTS[@]}" \
  "$SUITE" "$TAR.tmp" "${SOURCES[@]}" >&2
mv "$TAR.tmp" "$TAR"
echo "rootfs: built in $(( $(date +%s) - start )) s: $TAR ($(du -m "$TAR" | cut -f1) MiB)" >&2
echo "$TAR"
