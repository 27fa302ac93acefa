#!/usr/bin/env bash
# Install what `make cross`, `make deb`, `make deb-test` and `make dtbo` need: the arm cross
# compilers, the Rust targets, qemu-user (smoke runs of the cross binaries), cargo-deb, lintian,
# mmdebstrap (the throwaway Debian root deb-test installs into) and dtc. Separate from
# scripts/deps.sh so that `make test` never pulls packaging tools. Safe to run again; quick
# when everything is present.
#
#   scripts/pkg-deps.sh [cross] [deb] [deb-test] [dtbo]     (no argument: all of them)
set -euo pipefail

# cargo-deb, pinned: its output (file layout, generated maintainer scripts) is part of the
# package; a new version is a deliberate change, checked with `make deb-test`.
CARGO_DEB_VERSION=3.8.0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
want=("$@")
[ ${#want[@]} -gt 0 ] || want=(cross deb deb-test dtbo)
has() { case " ${want[*]} " in *" $1 "*) return 0 ;; esac; return 1; }

pkgs=()
targets=()
if has cross || has deb; then
  # The .deb for arm64/armhf is made from the cross builds.
  pkgs+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross gcc-arm-linux-gnueabihf
         libc6-dev-armhf-cross qemu-user-static file)
  targets+=(aarch64-unknown-linux-gnu armv7-unknown-linux-gnueabihf)
fi
if has deb; then
  # Depends is written out in Cargo.toml (deb-test checks it against the binaries), so
  # dpkg-shlibdeps (dpkg-dev) is not needed; nor is fakeroot: cargo-deb writes the owners into
  # the archive itself. dpkg-deb comes with dpkg.
  pkgs+=(dpkg)
fi
if has deb-test; then
  # lintian: policy checks. mmdebstrap + arch-test: a minimal Debian root to install into.
  # qemu-user-static: the arm64 binary from its .deb runs check-config.
  # binutils (objdump), file, curl, python3, iproute2: the checks themselves.
  pkgs+=(lintian mmdebstrap arch-test qemu-user-static binfmt-support debian-archive-keyring util-linux
         binutils file curl python3 iproute2)
fi
if has dtbo; then
  pkgs+=(device-tree-compiler)
fi

need=()
for p in $(printf '%s\n' "${pkgs[@]}" | sort -u); do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "pkg-deps: installing ${need[*]}" >&2
  # Other jobs may hold the dpkg lock: wait for it instead of failing.
  $sudo apt-get -o DPkg::Lock::Timeout=900 update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=900 install -y -q \
    --no-install-recommends "${need[@]}"
fi

for t in "${targets[@]}"; do
  if ! rustup target list --installed 2>/dev/null | grep -qx "$t"; then
    echo "pkg-deps: rustup target add $t" >&2
    rustup target add "$t"
  fi
done

if has deb; then
  have=$(cargo deb --version 2>/dev/null | awk '{print $NF}' || true)
  if [ "$have" != "$CARGO_DEB_VERSION" ]; then
    echo "pkg-deps: cargo install --locked cargo-deb@$CARGO_DEB_VERSION (about a minute)" >&2
    # Its own target dir, so that the project's builds are not touched.
    CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}/cargo-install \
      cargo install --locked --force cargo-deb --version "$CARGO_DEB_VERSION"
  fi
fi
echo "pkg-deps: ok (${want[*]})" >&2
