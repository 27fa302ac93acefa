#!/usr/bin/env bash
# make deb-test: check the packages `make deb` made, as far as this machine can.
#
# For each .deb (the newest smdrbox_VERSION_ARCH.deb per architecture in $CARGO_TARGET_DIR/debian/,
# or the files given as arguments):
#   1. dpkg-deb --info / --contents: the exact file list, owners and modes, conffiles, control
#      fields, maintainer scripts; packed files equal the repository's.
#   2. lintian: every tag is printed; errors fail unless listed in LINTIAN_ACCEPTED below.
#   3. its binary (natively or under qemu-user): --version is the package's version, and
#      check-config accepts the packaged /etc/smdrbox/smdrbox.toml.
# Then a real installation into a throwaway Debian bookworm root of the host's architecture
# (DEB_TEST_INSTALL="amd64 arm64": also arm64 through qemu-user; "none": skipped), made by
# mmdebstrap (minbase + systemd) and cached under $CARGO_TARGET_DIR/deb-test/cache/, inside
# private mount, PID and network namespaces so that nothing reaches this machine's /dev,
# network or services: dpkg -i (the maintainer scripts run for real, without systemd as PID 1),
# the user and groups, the unit's enablement, then the daemon as user smdrbox with the
# packaged configuration reading a simulated PBX on /dev/smdr0, the page on port 8080, then
# remove (database and configuration kept), reinstall (a changed configuration kept), purge.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
TD=${CARGO_TARGET_DIR:-$TOP/target}
DEBDIR=${DEB_OUT:-$TD/debian}
WORK=$TD/deb-test
# Known lintian errors that are the project's choice, one tag a line (none yet).
LINTIAN_ACCEPTED=""

"$TOP/scripts/pkg-deps.sh" deb-test

