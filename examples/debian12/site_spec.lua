-- Debian 12 with NFS-Ganesha: the cluster scripts/e2e-boot applies for real and boots in QEMU.
local r = bramble.test.apply{ site = "site.lua", fixture = "debian12", twice = true }

local function ran_with(result, program, ...)
  for _, command in ipairs(result:commands()) do
    local line = table.concat(command.argv, " ")
    if command.argv[1] == program then
      local all = true
      for _, fragment in ipairs({ ... }) do all = all and line:find(fragment, 1, true) ~= nil end
      if all then return true end
    end
  end
  return false
end

describe("debian12", function()
  it("applies cleanly, and a second run changes nothing", function()
    expect(r.ok).to_be(true)
    expect(r.second.changed).to_be(0)
  end)

  it("serves DHCP and TFTP on br0 with node1 at 10.77.0.10, from /srv/tftp", function()
    local conf = r:file("/etc/dnsmasq.d/qemu.conf")
    expect(conf).to_contain("interface=br0\n")
    expect(conf).to_contain("tftp-root=/srv/tftp\n")
    expect(conf).to_contain("dhcp-range=10.77.0.100,10.77.0.150,1h\n")
    expect(conf).to_contain("dhcp-host=52:54:00:77:00:10,node1,10.77.0.10\n")
  end)

  it("exports the image and the node folders with Ganesha, owners as numbers", function()
    local conf = r:file("/etc/ganesha/ganesha.conf")
    expect(conf).to_contain('Path = "/srv/nfs";')
    expect(conf).to_contain('Path = "/srv/nodes";')
    expect(conf).to_contain("Clients = 10.77.0.0/24;")
    expect(conf).to_contain("Only_Numeric_Owners = true;")
    expect(r:file("/etc/exports") or "").never.to_contain("/srv/nfs")
  end)

  it("builds the image with debootstrap and boots its kernel with a shell initramfs", function()
    expect(ran_with(r, "debootstrap", "--variant=minbase", "linux-image-amd64", "bookworm", "/srv/nfs")).to_be(true)
    expect(r:exists("/srv/tftp/vmlinuz-6.1.0-28-amd64")).to_be(true)
    expect(r:exists("/srv/tftp/initramfs-6.1.0-28-amd64.img")).to_be(true)
    expect(ran_with(r, "dracut", "network-legacy nfs", "--compress", "zstd")).to_be(true)
    expect(r:exists("/srv/tftp/pxelinux/ldlinux.c32")).to_be(true)
    local menu = r:file("/srv/tftp/pxelinux/pxelinux.cfg/default")
    expect(menu).to_contain("APPEND root=nfs:10.77.0.1:/srv/nfs:" .. "defaults,rsize=32768,wsize=32768,intr"
      .. " rw ip=dhcp console=ttyS0,115200")
  end)

  it("mounts node1's own /var at boot", function()
    expect(r:exists("/srv/nodes/node1/var")).to_be(true)
    expect(r:file("/srv/nfs/etc/rc.local")).to_contain('10.77.0.1:/srv/nodes/"$node"/var /var')
    expect(r:file("/srv/nfs/etc/systemd/system/rc-local.service")).to_contain("WantedBy=multi-user.target")
  end)
end)

describe("debian12 with the boot test's hooks (e2e-hooks.lua)", function()
  local e2e = bramble.test.apply{ site = "site.lua", fixture = "debian12", hooks = "e2e-hooks.lua", twice = true }

  it("adds the boot probe to the image, enabled, and stays idempotent", function()
    expect(e2e.ok).to_be(true)
    expect(e2e.second.changed).to_be(0)
    expect(e2e:file("/srv/nfs/usr/local/sbin/bramble-e2e-probe")).to_contain("/var/lib/bramble-e2e")
    expect(e2e:exists("/srv/nfs/etc/systemd/system/multi-user.target.wants/bramble-e2e-probe.service")).to_be(true)
  end)
end)
