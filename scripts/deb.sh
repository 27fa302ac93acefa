#!/usr/bin/env bash
# make deb: the smdrbox .deb packages, made by cargo-deb from [package.metadata.deb] in
# Cargo.toml: amd64 (native), arm64 (Raspberry Pi 3/4/Zero 2 W and other arm64 boards on a
# 64-bit OS) and armhf (the same Pis on 32-bit Raspberry Pi OS; ARMv7, not ARMv6).
#
#   scripts/deb.sh [amd64] [arm64] [armhf]      default: DEB_ARCHES, else all three
#
# The binaries come from `cargo build --release` and scripts/cross.sh (which smoke-tests the
# arm ones under qemu-user), the device-tree overlays from scripts/dtbo.sh; cargo-deb then only
# packs (--no-build). Output: $CARGO_TARGET_DIR/debian/smdrbox_VERSION_ARCH.deb (default
# target/debian/, where `make image` looks for the arm64 one); DEB_OUT to change.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
ARCHES=("$@")
[ ${#ARCHES[@]} -gt 0 ] || read -r -a ARCHES <<< "${DEB_ARCHES:-amd64 arm64 armhf}"
TD=${CARGO_TARGET_DIR:-$TOP/target}
export CARGO_TARGET_DIR=$TD
OUT=${DEB_OUT:-$TD/debian}

"$TOP/scripts/pkg-deps.sh" deb dtbo
"$TOP/scripts/dtbo.sh"

triple_of() {
  case "$1" in
    amd64) echo "" ;;
    arm64) echo aarch64-unknown-linux-gnu ;;
    armhf) echo armv7-unknown-linux-gnueabihf ;;
    *) echo "deb: unknown architecture $1 (amd64, arm64, armhf)" >&2; return 1 ;;
  esac
}

cross=()
for a in "${ARCHES[@]}"; do
  t=$(triple_of "$a")
  if [ -z "$t" ]; then
    [ "$(dpkg --print-architecture)" = amd64 ] || { echo "deb: amd64 is native only on an amd64 host" >&2; exit 1; }
    echo "deb: building the native release binary" >&2
    cargo build --release --locked
  else
    cross+=("$t")
  fi
done
[ ${#cross[@]} -eq 0 ] || "$TOP/scripts/cross.sh" "${cross[@]}"

mkdir -p "$OUT"
rows=()
for a in "${ARCHES[@]}"; do
  t=$(triple_of "$a")
  rel=$TD/${t:+$t/}release
  # cargo-deb reads build products from target/release/ (its name for $rel): the overlays go
  # beside the binary.
  cp "$TD"/dtbo/*.dtbo "$rel/"
  deb=$(cargo deb --no-build ${t:+--target "$t"} --output "$OUT/" | tail -1)
  [ -f "$deb" ] || { echo "deb: cargo deb did not report its output (got: $deb)" >&2; exit 1; }
  got=$(dpkg-deb -f "$deb" Architecture)
  [ "$got" = "$a" ] || { echo "deb: $deb says Architecture $got, expected $a" >&2; exit 1; }
  rows+=("$(printf '%-6s %-48s %8s bytes   binary %9s bytes   Depends: %s' "$a" "$(basename "$deb")" \
    "$(stat -c %s "$deb")" "$(stat -c %s "$rel/smdrbox")" "$(dpkg-deb -f "$deb" Depends)")")
done

echo
echo "deb: packages in $OUT/ (check them with make deb-test)"
printf '  %s\n' "${rows[@]}"