VERSION=$(cargo metadata --no-deps --format-version 1 |
  python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"]=="smdrbox"))')
DEBVERSION=$VERSION-1

debs=("$@")
if [ ${#debs[@]} -eq 0 ]; then
  for a in amd64 arm64 armhf; do
    [ -f "$DEBDIR/smdrbox_${DEBVERSION}_$a.deb" ] && debs+=("$DEBDIR/smdrbox_${DEBVERSION}_$a.deb")
  done
fi
[ ${#debs[@]} -gt 0 ] || { echo "deb-test: no smdrbox_${DEBVERSION}_*.deb in $DEBDIR (make deb first)" >&2; exit 1; }

fail() { echo "deb-test: FAIL: $*" >&2; exit 1; }
mkdir -p "$WORK"
T=$(mktemp -d "$WORK/run.XXXXXX")
trap 'rm -rf "$T"' EXIT

# What the package must hold: path in the package <- file in the repository.
expected() {
  cat <<'LIST'
./usr/bin/smdrbox
./usr/lib/systemd/system/smdrbox.service systemd/smdrbox.service
./usr/lib/sysusers.d/smdrbox.conf systemd/smdrbox.sysusers.conf
./usr/lib/udev/rules.d/99-smdrbox.rules udev/99-smdrbox.rules
./etc/smdrbox/smdrbox.toml packaging/smdrbox.toml
./usr/share/doc/smdrbox/README.md README.md
./usr/share/lintian/overrides/smdrbox packaging/debian/lintian-overrides
./usr/share/doc/smdrbox/examples/smdrbox.toml examples/smdrbox.toml
./usr/share/doc/smdrbox/copyright
./usr/share/doc/smdrbox/changelog.Debian.gz
./usr/share/smdrbox/board/README.md board/README.md
LIST
  local f
  for f in board/*/*; do
    echo "./usr/share/smdrbox/$f $f"
    case "$f" in *.dts) echo "./usr/share/smdrbox/${f%.dts}.dtbo" ;; esac
  done
  if [ -e systemd/smdrbox.tmpfiles.conf ]; then
    echo "./usr/lib/tmpfiles.d/smdrbox.conf systemd/smdrbox.tmpfiles.conf"
  fi
}

check_deb() {
  local deb=$1 arch x
  arch=$(dpkg-deb -f "$deb" Architecture)
  echo "deb-test: $(basename "$deb") ($(stat -c %s "$deb") bytes)" >&2
  x=$T/x-$arch
  rm -rf "$x"; mkdir -p "$x"

  # --- control ---
  [ "$(dpkg-deb -f "$deb" Package)" = smdrbox ] || fail "Package is not smdrbox"
  [ "$(dpkg-deb -f "$deb" Version)" = "$DEBVERSION" ] || fail "Version $(dpkg-deb -f "$deb" Version), want $DEBVERSION"
  local depends
  depends=$(dpkg-deb -f "$deb" Depends)
  case "$depends" in *":"*) fail "Depends names an architecture: $depends" ;; esac
  case "$depends" in *"systemd | systemd-standalone-sysusers | systemd-sysusers"*) ;;
    *) fail "Depends lacks the sysusers alternatives: $depends" ;; esac
  dpkg-deb -e "$deb" "$x/DEBIAN"
  [ "$(cat "$x/DEBIAN/conffiles")" = /etc/smdrbox/smdrbox.toml ] || fail "conffiles: $(cat "$x/DEBIAN/conffiles")"
  for s in postinst prerm postrm; do
    [ -x "$x/DEBIAN/$s" ] || fail "no executable $s"
    cmp -s "$x/DEBIAN/$s" "packaging/debian/$s" || fail "$s differs from packaging/debian/$s"
    sh -n "$x/DEBIAN/$s" || fail "$s: shell syntax"
  done
  [ ! -e "$x/DEBIAN/preinst" ] || fail "unexpected preinst"

  # --- contents: exactly the expected files, root-owned, 0755 for the program, 0644 else ---
  dpkg-deb --contents "$deb" > "$T/contents"
  awk '$1 !~ /^d/ { print $6 }' "$T/contents" | sort > "$T/have"
  expected | cut -d' ' -f1 | sort > "$T/want"
  if ! diff -u "$T/want" "$T/have" > "$T/diff"; then
    cat "$T/diff" >&2; fail "file list differs (- expected, + in the package)"
  fi
  awk '$2 != "root/root" && $2 != "0/0" { print "owner " $2 " " $6 }
       $1 !~ /^d/ && $6 == "./usr/bin/smdrbox" && $1 != "-rwxr-xr-x" { print "mode " $1 " " $6 }
       $1 !~ /^d/ && $6 != "./usr/bin/smdrbox" && $1 != "-rw-r--r--" { print "mode " $1 " " $6 }
       $1 ~ /^d/ && $1 != "drwxr-xr-x" { print "mode " $1 " " $6 }' "$T/contents" > "$T/bad"
  [ ! -s "$T/bad" ] || { cat "$T/bad" >&2; fail "owners or modes"; }
  dpkg-deb -x "$deb" "$x"
  while read -r path src; do
    [ -z "$src" ] || cmp -s "$x/$path" "$src" || fail "$path differs from $src"
  done < <(expected)
  local top
  top=$(zcat "$x/usr/share/doc/smdrbox/changelog.Debian.gz" | head -1 | sed -E 's/^smdrbox \(([^)]*)\).*/\1/')
  [ "$top" = "$DEBVERSION" ] || fail "changelog's newest entry is $top, the package $DEBVERSION"

  # --- the binary from the package: its libraries and glibc version are in Depends ---
  local needed floor want
  needed=$(objdump -p "$x/usr/bin/smdrbox" | awk '$1 == "NEEDED" { print $2 }' | sort | paste -sd' ')
  [ "$needed" = "libc.so.6 libgcc_s.so.1 libm.so.6" ] ||
    fail "the binary needs $needed: update depends in Cargo.toml and this check"
  case "$depends" in *"libgcc-s1"*) ;; *) fail "Depends lacks libgcc-s1: $depends" ;; esac
  floor=$(objdump -p "$x/usr/bin/smdrbox" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)
  want=$(echo "$depends" | sed -nE 's/.*libc6 \(>= ([0-9.]+)\).*/\1/p')
  [ -n "$want" ] || fail "Depends lacks libc6 (>= x): $depends"
  [ "$(printf '%s\n%s\n' "$floor" "$want" | sort -V | tail -1)" = "$want" ] ||
    fail "the binary needs glibc $floor, Depends says libc6 (>= $want)"
  echo "deb-test: binary needs $needed, glibc $floor; Depends: $depends" >&2
  local run=() desc
  desc=$(file -b "$x/usr/bin/smdrbox")
  case "$arch" in
    amd64) case "$desc" in *x86-64*) ;; *) fail "amd64 binary is: $desc" ;; esac ;;
    arm64) run=(qemu-aarch64-static -L /usr/aarch64-linux-gnu)
           case "$desc" in *aarch64*) ;; *) fail "arm64 binary is: $desc" ;; esac ;;
    armhf) run=(qemu-arm-static -L /usr/arm-linux-gnueabihf)
           case "$desc" in *"ARM, EABI5"*) ;; *) fail "armhf binary is: $desc" ;; esac ;;
  esac
  [ ${#run[@]} -eq 0 ] || [ -d "${run[2]}" ] ||
    fail "${run[2]} missing (scripts/pkg-deps.sh cross installs it)"
  [ "$("${run[@]}" "$x/usr/bin/smdrbox" --version)" = "smdrbox $VERSION" ] || fail "--version"
  "${run[@]}" "$x/usr/bin/smdrbox" check-config "$x/etc/smdrbox/smdrbox.toml" >&2 ||
    fail "the packaged configuration does not pass check-config"

  # --- lintian ---
  echo "deb-test: lintian $(basename "$deb"):" >&2
  lintian --tag-display-limit 0 --display-info --pedantic "$deb" > "$T/lintian" 2>&1 || true
  sed 's/^/    /' "$T/lintian" >&2
  local errors
  errors=$(grep '^E: ' "$T/lintian" | awk '{print $3}' | sort -u | grep -vxF -e "${LINTIAN_ACCEPTED:-@none@}" || true)
  [ -z "$errors" ] || fail "lintian errors: $errors"
  echo "deb-test: $(basename "$deb"): contents, control, scripts, binary, configuration: ok" >&2
}

for deb in "${debs[@]}"; do check_deb "$deb"; done
# cargo-deb takes the synopsis from [package] description and wraps it at 79 characters:
# longer, its tail becomes the extended description's first line.
synopsis=$(cargo metadata --no-deps --format-version 1 |
  python3 -c 'import json,sys; print(next(p["description"] for p in json.load(sys.stdin)["packages"] if p["name"]=="smdrbox"))')
[ ${#synopsis} -le 79 ] || echo "deb-test: WARNING: [package] description in Cargo.toml is ${#synopsis} characters; the Debian synopsis is one line of at most 79, so cargo-deb wraps it into the long description" >&2

# ---------------------------------------------------------------------------------------------
# Installation into throwaway Debian roots: the host's architecture by default;
# DEB_TEST_INSTALL="amd64 arm64" adds the arm64 package in an arm64 root through qemu-user
# (binfmt; a few minutes more), DEB_TEST_INSTALL=none skips it.
host=$(dpkg --print-architecture)
read -r -a install_arches <<< "${DEB_TEST_INSTALL:-$host}"
[ "${install_arches[*]}" != none ] || install_arches=()

# Runs in new mount, PID and network namespaces: the mounts, the processes and port 8080 vanish
# with it; the machine's /dev is never shared (the simulated PBX links /dev/smdr0 in the root's
# own /dev).
cat > "$T/inside.sh" <<'INSIDE'
#!/usr/bin/env bash
set -euo pipefail
R=$1 DEBVERSION=$2 ARCH=$3
fail() { echo "deb-test: install $ARCH: FAIL: $*" >&2; exit 1; }
ok() { echo "deb-test: install $ARCH: ok: $*" >&2; }
ch() { chroot "$R" "$@"; }
mount -t proc proc "$R/proc"
mount -t sysfs -o ro sysfs "$R/sys"
mount -t tmpfs -o mode=0755,nosuid dev "$R/dev"
for d in null zero full random urandom tty; do
  touch "$R/dev/$d"; mount --bind "/dev/$d" "$R/dev/$d"
done
mkdir -p "$R/dev/pts" "$R/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$R/dev/pts"
ln -s pts/ptmx "$R/dev/ptmx"
mount -t tmpfs -o mode=0755 run "$R/run"
ip link set lo up

# --- install ---
ch dpkg -i /tmp/smdrbox.deb > "$R/tmp/install.log" 2>&1 || { cat "$R/tmp/install.log" >&2; fail "dpkg -i"; }
[ "$(ch dpkg-query -W -f='${Status} ${Version}' smdrbox)" = "install ok installed $DEBVERSION" ] ||
  fail "dpkg-query: $(ch dpkg-query -W -f='${Status} ${Version}' smdrbox)"
ok "dpkg -i: dependencies met by a stock bookworm, maintainer scripts ran; they said:"
sed 's/^/      /' "$R/tmp/install.log" >&2
ch dpkg --verify smdrbox || fail "dpkg --verify smdrbox"
ok "dpkg --verify: every file matches the checksums dpkg recorded"
pw=$(ch getent passwd smdrbox) || fail "no user smdrbox"
IFS=: read -r _ _ uid gid _ home shell <<< "$pw"
[ "$uid" -lt 1000 ] && [ "$home" = /var/lib/smdrbox ] || fail "user smdrbox: $pw"
case "$shell" in */nologin) ;; *) fail "user smdrbox has shell $shell" ;; esac
groups=" $(ch id -nG smdrbox) "
for g in smdrbox dialout gpio; do
  case "$groups" in *" $g "*) ;; *) fail "smdrbox is not in group $g ($groups)" ;; esac
