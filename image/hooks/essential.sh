#!/bin/sh
# mmdebstrap --essential-hook: runs after the Essential packages and before the kernel is
# installed, so the kernel's first mkinitramfs already uses this configuration.
#
# Debian's default MODULES=most puts ~3000 modules in the initramfs and runs modinfo on each;
# under qemu-user that took 16 minutes (toolchain.md §2.2). The box only needs to find its
# root file system: list the storage drivers and let udev load the rest from the root.
set -eu
R="$1"
mkdir -p "$R/etc/initramfs-tools/conf.d" "$R/etc/initramfs-tools/hooks"
cat > "$R/etc/initramfs-tools/conf.d/smdrbox.conf" <<'CONF'
# smdrbox image: only the modules listed in hooks/smdrbox-modules (see image/hooks/essential.sh)
MODULES=list
COMPRESS=zstd
CONF
cat > "$R/etc/initramfs-tools/hooks/smdrbox-modules" <<'HOOK'
#!/bin/sh
# smdrbox image: the drivers needed to mount the root file system (MODULES=list).
[ "$1" = prereqs ] && exit 0
. /usr/share/initramfs-tools/hook-functions
# The root file system.
manual_add_modules ext4 crc32c_generic
# qemu virt (the image test): virtio disks on MMIO or PCI, virtio console (hvc0).
manual_add_modules virtio_mmio virtio_pci virtio_blk virtio_console
# Raspberry Pi 3/4 and most arm64 boards: SD/eMMC controllers.
manual_add_modules mmc_block sdhci_iproc sdhci_pltfm bcm2835 dw_mmc_rockchip sunxi_mmc \
  meson_gx_mmc sdhci_of_arasan
# Boot from a USB stick or SSD.
manual_add_modules usb_storage uas xhci_pci xhci_plat_hcd dwc2 reset_raspberrypi
HOOK
chmod 755 "$R/etc/initramfs-tools/hooks/smdrbox-modules"
