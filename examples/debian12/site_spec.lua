-- Debian 12 with NFS-Ganesha: the cluster the QEMU boot test uses.
local r = bramble.test.apply{ site = "site.lua", fixture = "debian12", twice = true }

describe("debian12", function()
  it("applies cleanly, and a second run changes nothing", function()
    expect(r.ok).to_be(true)
    expect(r.second.changed).to_be(0)
  end)

  it("serves DHCP and TFTP on br0 with node1 at 10.77.0.10", function()
    local conf = r:file("/etc/dnsmasq.d/qemu.conf")
    expect(conf).to_contain("interface=br0\n")
    expect(conf).to_contain("dhcp-range=10.77.0.100,10.77.0.150,1h\n")
    expect(conf).to_contain("dhcp-host=52:54:00:77:00:10,node1,10.77.0.10\n")
  end)

  it("exports the image with Ganesha", function()
    local conf = r:file("/etc/ganesha/ganesha.conf")
    expect(conf).to_contain('Path = "/nfs";')
    expect(conf).to_contain("Clients = 10.77.0.0/24;")
    expect(r:file("/etc/exports") or "").never.to_contain("/nfs")
  end)

  it("builds the image with debootstrap and boots its kernel", function()
    expect(r:exists("/srv/tftp/vmlinuz-6.1.0-28-amd64")).to_be(true)
    expect(r:exists("/srv/tftp/initramfs-6.1.0-28-amd64.img")).to_be(true)
    expect(r:exists("/srv/tftp/pxelinux/ldlinux.c32")).to_be(true)
    local menu = r:file("/srv/tftp/pxelinux/pxelinux.cfg/default")
    expect(menu).to_contain("APPEND root=nfs:10.77.0.1:/nfs rw ip=dhcp console=ttyS0,115200")
  end)

  it("mounts node1's own /var at boot", function()
    expect(r:exists("/client_nodes/node1/var")).to_be(true)
    expect(r:file("/nfs/etc/rc.local")).to_contain('10.77.0.1:/client_nodes/"$node"/var /var')
    expect(r:file("/nfs/etc/systemd/system/rc-local.service")).to_contain("WantedBy=multi-user.target")
  end)
end)