done
ok "system user smdrbox (uid $uid, home /var/lib/smdrbox, nologin), groups:$groups"
[ -L "$R/etc/systemd/system/multi-user.target.wants/smdrbox.service" ] || fail "not enabled"
# deb-systemd-helper (bookworm) links to /lib/systemd/system/, the same directory as /usr/lib's
# on a merged-/usr system.
link=$(readlink "$R/etc/systemd/system/multi-user.target.wants/smdrbox.service")
case "$link" in /lib/systemd/system/smdrbox.service|/usr/lib/systemd/system/smdrbox.service) ;;
  *) fail "enablement link: $link" ;; esac
cmp -s "$R$link" "$R/usr/lib/systemd/system/smdrbox.service" || fail "$link is not the packaged unit"
ok "enabled (multi-user.target.wants); not started: no systemd running here, as in an image build"

# --- the daemon as the unit runs it: user smdrbox, groups, umask 077, StateDirectory 0750 ---
ch install -d -o smdrbox -g smdrbox -m 0750 /var/lib/smdrbox
ch install -d -o smdrbox -g smdrbox -m 0755 /run/pbx
as_smdrbox() { ch setpriv --reuid=smdrbox --regid=smdrbox --init-groups -- "$@"; }
# The simulated PBX runs as smdrbox so that its pty is the daemon's to open; /dev/smdr0 -> its link.
( exec chroot "$R" setpriv --reuid=smdrbox --regid=smdrbox --init-groups -- \
    smdrbox simulate --generate --link /run/pbx/tty --time-scale 600 --start 09:00 --loop ) \
  > "$R/tmp/sim.log" 2>&1 &
