-- The cluster this head node serves: a Debian 12 (bookworm) head and its diskless nodes.
-- Every field, its default and its rules: docs/site.md. Check it with `bramble validate site.lua`,
-- review what it makes with `bramble render site.lua --out /tmp/review`, test it with `bramble test`.

-- Your nodes: the name each one gets, the MAC address of the NIC it boots from (PXE), a fixed address.
-- A rack is a loop:  for i = 1, 40 do nodes[i] = { name = string.format("n%02d", i), ... } end
local nodes = {
  { name = "n01", mac = "52:54:00:00:01:01", ip = "192.168.100.11" },
  { name = "n02", mac = "52:54:00:00:01:02", ip = "192.168.100.12" },
  { name = "n03", mac = "52:54:00:00:01:03", ip = "192.168.100.13" },
  -- any other field is free and reaches templates and hooks: { ..., rack = "r1" }
}

---@type bramble.Site
local site = {
  name = "cluster",               -- names /etc/dnsmasq.d/cluster.conf and the boot menu entry
  family = "debian12",            -- "el7" | "el9" | "debian12"

  head = {
    name = "head",                -- the head's host name (never a node's)
    ip = "192.168.100.1",         -- the head's address on the cluster network
    interface = "enp2s0",         -- the head's NIC on the cluster network: DHCP and TFTP listen only there
  },

  network = {
    subnet = "192.168.100.0/24",
    -- addresses for machines that are not in `nodes`; false: only the nodes get an address
    dynamic_range = { "192.168.100.200", "192.168.100.250" },
    lease = "12h",
  },

  -- Folders (the defaults; a cluster folder may not be a system folder, nor overlap another one):
  -- paths = {
  --   nfs_root = "/nfs",                   -- the node image, every node's /
  --   node_dirs = "/client_nodes",         -- node_dirs/NAME/var is node NAME's own /var
  --   shared = { "/mnt" },                 -- exported and mounted at the same place on the nodes
  --   tftp_root = "/srv/tftp",
  --   boot_file = "pxelinux/pxelinux.0",   -- relative to tftp_root
  -- },

  -- The node image (defaults): debootstrap --variant=minbase --include=linux-image-amd64,... bookworm /nfs
  -- image = {
  --   method = "installroot",              -- or "rsync": a copy of this head (excludes below)
  --   packages = { "linux-image-amd64", "systemd-sysv", "udev", "kmod", "iproute2", "nfs-common", "xfsprogs" },
  --   release = "bookworm",                -- the debootstrap suite
  --   mirror = "http://deb.debian.org/debian",   -- false: debootstrap's default
  --   excludes = { "/proc/*", "/sys/*", "/dev/*", "/run/*", "/tmp/*", "/media/*", "/lost+found" },
  --   kernel = false,                      -- false: the image's newest kernel
  --   extra_args = {},                     -- more debootstrap arguments
  -- },

  -- nfs = {
  --   backend = "kernel",                  -- nfs-kernel-server; or "ganesha" (NFS-Ganesha)
  --   options = "rw,async,no_root_squash",
  --   mount_options = "defaults,rsize=32768,wsize=32768,intr",
  -- },

  -- pxe = {
  --   kernel_args = "console=tty0 console=ttyS0,115200n8",
  --   tftp_secure = false,                 -- true only if dnsmasq runs as root (it serves root's files)
  --   uefi = { enabled = true },           -- also boot UEFI clients (syslinux.efi)
  -- },

  -- a local disk on each node for /tmp, formatted when it does not mount
  -- scratch = { device = "/dev/sda", fstype = "xfs" },

  nodes = nodes,
}

return site
