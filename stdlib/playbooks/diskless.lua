-- The diskless cluster playbook: the CentOS 7 guide's setup, step by step, for every family,
-- with what the guide forgot (the PXE menu and its loader files) and its slips fixed (each node gets
-- its own address; one layout NODE_DIRS/NAME/var everywhere; network-scripts, not network-script).
local net = require("bramble.net")
local system = require("bramble.system")
local dnsmasq = require("bramble.dnsmasq")
local nfs = require("bramble.nfs")
local image = require("bramble.image")
local pxe = require("bramble.pxe")
local nodes = require("bramble.nodes")

local function add(list, ...)
  for i = 1, select("#", ...) do
    local item = select(i, ...)
    if item then list[#list + 1] = item end
  end
  return list
end

local function unique(list)
  local seen, out = {}, {}
  for _, item in ipairs(list) do
    if not seen[item] then seen[item], out[#out + 1] = true, item end
  end
  return out
end

-- Everything this playbook may touch, declared before the first step runs.
local function policy(site, family)
  local p = site.paths
  -- /etc/systemd/system: enabling the head's services (written by systemctl, checked under --root)
  local write = add({}, system.DRACUT_CONF, "/etc/dnsmasq.d", "/etc/systemd/system", p.tftp_root, p.nfs_root, p.node_dirs)
  for _, config in ipairs(family.selinux_configs or {}) do add(write, config) end
  for _, dir in ipairs(p.shared) do add(write, dir) end
  local run = add({}, "dnsmasq", "systemctl", "dracut")
  for _, program in ipairs(family.programs) do add(run, program) end
  if site.nfs.backend == "ganesha" then
    add(write, nfs.GANESHA_DIR)
  else
    add(write, "/etc/exports")
    add(run, "exportfs")
  end
  if site.image.method == "rsync" then
    add(run, "rsync")
  else
    for _, program in ipairs(family.image.programs) do add(run, program) end
  end
  return { write = unique(write), run = unique(run), chroot = { p.nfs_root } }
end

-- Values every template gets; steps add their own (see ctx.values_with).
local function values(site, family)
  local subnet = net.parse_subnet(site.network.subnet)
  return {
    cluster = site.name,
    family = family.title,
    head_name = site.head.name,
    head_ip = site.head.ip,
    interface = site.head.interface,
    subnet = site.network.subnet,
    netmask = net.netmask(subnet.prefix),
    lease = site.network.lease,
    nfs_root = site.paths.nfs_root,
    node_dirs = site.paths.node_dirs,
    tftp_root = site.paths.tftp_root,
    boot_file = site.paths.boot_file,
    nodes = #site.nodes > 0 and site.nodes or false,
  }
end

return {
  name = "diskless",
  steps = {
    { name = "packages", describe = "install dnsmasq, the NFS server, syslinux and dracut on the head",
      run = system.packages },
    { name = "dracut-conf", describe = "add dracut's nfs module to " .. system.DRACUT_CONF,
      run = system.dracut_conf },
    { name = "selinux", describe = "set SELINUX=disabled (takes effect at the next boot)",
      when = system.has_selinux, run = system.selinux },
    { name = "dnsmasq", describe = "TFTP, DHCP with a fixed address per node, PXE boot file",
      run = dnsmasq.configure },
    { name = "nfs", describe = "create and export the image, node and shared folders",
      run = nfs.configure },
    { name = "image", describe = "build the node image in nfs_root, without the head's network identity",
      run = image.build },
    { name = "fstab", describe = "mount / and the shared folders from the head in the image's fstab",
      run = image.fstab },
    { name = "boot-files", describe = "copy the kernel and build an NFS-root initramfs in the TFTP root",
      run = pxe.boot_files },
    { name = "pxe-menu", describe = "copy the boot loaders and write their menus",
      run = pxe.menu },
    { name = "node-var", describe = "give each node its own copy of the image's /var",
      run = nodes.var_dirs },
    { name = "rc-local", describe = "boot script: mount the node's /var and scratch /tmp; enable it in the image",
      run = nodes.rc_local },
  },
  handlers = {
    ["restart-dnsmasq"] = dnsmasq.restart,
    ["restart-nfs"] = nfs.restart,
  },
  policy = policy,
  values = values,
}