sim=$!
ln -s /run/pbx/tty "$R/dev/smdr0"
( umask 077; exec chroot "$R" setpriv --reuid=smdrbox --regid=smdrbox --init-groups -- \
    smdrbox run --config /etc/smdrbox/smdrbox.toml ) > "$R/tmp/daemon.log" 2>&1 &
daemon=$!
# Under qemu-user (a foreign architecture) the serial port cannot be opened: qemu 7.2 lacks the
# TCGETS2 ioctl (ENOSYS). There the daemon must start, open its database and serve the page
# with the link down; capture is checked natively here and on arm64 by make image-test.
capture=1
[ "$ARCH" = "$(dpkg --print-architecture)" ] || capture=0
seq=0 store_open=False
for _ in $(seq 1 240); do
  sleep 0.5
  read -r seq store_open < <(curl -fsS http://127.0.0.1:8080/api/status 2>/dev/null |
    python3 -c 'import json,sys; s=json.load(sys.stdin)["status"]; print(s["committed_seq"], s["store_open"])' 2>/dev/null ||
    echo 0 False)
  if [ "$capture" = 1 ]; then [ "$seq" -gt 0 ] && break; else [ "$store_open" = True ] && break; fi
done
if [ "$capture" = 1 ]; then
  [ "$seq" -gt 0 ] || { tail -20 "$R/tmp/daemon.log" >&2; fail "no committed line within 2 minutes"; }
