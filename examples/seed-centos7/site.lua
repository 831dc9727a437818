-- The cluster of the CentOS 7 guide: head m0 and compute nodes s1-s3 on 172.25.2.0/24.
-- Unlike the guide, s1 gets its own address (the guide gave it the head's, 172.25.2.101).
return {
  name = "seed",
  family = "el7",
  head = { name = "m0", ip = "172.25.2.101", interface = "eth0" },
  network = {
    subnet = "172.25.2.0/24",
    dynamic_range = { "172.25.2.50", "172.25.2.100" },
    lease = "12h",
  },
  paths = {
    nfs_root = "/nfs",
    node_dirs = "/client_nodes",
    shared = { "/mnt" },
    tftp_root = "/srv/tftp",
    boot_file = "pxelinux/pxelinux.0",
  },
  image = { method = "installroot" },
  nfs = { options = "rw,async,no_root_squash", mount_options = "defaults,rsize=32768,wsize=32768,intr" },
  -- the guide's local disk for /tmp (Gaussian-style scratch)
  scratch = { device = "/dev/sda", fstype = "xfs" },
  nodes = {
    { name = "s1", mac = "52:54:00:25:02:02", ip = "172.25.2.102" },
    { name = "s2", mac = "52:54:00:25:02:03", ip = "172.25.2.103" },
    { name = "s3", mac = "52:54:00:25:02:04", ip = "172.25.2.104" },
  },
}
