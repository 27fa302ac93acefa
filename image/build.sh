#!/usr/bin/env bash
# `make image`: the smdrbox SD-card image for a generic arm64 board (and the Raspberry Pi with
# RPI_FIRMWARE_DIR). Stage 1 (rootfs.sh, cached): Debian arm64 root with kernel and a small
# initramfs. Stage 2 (here, every time, about a minute): smdrbox from its .deb, the appliance
# files from image/overlay, the boot partition, genimage.
#
# Inputs (environment):
#   SMDRBOX_DEB        the arm64 smdrbox .deb to install (default: the newest smdrbox_*_arm64.deb
#                      in $CARGO_TARGET_DIR/debian/, default target/debian/, from `make deb`)
#   SMDRBOX_BIN        development shortcut instead of a .deb: this arm64 binary + systemd/,
#                      udev/ and the default configuration installed directly
#   RPI_FIRMWARE_DIR   optional: Raspberry Pi firmware files (bootcode.bin, start*.elf,
#                      fixup*.dat) copied to the boot partition, see image/README.md
#   SOURCE_DATE_EPOCH  file times in the image (default: the last commit's time)
#   IMAGE_OUT          output folder (default: target/image)
#   IMAGE_XZ=1         also write a compressed .img.xz
#   IMAGE_SUITE, IMAGE_SNAPSHOT, IMAGE_USE_SNAPSHOT, IMAGE_MIRROR: see rootfs.sh
# Outputs in IMAGE_OUT: smdrbox-arm64.img, .sha256, .packages (what is installed),
# .build-info (inputs), boot/ (the boot partition's files, for qemu -kernel/-initrd).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
OUT=${IMAGE_OUT:-$TOP/target/image}
export IMAGE_OUT=$OUT
[ "$(id -u)" -eq 0 ] || { echo "image: run as root (file owners in the root file system; mmdebstrap --mode=unshare is a TODO)" >&2; exit 1; }
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$TOP" log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH
t0=$(date +%s.%N)
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# ---- stage 1: the cached Debian root ----
TAR=$("$HERE/rootfs.sh")
t_rootfs=$(elapsed "$t0")

# ---- stage 2 ----
t1=$(date +%s.%N)
W=$OUT/work
R=$W/root
rm -rf "$W"
mkdir -p "$R" "$W/boot" "$W/input" "$W/genimage-tmp" "$W/empty"
tar -xpf "$TAR" -C "$R" --numeric-owner

# No service starts while packages are installed in the chroot.
printf '#!/bin/sh\nexit 101\n' > "$R/usr/sbin/policy-rc.d"
chmod 755 "$R/usr/sbin/policy-rc.d"

DEB=${SMDRBOX_DEB:-}
if [ -z "$DEB" ] && [ -z "${SMDRBOX_BIN:-}" ]; then
  # Where `make deb` puts it: $CARGO_TARGET_DIR/debian/ (default target/debian/).
  DEB=$(ls -t "${CARGO_TARGET_DIR:-$TOP/target}"/debian/smdrbox_*_arm64.deb 2>/dev/null | head -1)
  [ -n "$DEB" ] || { echo "image: no smdrbox_*_arm64.deb in ${CARGO_TARGET_DIR:-$TOP/target}/debian/: run make deb (DEB_ARCHES=arm64), or set SMDRBOX_DEB" >&2; exit 1; }
fi
if [ -n "$DEB" ]; then
  [ -f "$DEB" ] || { echo "image: SMDRBOX_DEB=$DEB: no such file" >&2; exit 1; }
  echo "image: installing $DEB" >&2
  cp "$DEB" "$R/tmp/smdrbox.deb"
  chroot "$R" dpkg -i /tmp/smdrbox.deb >&2
  rm "$R/tmp/smdrbox.deb"
  installed="deb $(basename "$DEB") sha256 $(sha256sum "$DEB" | cut -c1-64)"