else
  [ "$store_open" = True ] || { tail -20 "$R/tmp/daemon.log" >&2; fail "database not open within 2 minutes"; }
fi
curl -fsS -o "$R/tmp/page.html" http://127.0.0.1:8080/ || fail "status page"
grep -q 'smdrbox' "$R/tmp/page.html" || fail "status page: $(head -c 300 "$R/tmp/page.html")"
if [ "$capture" = 1 ]; then
  ok "the packaged configuration: daemon on /dev/smdr0 (simulated PBX), lines committed (seq $seq), page on 0.0.0.0:8080"
else
  ok "the packaged configuration: daemon up under qemu-user, database open, page on 0.0.0.0:8080 (serial capture not checked: qemu-user lacks TCGETS2)"
fi
kill -TERM "$daemon"; wait "$daemon" || fail "daemon exit status $? after SIGTERM"
kill -TERM "$sim" 2>/dev/null || true; wait "$sim" 2>/dev/null || true
[ "$(ch stat -c '%U %a' /var/lib/smdrbox/smdrbox.db)" = "smdrbox 600" ] ||
  fail "database: $(ch stat -c '%U %a' /var/lib/smdrbox/smdrbox.db)"
rows=$(as_smdrbox smdrbox export --db /var/lib/smdrbox/smdrbox.db --from "$(date -u -d yesterday +%F)" --to "$(date -u -d tomorrow +%F)" | tail -n +2 | wc -l)
[ "$rows" -gt 0 ] || [ "$capture" = 0 ] || fail "no rows in the database"
ok "SIGTERM: clean exit; database owned by smdrbox, mode 600, $rows call rows"

# --- remove: configuration, database, user and enablement record stay ---
ch dpkg -r smdrbox > "$R/tmp/remove.log" 2>&1 || { cat "$R/tmp/remove.log" >&2; fail "dpkg -r"; }
[ ! -e "$R/usr/bin/smdrbox" ] && [ ! -e "$R/usr/lib/systemd/system/smdrbox.service" ] || fail "files left after remove"
[ -f "$R/etc/smdrbox/smdrbox.toml" ] || fail "remove deleted the configuration"
[ -f "$R/var/lib/smdrbox/smdrbox.db" ] || fail "remove deleted the database"
ch getent passwd smdrbox >/dev/null || fail "remove deleted the user"
[ "$(readlink "$R/etc/systemd/system/smdrbox.service")" = /dev/null ] || fail "remove did not mask the unit"
ok "dpkg -r: program gone; configuration, database and user kept; unit masked (debhelper's way)"

# --- reinstall over a changed configuration: the change stays, the database too ---
sed -i 's/^baud = 9600/baud = 1200/' "$R/etc/smdrbox/smdrbox.toml"
ch dpkg -i /tmp/smdrbox.deb > "$R/tmp/reinstall.log" 2>&1 || { cat "$R/tmp/reinstall.log" >&2; fail "reinstall"; }
grep -q '^baud = 1200' "$R/etc/smdrbox/smdrbox.toml" || fail "reinstall overwrote the changed configuration"
[ -L "$R/etc/systemd/system/multi-user.target.wants/smdrbox.service" ] || fail "not enabled after reinstall"
[ ! -L "$R/etc/systemd/system/smdrbox.service" ] || fail "still masked after reinstall"
ch smdrbox check-config >/dev/null || fail "check-config after reinstall"
ok "reinstall: changed configuration kept, unit unmasked and enabled again"

