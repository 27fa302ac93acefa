#!/usr/bin/env bash
# image/rpi-dtbs.sh KERNEL_DTB_DIR DTBO_DIR OUT_DIR: the Raspberry Pi device trees of the
# image's boot partition, with smdrbox's two overlays (board/raspberrypi/) merged in at build
# time. Called by build.sh; runs alone too (e.g. on /usr/lib/linux-image-*/broadcom of an
# unpacked root).
#
# Why at build time: Debian's kernel trees (the mainline ones) have no __symbols__, so the Pi
# firmware cannot resolve an overlay's &gpio, and Debian's raspi-firmware ships no overlays/
# (no disable-bt; its labels do not exist in these trees anyway). So for each supported board
# this script
#   1. adds /__symbols__ entries for the labels the overlays reference (their /__fixups__:
#      today only `gpio`), at the node's path in the mainline tree;
#   2. applies smdrbox-uart.dtbo (PL011 on GPIO 14/15, its Bluetooth device and the mini UART
#      off) and smdrbox-leds.dtbo (gpio-leds on GPIO 17/27/22) with fdtoverlay;
#   3. puts back the PL011's other pinctrl groups that are not its own pins: on the Pi 3 B, B+
#      and A+ that is gpclk2_gpio43, the 32 kHz clock of the wireless chip (Wi-Fi needs it even
#      with Bluetooth off);
#   4. reads the result back with fdtget and fails unless the LEDs, the UART pins, Bluetooth,
#      the mini UART and the serial0 alias are as intended.
# Other Pi trees in KERNEL_DTB_DIR (Compute Module IO boards: their GPIOs belong to the carrier
# board) are copied unchanged.
set -euo pipefail
SRC=${1:?usage: rpi-dtbs.sh KERNEL_DTB_DIR DTBO_DIR OUT_DIR}
DTBO=${2:?usage}
OUT=${3:?usage}
UART=$DTBO/smdrbox-uart.dtbo
LEDS=$DTBO/smdrbox-leds.dtbo

# The boards board/raspberrypi/README.md supports, by their mainline tree's name. All must be
# there: a kernel that renames one fails the build instead of shipping a card without it.
BOARDS=(bcm2711-rpi-4-b bcm2711-rpi-400 bcm2837-rpi-3-b bcm2837-rpi-3-b-plus
        bcm2837-rpi-3-a-plus bcm2837-rpi-zero-2-w)
# Node paths, the same on both SoCs: the trees place the peripherals under /soc at their
# VideoCore bus addresses (0x7e......); /soc's ranges map them to 0xfe... (BCM2711) or
# 0x3f... (BCM2837).
GPIO=/soc/gpio@7e200000
PL011=/soc/serial@7e201000
MINIUART=/soc/serial@7e215040
BT=$PL011/bluetooth
PINS=$GPIO/smdrbox-uart0-gpio14

die() { echo "rpi-dtbs: $*" >&2; exit 1; }
command -v fdtoverlay >/dev/null || die "fdtoverlay missing (device-tree-compiler: make image-deps)"
for f in "$UART" "$LEDS"; do [ -f "$f" ] || die "$f missing"; done

# symbol_path SOC LABEL: the node an overlay's &LABEL means, in the mainline tree of SOC.
# (Raspberry Pi OS's labels; uart0/uart1/bt are here for overlays that would name them.)
symbol_path() {
  case "$1:$2" in
    bcm2711:gpio | bcm2837:gpio) echo "$GPIO" ;;
    bcm2711:uart0 | bcm2837:uart0) echo "$PL011" ;;
    bcm2711:uart1 | bcm2837:uart1) echo "$MINIUART" ;;
    bcm2711:bt | bcm2837:bt) echo "$BT" ;;
    *) return 1 ;;
  esac
}

# The labels the overlays reference.
labels=$(for f in "$UART" "$LEDS"; do fdtget -p "$f" /__fixups__ 2>/dev/null || true; done | sort -u)

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$OUT"

has_node() { fdtget -p "$1" "$2" >/dev/null 2>&1; }
# group_of DTB PHANDLE: the name of the pin group under the GPIO node with that phandle.
group_of() {
  local g
  for g in $(fdtget -l "$1" "$GPIO"); do
    [ "$(fdtget -t u "$1" "$GPIO/$g" phandle 2>/dev/null)" = "$2" ] && { echo "$g"; return; }
  done
  echo "?"
}
want() { # want DTB NODE PROPERTY VALUE [TYPE]
  local got
  got=$(fdtget ${5:+-t "$5"} "$1" "$2" "$3" 2>&1) || got="(missing: $got)"
  [ "$got" = "$4" ] || die "$name: $2 $3 is '$got', want '$4'"
}

