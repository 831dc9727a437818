-- A Debian 12 head on a private bridge, with one node: the cluster scripts/e2e-boot boots in QEMU.
-- NFS-Ganesha serves the image (it runs in user space, also where the kernel's nfsd cannot).
-- Everything the cluster serves lives under /srv, so a test can stage it in a folder of its own.
return {
  name = "qemu",
  family = "debian12",
  head = { name = "head", ip = "10.77.0.1", interface = "br0" },
  network = {
    subnet = "10.77.0.0/24",
    dynamic_range = { "10.77.0.100", "10.77.0.150" },
    lease = "1h",
  },
  paths = {
    nfs_root = "/srv/nfs",
    node_dirs = "/srv/nodes",
    tftp_root = "/srv/tftp",
    shared = {},
  },
  -- debootstrap bookworm from its default mirror; set mirror = "http://..." for a nearer one
  image = { mirror = false },
  nfs = { backend = "ganesha" },
  -- the test reads the node's boot messages on its serial console
  pxe = { kernel_args = "console=ttyS0,115200" },
  nodes = {
    { name = "node1", mac = "52:54:00:77:00:10", ip = "10.77.0.10" },
  },
}
