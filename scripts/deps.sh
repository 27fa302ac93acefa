#!/usr/bin/env bash
# Install what a fresh Debian machine lacks for the tests. Safe to run again.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# The browser tests drive Chromium through WebDriver; the driver must match the browser's
# version, so both are installed (or upgraded) together.
command -v chromedriver >/dev/null 2>&1 || need+=(chromium chromium-driver)
# make bench: strace counts the daemon's fsyncs; sqlite3 runs the pages' queries for comparison.
command -v strace >/dev/null 2>&1 || need+=(strace)
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
# Fonts so that headless screenshots show text.
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need+=(fonts-dejavu-core)
# libfaketime: the clock-jump test moves the daemon's wall clock, not the machine's.
dpkg -s libfaketime >/dev/null 2>&1 || need+=(libfaketime)
# tests/systemd.rs: systemd-analyze verify/security and systemd-sysusers check the unit files;
# mkfs.ext4, a loop mount and fsfreeze make a file system that hangs. tests/udev.rs: udevadm
# runs the rules (unshare and mount, like fsfreeze, are util-linux, always there).
dpkg -s systemd >/dev/null 2>&1 || need+=(systemd)
dpkg -s udev >/dev/null 2>&1 || need+=(udev)
dpkg -s e2fsprogs >/dev/null 2>&1 || need+=(e2fsprogs)
# tests/exports.rs: LibreOffice opens the CSV downloads as Excel would (soffice --headless
# --convert-to). The GUI-less Calc: about 90 MB to download, 280 MB installed, 16 s here.
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)

if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "deps: installing ${need[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${need[@]}"
fi

for c in rustfmt clippy; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^$c"; then
    rustup component add "$c"
  fi
done
echo "deps: ok"