# --- purge: configuration and enablement go; database and user stay ---
ch dpkg -P smdrbox > "$R/tmp/purge.log" 2>&1 || { cat "$R/tmp/purge.log" >&2; fail "dpkg -P"; }
[ ! -e "$R/etc/smdrbox/smdrbox.toml" ] || fail "purge kept the configuration"
[ ! -e "$R/etc/systemd/system/multi-user.target.wants/smdrbox.service" ] || fail "purge kept the enablement link"
[ ! -e "$R/etc/systemd/system/smdrbox.service" ] || fail "purge left a mask"
[ ! -e "$R/var/lib/systemd/deb-systemd-helper-enabled/smdrbox.service.dsh-also" ] || fail "purge kept d-s-h state"
[ -f "$R/var/lib/smdrbox/smdrbox.db" ] || fail "purge deleted the database"
grep -q 'keeps the call records' "$R/tmp/purge.log" || fail "purge did not say where the records are"
ch getent passwd smdrbox >/dev/null || fail "purge deleted the user"
[ -z "$(ch dpkg-query -W -f='${Status}' smdrbox 2>/dev/null | grep -v 'not-installed' || true)" ] ||
  fail "dpkg still knows smdrbox: $(ch dpkg-query -W -f='${Status}' smdrbox)"
ok "dpkg -P: configuration and unit state gone; database and user kept, and said so:"
sed 's/^/      /' "$R/tmp/purge.log" >&2
INSIDE
chmod +x "$T/inside.sh"

# The root: Debian bookworm minbase (dpkg, apt, init-system-helpers) + systemd (systemd-sysusers,
# systemd-tmpfiles, systemctl) as on a stock installation; udev is not needed without a kernel
# to talk to. Cached by its recipe; delete $WORK/cache to refresh.
SUITE=bookworm
MIRROR=${DEB_TEST_MIRROR:-http://deb.debian.org/debian}
INCLUDE=systemd
for arch in "${install_arches[@]}"; do
  deb=""
  for d in "${debs[@]}"; do [ "$(dpkg-deb -f "$d" Architecture)" = "$arch" ] && deb=$d; done
  if [ -z "$deb" ]; then
    [ -z "${DEB_TEST_INSTALL:-}" ] || fail "DEB_TEST_INSTALL names $arch, but there is no $arch package"
    echo "deb-test: no $arch package: installation test skipped" >&2
    continue
  fi
  if [ "$arch" != "$host" ]; then
    case "$arch" in arm64) q=qemu-aarch64 ;; armhf) q=qemu-arm ;; *) fail "cannot run $arch here" ;; esac
    [ -e /proc/sys/fs/binfmt_misc/status ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    [ -e "/proc/sys/fs/binfmt_misc/$q" ] || update-binfmts --enable "$q"
    grep -q enabled "/proc/sys/fs/binfmt_misc/$q" || fail "binfmt $q not enabled"
  fi
  key=$(echo "$SUITE $MIRROR $INCLUDE $arch v1" | sha256sum | cut -c1-12)
  ROOTTAR=$WORK/cache/rootfs-$SUITE-$arch-$key.tar
  if [ ! -s "$ROOTTAR" ]; then
    mkdir -p "$WORK/cache"
    echo "deb-test: building $ROOTTAR (mmdebstrap, a minute or more)" >&2
    mmdebstrap --variant=minbase --architectures="$arch" --include="$INCLUDE" --format=tar \
      --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
      "$SUITE" "$ROOTTAR.tmp" "$MIRROR" >&2
    mv "$ROOTTAR.tmp" "$ROOTTAR"
  fi
  R=$T/root-$arch
  mkdir -p "$R"
  tar -xpf "$ROOTTAR" -C "$R" --numeric-owner
  cp "$deb" "$R/tmp/smdrbox.deb"
  unshare --mount --pid --net --fork --kill-child "$T/inside.sh" "$R" "$DEBVERSION" "$arch"
  rm -rf "$R"
done
echo "deb-test: all ok (${debs[*]##*/}; installed: ${install_arches[*]:-none})" >&2
