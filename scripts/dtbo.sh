#!/usr/bin/env bash
# make dtbo: compile the boards' device-tree overlays (board/*/*.dts) with dtc, warnings
# refused, into $CARGO_TARGET_DIR/dtbo/ (default target/dtbo/), and check that they apply:
#   - always, onto a small stand-in of a Raspberry Pi's device tree (the nodes they touch, at
#     the same paths, with a __symbols__ entry for gpio as Raspberry Pi OS's trees have);
#   - with DTB_DIR=folder (e.g. Debian's /usr/lib/linux-image-*/broadcom/), onto the trees of
#     the supported boards in it, all of which must be there, as `make image` merges them:
#     image/rpi-dtbs.sh (those trees have no __symbols__: it adds the ones the overlays need).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
TD=${CARGO_TARGET_DIR:-$TOP/target}
OUT=$TD/dtbo
"$TOP/scripts/pkg-deps.sh" dtbo
mkdir -p "$OUT"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

for src in "$TOP"/board/*/*.dts; do
  name=$(basename "$src" .dts)
  dtc -@ -q -I dts -O dtb -o "$OUT/$name.dtbo" "$src" 2> "$W/err" || { cat "$W/err" >&2; exit 1; }
  # -q hides nothing we want: run again without it and refuse any warning.
  dtc -@ -I dts -O dtb -o /dev/null "$src" 2> "$W/err"
  if [ -s "$W/err" ]; then
    echo "dtbo: $src: dtc warnings:" >&2; cat "$W/err" >&2; exit 1
  fi
  echo "dtbo: $OUT/$name.dtbo ($(stat -c %s "$OUT/$name.dtbo") bytes)" >&2
done

# A stand-in for the Raspberry Pi's base tree: the GPIO controller, the PL011 with its
# Bluetooth device, the mini UART, at their real paths.
cat > "$W/base.dts" <<'DTS'
/dts-v1/;
/ {
	compatible = "raspberrypi,4-model-b", "brcm,bcm2711";
	#address-cells = <1>;
	#size-cells = <1>;
	soc {
		#address-cells = <1>;
		#size-cells = <1>;
		gpio: gpio@7e200000 {
			compatible = "brcm,bcm2711-gpio";
			reg = <0x7e200000 0xb4>;
			gpio-controller;
			#gpio-cells = <2>;
		};
		serial@7e201000 {
			compatible = "arm,pl011", "arm,primecell";
			reg = <0x7e201000 0x200>;
			status = "okay";
			bluetooth {
				compatible = "brcm,bcm43438-bt";
			};
		};
		serial@7e215040 {
			compatible = "brcm,bcm2835-aux-uart";
			reg = <0x7e215040 0x40>;
			status = "okay";
		};
	};
};
DTS
dtc -@ -q -I dts -O dtb -o "$W/base.dtb" "$W/base.dts"

# check BASE.dtb LABEL: both overlays onto it, then what the kernel would see.
check() {
  local base=$1 label=$2 led
  fdtoverlay -i "$base" -o "$W/merged.dtb" "$OUT/smdrbox-uart.dtbo" "$OUT/smdrbox-leds.dtbo"
  local gpio_ph pins_ph
  gpio_ph=$(fdtget "$W/merged.dtb" /soc/gpio@7e200000 phandle)
  for led in green:status:17 amber:link:27 red:fault:22; do
    IFS=: read -r colour fn line <<<"$led"
    local node=/smdrbox-leds/led-smdrbox-$colour
    [ "$(fdtget "$W/merged.dtb" "$node" label)" = "smdrbox:$colour:$fn" ] ||
      { echo "dtbo: $label: $node has label $(fdtget "$W/merged.dtb" "$node" label)" >&2; exit 1; }
    [ "$(fdtget "$W/merged.dtb" "$node" gpios)" = "$gpio_ph $line 0" ] ||
      { echo "dtbo: $label: $node gpios $(fdtget "$W/merged.dtb" "$node" gpios), want $gpio_ph $line 0" >&2; exit 1; }
  done
  [ "$(fdtget "$W/merged.dtb" /smdrbox-leds compatible)" = gpio-leds ]
  pins_ph=$(fdtget "$W/merged.dtb" /soc/gpio@7e200000/smdrbox-uart0-gpio14 phandle)
  [ "$(fdtget "$W/merged.dtb" /soc/gpio@7e200000/smdrbox-uart0-gpio14 brcm,pins)" = "14 15" ]
  [ "$(fdtget "$W/merged.dtb" /soc/serial@7e201000 pinctrl-0)" = "$pins_ph" ]
  [ "$(fdtget "$W/merged.dtb" /soc/serial@7e201000/bluetooth status)" = disabled ]
  [ "$(fdtget "$W/merged.dtb" /soc/serial@7e215040 status)" = disabled ]
  echo "dtbo: applied to $label: LEDs on GPIO 17/27/22 -> controller phandle $gpio_ph, PL011 on GPIO 14/15, Bluetooth and mini UART off" >&2
}
check "$W/base.dtb" "a stand-in Raspberry Pi tree"

# The real trees: the same merge and checks as the SD-card image (image/rpi-dtbs.sh: symbols
# added, both overlays applied, the result read back), into a scratch folder.
if [ -n "${DTB_DIR:-}" ]; then
  "$TOP/image/rpi-dtbs.sh" "$DTB_DIR" "$OUT" "$W/merged"
fi
echo "dtbo: ok" >&2