else
  # SMDRBOX_BIN: a development shortcut without a package (the files the package carries,
  # installed directly). Images to ship install the .deb.
  BIN=$SMDRBOX_BIN
  echo "image: no .deb: installing the binary $BIN and the files beside it (development only)" >&2
  install -D -m 755 "$BIN" "$R/usr/bin/smdrbox"
  install -D -m 644 "$TOP/systemd/smdrbox.service" "$R/usr/lib/systemd/system/smdrbox.service"
  install -D -m 644 "$TOP/systemd/smdrbox.sysusers.conf" "$R/usr/lib/sysusers.d/smdrbox.conf"
  for f in "$TOP"/udev/*.rules; do
    [ -e "$f" ] && install -D -m 644 "$f" "$R/usr/lib/udev/rules.d/$(basename "$f")"
  done
  conf=$TOP/packaging/smdrbox.toml; [ -f "$conf" ] || conf=$TOP/examples/smdrbox.toml
  install -D -m 644 "$conf" "$R/etc/smdrbox/smdrbox.toml"
  install -D -m 644 "$TOP/README.md" "$R/usr/share/doc/smdrbox/README.md"
  chroot "$R" systemd-sysusers >&2
  chroot "$R" systemctl enable smdrbox.service >&2
  installed="binary without a package (development) $(basename "$BIN") sha256 $(sha256sum "$BIN" | cut -c1-64)"
fi
rm -f "$R/usr/sbin/policy-rc.d"
[ -f "$R/etc/smdrbox/smdrbox.toml" ] || install -D -m 644 "$TOP/examples/smdrbox.toml" "$R/etc/smdrbox/smdrbox.toml"
# The status LEDs: the image's Pi device trees have them (below), so drive them through the
# kernel's LED class. On a board without them (qemu virt, other arm64 boards) smdrbox logs once
# per LED that it cannot open it, shows that on the page, and runs on. The root is read-only,
# so a default that needs editing /etc would be one nobody changes. (This edits a dpkg
# conffile: fine for an image that is replaced, not upgraded, in place.)
conf=$R/etc/smdrbox/smdrbox.toml
if grep -q '^\[leds\]' "$conf"; then
  awk '/^\[/ { if (leds && !done) { print "backend = \"sysfs\""; done = 1 }; leds = ($0 == "[leds]") }
       leds && /^[ \t]*backend[ \t]*=/ { print "backend = \"sysfs\""; done = 1; next }
       { print }
       END { if (leds && !done) print "backend = \"sysfs\"" }' "$conf" > "$W/smdrbox.toml"
  cat "$W/smdrbox.toml" > "$conf"
else
  cat >> "$conf" <<'TOML'

[leds]
# Set by the smdrbox SD-card image: its Raspberry Pi device trees carry the LEDs (GPIO 17/27/22,
# /usr/share/smdrbox/board/raspberrypi/README.md). Boards without them: logged once, no harm.
backend = "sysfs"
TOML
fi
chroot "$R" /usr/bin/smdrbox check-config /etc/smdrbox/smdrbox.toml >&2
grep -q '^backend = "sysfs"$' "$conf" || { echo "image: [leds] backend not set in $conf" >&2; exit 1; }

# ---- the appliance: read-only root, data partition, first boot ----
cp -a "$HERE/overlay/." "$R/"
mkdir -p "$R/data" "$R/boot/firmware" "$R/var/lib/smdrbox"
mkdir -p "$R/usr/lib/smdrbox-image/data-skel/log/journal" \
         "$R/usr/lib/smdrbox-image/data-skel/systemd" \
         "$R/usr/lib/smdrbox-image/data-skel/smdrbox"
# What /var/lib/systemd held in the image stays visible under the bind mount from /data.
cp -a "$R/var/lib/systemd/." "$R/usr/lib/smdrbox-image/data-skel/systemd/"
chroot "$R" systemctl enable smdrbox-firstboot.service smdrbox-selftest.service \
  systemd-networkd.service systemd-resolved.service >&2
# Package upkeep has no place on a read-only appliance.
chroot "$R" systemctl mask apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer \
  e2scrub_all.timer e2scrub_reap.service >&2
ln -sf ../run/systemd/resolve/stub-resolv.conf "$R/etc/resolv.conf"
echo smdrbox > "$R/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tsmdrbox\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' > "$R/etc/hosts"
# Empty: systemd makes a transient ID at boot, smdrbox-firstboot commits it once.
: > "$R/etc/machine-id"
rm -f "$R/var/lib/dbus/machine-id"; ln -s /etc/machine-id "$R/var/lib/dbus/machine-id"
rm -rf "$R"/tmp/* "$R"/var/tmp/* "$R"/var/cache/apt/archives/*.deb "$R"/var/log/*.log \
       "$R"/var/cache/ldconfig/aux-cache
dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Package}\t${Version}\t${Architecture}\n' \
  > "$OUT/smdrbox-arm64.packages"

# ---- boot partition ----
kver=$(basename "$(ls "$R"/boot/vmlinuz-* | sort -V | tail -1)" | sed 's/^vmlinuz-//')
B=$W/boot
cp "$R/boot/vmlinuz-$kver" "$B/vmlinuz"
cp "$R/boot/initrd.img-$kver" "$B/initrd.img"
cp "$HERE/boot/cmdline.txt" "$HERE/boot/config.txt" "$B/"
# The Raspberry Pi device trees, with smdrbox's overlays merged in (UART on GPIO 14/15 with
# Bluetooth off, the three LEDs) and checked: Debian's trees have no __symbols__ and its
# raspi-firmware no overlays/, so the firmware could not apply them (rpi-dtbs.sh says more).
# The overlays are the package's (what it ships in /usr/share/smdrbox); without a package
# (SMDRBOX_BIN), scripts/dtbo.sh compiles them from board/raspberrypi/.
DTBO_DIR=$R/usr/share/smdrbox/board/raspberrypi
if [ ! -f "$DTBO_DIR/smdrbox-uart.dtbo" ] || [ ! -f "$DTBO_DIR/smdrbox-leds.dtbo" ]; then
  [ -z "$DEB" ] || { echo "image: $DEB ships no smdrbox-uart.dtbo / smdrbox-leds.dtbo" >&2; exit 1; }
  "$TOP/scripts/dtbo.sh" >&2
  DTBO_DIR=${CARGO_TARGET_DIR:-$TOP/target}/dtbo
fi
"$HERE/rpi-dtbs.sh" "$R/usr/lib/linux-image-$kver/broadcom" "$DTBO_DIR" "$B"
dtbos="$(cd "$DTBO_DIR" && sha256sum smdrbox-uart.dtbo smdrbox-leds.dtbo | awk '{printf "%s %.16s, ", $2, $1}')from ${DTBO_DIR#"$R"}"
# The LED overlay once more, for config.txt's `dtoverlay=smdrbox-leds,green=5,...` (other
# pins): applied over the merged one, it moves the LEDs. Not smdrbox-uart: applied again it
# would drop the Wi-Fi clock pin group rpi-dtbs.sh keeps.
install -D -m 644 "$DTBO_DIR/smdrbox-leds.dtbo" "$B/overlays/smdrbox-leds.dtbo"
if [ -n "${RPI_FIRMWARE_DIR:-}" ]; then
  for f in "$RPI_FIRMWARE_DIR"/bootcode.bin "$RPI_FIRMWARE_DIR"/start*.elf "$RPI_FIRMWARE_DIR"/fixup*.dat; do
    if [ -e "$f" ]; then cp "$f" "$B/"; fi
  done
  ls "$B"/start*.elf >/dev/null || { echo "image: no start*.elf in RPI_FIRMWARE_DIR" >&2; exit 1; }
fi

# ldconfig.service and systemd-update-done would try to write the read-only root at every boot:
# /etc and /var are as new as /usr (all at SOURCE_DATE_EPOCH after the clamping below).
for d in etc var; do
  printf '# This file was created by systemd-update-done. Its only\n# purpose is to hold a timestamp of the time this directory\n# was updated. See man:systemd-update-done.service(8).\nTIMESTAMP_NSEC=%s000000000\n' \
    "$SOURCE_DATE_EPOCH" > "$R/$d/.updated"
done
# ---- reproducible file times, then the file systems ----
for d in "$R" "$B"; do
  find "$d" -newermt "@$SOURCE_DATE_EPOCH" -print0 | xargs -0r touch -h -d "@$SOURCE_DATE_EPOCH"
done
rm -rf "$OUT/boot"; cp -a "$B" "$OUT/boot"

root_mb=$(( $(du -sm "$R" | cut -f1) * 115 / 100 + 64 ))
# The tools below write the clock into the file systems: libfaketime gives them SOURCE_DATE_EPOCH.
FAKETIME_LIB=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -1)
[ -n "$FAKETIME_LIB" ] || { echo "image: libfaketime missing (make image-deps)" >&2; exit 1; }
FAKETIME="@$(date -u -d "@$SOURCE_DATE_EPOCH" '+%Y-%m-%d %H:%M:%S')"
export E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH
mke2fs -q -t ext4 -L root -U 534d4452-0000-4000-8000-000000000002 \
  -E hash_seed=534d4452-0000-4000-8000-0000000000f2,lazy_itable_init=0,lazy_journal_init=0,root_owner=0:0 \
  -d "$R" "$W/input/root.ext4" "${root_mb}M"
mke2fs -q -t ext4 -b 4096 -i 16384 -L data -U 534d4452-0000-4000-8000-000000000003 \
  -E hash_seed=534d4452-0000-4000-8000-0000000000f3,root_owner=0:0 \
  -d "$R/usr/lib/smdrbox-image/data-skel" "$W/input/data.ext4" 64M
unset E2FSPROGS_FAKE_TIME
# mke2fs -d (1.47.0) copies each file's ctime and atime, which are times of this build: set them
# all to SOURCE_DATE_EPOCH (debugfs, in one process).
clamp_ctimes() { # DIR IMAGE
  { echo /; (cd "$1" && find . -mindepth 1 -printf '/%P\n'); } |
    sed "s|.*|sif \"&\" ctime @$SOURCE_DATE_EPOCH\nsif \"&\" atime @$SOURCE_DATE_EPOCH|" > "$W/debugfs.cmds"
  E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH LD_PRELOAD=$FAKETIME_LIB NO_FAKE_STAT=1 FAKETIME="$FAKETIME" \
    debugfs -w -f "$W/debugfs.cmds" "$2" > "$W/debugfs.log" 2>&1
  if grep -v '^debugfs' "$W/debugfs.log" | grep -q .; then
    grep -v '^debugfs' "$W/debugfs.log" | head -5 >&2
    echo "image: warning: some inode times were not clamped (not reproducible)" >&2
  fi
}
clamp_ctimes "$R" "$W/input/root.ext4"
clamp_ctimes "$R/usr/lib/smdrbox-image/data-skel" "$W/input/data.ext4"

files=$(cd "$B" && ls | sort | sed 's/.*/"&"/' | paste -sd, -)
sed "s|@BOOT_FILES@|$files|" "$HERE/genimage.cfg.in" > "$W/genimage.cfg"
cp -a "$B"/* "$W/input/"
rm -f "$OUT/smdrbox-arm64.img"
# mkdosfs and mcopy stamp the FAT's directory entries with the clock: give them
# SOURCE_DATE_EPOCH (libfaketime; file times are left as they are, already clamped).
LD_PRELOAD=$FAKETIME_LIB FAKETIME="$FAKETIME" NO_FAKE_STAT=1 TZ=UTC \
genimage --config "$W/genimage.cfg" --rootpath "$W/empty" --inputpath "$W/input" \
  --outputpath "$W/out" --tmppath "$W/genimage-tmp" >&2
mv "$W/out/smdrbox-arm64.img" "$OUT/smdrbox-arm64.img"
(cd "$OUT" && sha256sum smdrbox-arm64.img > smdrbox-arm64.img.sha256)
if [ "${IMAGE_XZ:-0}" = 1 ]; then
  xz -T0 -6 -k -f "$OUT/smdrbox-arm64.img"
fi
cat > "$OUT/smdrbox-arm64.build-info" <<INFO
image: smdrbox-arm64.img $(cut -c1-64 "$OUT/smdrbox-arm64.img.sha256")
smdrbox: $installed
rootfs: $(basename "$TAR")
kernel: $kver
raspberry pi overlays merged: $dtbos
SOURCE_DATE_EPOCH: $SOURCE_DATE_EPOCH
git: $(git -C "$TOP" describe --always --dirty 2>/dev/null || echo unknown)
debian: suite ${IMAGE_SUITE:-bookworm}, mirror ${IMAGE_MIRROR:-default of rootfs.sh}, snapshot ${IMAGE_SNAPSHOT:-20261123T000000Z} (used: ${IMAGE_USE_SNAPSHOT:-0})
INFO
rm -rf "$W"
echo "image: $OUT/smdrbox-arm64.img ($(du -m --apparent-size "$OUT/smdrbox-arm64.img" | cut -f1) MiB; root ${root_mb} MiB)" >&2
echo "image: timings: rootfs stage ${t_rootfs} s, image stage $(elapsed "$t1") s, total $(elapsed "$t0") s" >&2