merge() { # merge NAME
  name=$1
  local soc=${1%%-*} b=$W/base.dtb m=$W/merged.dtb label path ph g
  cp "$SRC/$name.dtb" "$b"
  has_node "$b" /__symbols__ || fdtput -c "$b" /__symbols__
  for label in $labels; do
    path=$(symbol_path "$soc" "$label") || die "$name: the overlays reference &$label, which this script does not place for $soc (add it to symbol_path)"
    has_node "$b" "$path" || die "$name: no $path for &$label"
    fdtput -t s "$b" /__symbols__ "$label" "$path"
  done
  # The PL011's pinctrl groups other than its own pins (uart0_*), kept after the overlay.
  local keep=()
  for ph in $(fdtget -t u "$b" "$PL011" pinctrl-0); do
    g=$(group_of "$b" "$ph")
    case $g in
      uart0_*) ;;
      \?) die "$name: $PL011 pinctrl-0 names phandle $ph, not a pin group of $GPIO" ;;
      *) keep+=("$ph") ;;
    esac
  done
  fdtoverlay -i "$b" -o "$m" "$UART" "$LEDS" || die "$name: fdtoverlay failed"
  local pins_ph
  pins_ph=$(fdtget -t u "$m" "$PINS" phandle)
  fdtput -t u "$m" "$PL011" pinctrl-0 "$pins_ph" "${keep[@]}"

  # ---- read back what the kernel will see ----
  local gpio_ph colour fn line led kept=""
  gpio_ph=$(fdtget -t u "$m" "$GPIO" phandle)
  want "$m" /__symbols__ gpio "$GPIO"
  want "$m" /smdrbox-leds compatible gpio-leds
  for led in green:status:17 amber:link:27 red:fault:22; do
    IFS=: read -r colour fn line <<<"$led"
    want "$m" "/smdrbox-leds/led-smdrbox-$colour" label "smdrbox:$colour:$fn"
    want "$m" "/smdrbox-leds/led-smdrbox-$colour" gpios "$gpio_ph $line 0" u
    want "$m" "/smdrbox-leds/led-smdrbox-$colour" default-state off
  done
  want "$m" "$PINS" brcm,pins "14 15" u
  want "$m" "$PINS" brcm,function 4 u   # ALT0: TXD0/RXD0 of the PL011
  want "$m" "$PINS" brcm,pull "0 2" u   # RXD pulled up
  want "$m" "$PL011" status okay
  want "$m" "$PL011" pinctrl-names default
  [ ${#keep[@]} -eq 0 ] || kept=" ${keep[*]}"
  want "$m" "$PL011" pinctrl-0 "$pins_ph$kept" u
  for ph in "${keep[@]}"; do
    g=$(group_of "$m" "$ph")
    case " $(fdtget -t u "$m" "$GPIO/$g" brcm,pins) " in
      *" 14 "* | *" 15 "*) die "$name: $PL011 keeps pin group $g, which holds GPIO 14/15" ;;
    esac
  done
  want "$m" "$BT" status disabled
  want "$m" "$MINIUART" status disabled
  want "$m" /aliases serial0 "$PL011"   # the PL011 is ttyAMA0
  cp "$m" "$OUT/$name.dtb"
  local extra=""
  for ph in "${keep[@]}"; do extra+=", $(group_of "$m" "$ph") kept"; done
  echo "rpi-dtbs: $name.dtb ($(fdtget "$m" / model)): LEDs on GPIO 17/27/22, PL011 (serial0) on GPIO 14/15$extra; Bluetooth and mini UART off" >&2
}

for name in "${BOARDS[@]}"; do
  [ -f "$SRC/$name.dtb" ] || die "$SRC/$name.dtb missing (a supported board: see board/raspberrypi/README.md)"
  merge "$name"
done
for dtb in "$SRC"/bcm2710*.dtb "$SRC"/bcm2711*.dtb "$SRC"/bcm2837*.dtb; do
  [ -e "$dtb" ] || continue
  n=$(basename "$dtb" .dtb)
  case " ${BOARDS[*]} " in *" $n "*) continue ;; esac
  cp "$dtb" "$OUT/"
  echo "rpi-dtbs: $n.dtb ($(fdtget "$dtb" / model)): copied unchanged (not a supported board)" >&2
done
