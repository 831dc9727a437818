-- Everything that differs between the supported distributions, in one place.
-- A step never tests a family's name: it reads the field it needs from here.
--
-- Fields of a family:
--   title              human name
--   manager, programs  package manager given to bramble.package, and the programs it runs (for the policy;
--                      the package query tool too: the core asks rpm / dpkg-query what is installed)
--   packages           head node packages every cluster needs
--   nfs                per NFS backend: service unit, extra packages
--   services           other service units (dnsmasq)
--   selinux_configs    SELinux config files, the real file first; false: no SELinux on this family
--   syslinux           BIOS boot loader files copied next to the boot file (optional = may be absent)
--   uefi               UEFI loader: default boot file, packages, files, menu kind ("syslinux" or "grub")
--   dracut             how the nodes' NFS-root initramfs is built: dracut modules to add (or the exact list,
--                      modules) and omit, drivers to add (the nodes' NICs, which the head's hardware does not
--                      show), compression (default: dracut's own choice)
--   image              node image defaults for the installroot method: manager, programs, packages, release
--   network_cleanup    the head's network config that must not reach the nodes: files to remove (shell globs
--                      in a folder, also kept out of an rsync'd image) and files to write instead
--   rc_local           the node boot script inside the image, its service, and a unit to install (or false)
local M = {}
local FAMILIES = {}

local EL_NFS = {
  ganesha = { unit = "nfs-ganesha", packages = { "nfs-ganesha", "nfs-ganesha-vfs" } },
}

-- ifcfg files of real NICs; ifcfg-lo stays
local IFCFG = { dir = "/etc/sysconfig/network-scripts", globs = { "ifcfg-en*", "ifcfg-eth*" } }

FAMILIES.el7 = {
  title = "CentOS / RHEL 7",
  manager = "yum",
  programs = { "yum", "rpm" },
  packages = { "nfs-utils", "tftp-server", "dnsmasq", "syslinux", "dracut", "dracut-network" },
  nfs = { kernel = { unit = "nfs", packages = {} }, ganesha = EL_NFS.ganesha },
  services = { dnsmasq = "dnsmasq" },
  selinux_configs = { "/etc/selinux/config", "/etc/sysconfig/selinux" },
  syslinux = {
    { src = "/usr/share/syslinux/pxelinux.0" },
    -- syslinux 4.05 (EL7) has no ldlinux.c32; later builds need it beside pxelinux.0
    { src = "/usr/share/syslinux/ldlinux.c32", optional = true },
  },
  uefi = {
    boot_file = "uefi/shimx64.efi",
    packages = { "shim-x64", "grub2-efi-x64" },
    files = { { src = "/boot/efi/EFI/centos/shimx64.efi" }, { src = "/boot/efi/EFI/centos/grubx64.efi" } },
    menu = "grub", linux = "linuxefi", initrd = "initrdefi",
  },
  dracut = { add = { "nfs" } },
  image = { manager = "yum", programs = { "yum", "rpm" }, release = "/",
            packages = { "@Base", "kernel", "dracut-network", "nfs-utils" } },
  network_cleanup = { remove = { IFCFG }, write = {} },
  rc_local = { path = "/etc/rc.d/rc.local", service = "rc-local", unit = false },
}

FAMILIES.el9 = {
  title = "Rocky / RHEL / Alma 9",
  manager = "dnf",
  programs = { "dnf", "rpm" },
  packages = { "nfs-utils", "dnsmasq", "syslinux", "syslinux-nonlinux", "dracut", "dracut-network" },
  nfs = { kernel = { unit = "nfs-server", packages = {} }, ganesha = EL_NFS.ganesha },
  services = { dnsmasq = "dnsmasq" },
  selinux_configs = { "/etc/selinux/config" },
  syslinux = {
    { src = "/usr/share/syslinux/pxelinux.0" },
    { src = "/usr/share/syslinux/ldlinux.c32" },
  },
  uefi = {
    boot_file = "uefi/shimx64.efi",
    packages = { "shim-x64", "grub2-efi-x64" },
    files = { { src = "/boot/efi/EFI/rocky/shimx64.efi" }, { src = "/boot/efi/EFI/rocky/grubx64.efi" } },
    menu = "grub", linux = "linux", initrd = "initrd",
  },
  dracut = { add = { "nfs" } },
  image = { manager = "dnf", programs = { "dnf", "rpm" }, release = "9",
            packages = { "@core", "kernel", "dracut-network", "nfs-utils" } },
  network_cleanup = {
    remove = { IFCFG, { dir = "/etc/NetworkManager/system-connections", globs = { "*.nmconnection" } } },
    write = {},
  },
  rc_local = { path = "/etc/rc.d/rc.local", service = "rc-local", unit = false },
}

FAMILIES.debian12 = {
  title = "Debian 12 (bookworm)",
  manager = "apt",
  programs = { "apt-get", "dpkg-query" },
  -- nfs-common: dracut's nfs module copies mount.nfs, rpcbind and rpc.statd from the head;
  -- zstd compresses the initramfs
  packages = { "dnsmasq", "pxelinux", "syslinux-common", "dracut-core", "dracut-network", "nfs-common", "zstd" },
  nfs = {
    kernel = { unit = "nfs-kernel-server", packages = { "nfs-kernel-server" } },
    ganesha = { unit = "nfs-ganesha", packages = { "nfs-ganesha", "nfs-ganesha-vfs" } },
  },
  services = { dnsmasq = "dnsmasq" },
  selinux_configs = false,
  syslinux = {
    { src = "/usr/lib/PXELINUX/pxelinux.0" },
    { src = "/usr/lib/syslinux/modules/bios/ldlinux.c32" },
  },
  uefi = {
    boot_file = "efi64/syslinux.efi",
    packages = { "syslinux-efi" },
    files = { { src = "/usr/lib/SYSLINUX.EFI/efi64/syslinux.efi" }, { src = "/usr/lib/syslinux/modules/efi64/ldlinux.e64" } },
    menu = "syslinux",
  },
  -- An NFS root needs no storage, LVM or systemd in its initramfs: an exact module list keeps the head's
  -- own tools out of it (Debian's dracut-core would add its systemd). network-legacy brings up the NIC
  -- with dhclient for ip=dhcp and pulls in every network driver; virtio's PCI transport is not one.
  -- zstd, as Debian's own initramfs: twice as fast to build as gzip, and smaller to send over TFTP.
  dracut = {
    modules = { "base", "udev-rules", "network-legacy", "nfs", "shutdown" },
    drivers = { "virtio_pci" },
    compress = "zstd",
  },
  -- debootstrap's minbase has no init, udev or kernel: a bootable node needs them named
  image = { manager = "debootstrap", programs = { "debootstrap" }, release = "bookworm",
            packages = { "linux-image-amd64", "systemd-sysv", "udev", "kmod", "iproute2", "nfs-common", "xfsprogs" } },
  network_cleanup = {
    remove = { { dir = "/etc/network/interfaces.d", globs = { "*" } } },
    -- an rsync'd image would otherwise bring up the head's own addresses on every node
    write = { { path = "/etc/network/interfaces", content = "# managed by bramble: the initramfs configures the NIC (ip=dhcp)\n"
                .. "auto lo\niface lo inet loopback\n" } },
  },
  -- systemd's own rc-local.service has no [Install] section; ours can be enabled
  rc_local = { path = "/etc/rc.local", service = "rc-local", unit = "/etc/systemd/system/rc-local.service" },
}

M.names = { "debian12", "el7", "el9" }

-- the family table, or nil for an unknown name
function M.get(name)
  return FAMILIES[name]
end

return M
