#!/usr/bin/env bash
# make cross: the release binary for the boards, cross-compiled on this machine (never under
# qemu), with Debian's cross gcc as linker and C compiler (SQLite is C). Each binary is then run
# under qemu-user as a smoke check: --version, check-config on the packaged default
# configuration, and an import + export through its own SQLite.
#
#   scripts/cross.sh [TRIPLE...]     default: aarch64-unknown-linux-gnu armv7-unknown-linux-gnueabihf
#
# CARGO_TARGET_DIR is honoured (default target/); binaries land in $CARGO_TARGET_DIR/TRIPLE/release/.
# The linkers are set here through the environment, not in a .cargo/config.toml, so that native
# builds and the other make targets are untouched.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(aarch64-unknown-linux-gnu armv7-unknown-linux-gnueabihf)
TD=${CARGO_TARGET_DIR:-$TOP/target}
export CARGO_TARGET_DIR=$TD

"$TOP/scripts/pkg-deps.sh" cross

# triple -> Debian cross prefix, qemu-user binary, library root for qemu -L
triple_info() {
  case "$1" in
    aarch64-unknown-linux-gnu)     echo "aarch64-linux-gnu qemu-aarch64-static /usr/aarch64-linux-gnu arm64" ;;
    armv7-unknown-linux-gnueabihf) echo "arm-linux-gnueabihf qemu-arm-static /usr/arm-linux-gnueabihf armhf" ;;
    *) echo "cross: unknown target $1 (known: aarch64-unknown-linux-gnu armv7-unknown-linux-gnueabihf)" >&2; return 1 ;;
  esac
}

# Generated test data (not a capture): three Panasonic KX-TDA Pattern B lines.
SAMPLE=$(mktemp -d)
trap 'rm -rf "$SAMPLE"' EXIT
printf '%s\r\n' \
  "07/12/20 11:00    401 05 <I>0301234567        00:00'12 EU00000.00               " \
  "07/12/20 11:01    402 06 0309876543           00:01'13 EU00000.20               " \
  "07/12/20 11:22    401 05 <I>0305550100        00:00'00 EU00000.00            NA " \
  > "$SAMPLE/sample.log"

summary=()
for t in "${TARGETS[@]}"; do
  read -r prefix qemu sysroot debarch < <(triple_info "$t")
  upper=$(echo "$t" | tr 'a-z-' 'A-Z_')
  under=$(echo "$t" | tr '-' '_')
  export "CARGO_TARGET_${upper}_LINKER=${prefix}-gcc"
  export "CC_${under}=${prefix}-gcc" "AR_${under}=${prefix}-ar"
  echo "cross: building $t (release, LTO: several minutes)" >&2
  start=$(date +%s)
  cargo build --release --locked --target "$t"
  secs=$(( $(date +%s) - start ))
  bin=$TD/$t/release/smdrbox

  # Smoke checks under qemu-user, with the cross sysroot for the dynamic loader and libc.
  run() { "$qemu" -L "$sysroot" "$bin" "$@"; }
  version=$(run --version)
  echo "cross: $t: $version" >&2
  run check-config "$TOP/packaging/smdrbox.toml" >&2
  rm -f "$SAMPLE/smoke.db"*
  run import --db "$SAMPLE/smoke.db" "$SAMPLE/sample.log" >&2
  rows=$(run export --db "$SAMPLE/smoke.db" --from 2020-12-01 --to 2020-12-31 | tail -n +2 | wc -l)
  [ "$rows" -eq 3 ] || { echo "cross: $t: export gave $rows rows, expected 3" >&2; exit 1; }

  desc=$(file -b "$bin")
  case "$desc" in *", stripped"*) ;; *) echo "cross: $t: binary is not stripped: $desc" >&2; exit 1 ;; esac
  size=$(stat -c %s "$bin")
  # The newest glibc symbol version it needs: the oldest Debian it runs on.
  glibc=$("${prefix}-objdump" -T "$bin" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)
  summary+=("$(printf '%-32s %-6s %10s bytes (%s MiB) stripped, needs %s, built in %ss' \
    "$t" "$debarch" "$size" "$(awk -v s="$size" 'BEGIN { printf "%.2f", s / 1048576 }')" "$glibc" "$secs")")
done

echo
echo "cross: smoke checks passed under qemu-user (--version, check-config, import + export)"
printf '  %s\n' "${summary[@]}"
