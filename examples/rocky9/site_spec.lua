-- Rocky 9, eight generated nodes, cluster folders under /srv/diskless.
local r = bramble.test.apply{ site = "site.lua", fixture = "el9", twice = true }

describe("rocky9", function()
  it("applies cleanly, and a second run changes nothing", function()
    expect(r.ok).to_be(true)
    expect(r.second.changed).to_be(0)
  end)

  it("has a DHCP entry for each of the eight nodes", function()
    local conf = r:file("/etc/dnsmasq.d/rocky.conf")
    for i = 1, 8 do
      expect(conf).to_contain(string.format("dhcp-host=52:54:00:09:00:%02x,c%02d,192.168.50.%d\n", i, i, 10 + i))
    end
    expect(conf).to_contain("interface=ens1f0\n")
    expect(conf).to_contain("tftp-root=/var/lib/tftpboot\n")
  end)

  it("exports its own folders and shares /home and /opt/apps", function()
    local exports = r:file("/etc/exports")
    expect(exports).to_match("/srv/diskless/root%s+192%.168%.50%.0/24%(rw,async,no_root_squash%)")
    expect(exports).to_match("/home%s+192%.168%.50%.0/24%(rw,async,no_root_squash,crossmnt%)")
    expect(exports).to_match("/opt/apps%s+192%.168%.50%.0/24%(rw,async,no_root_squash,crossmnt%)")
    expect(r:exists("/srv/diskless/root/opt/apps")).to_be(true)
  end)

  it("boots with a serial console and the image under /srv/diskless/root", function()
    local menu = r:file("/var/lib/tftpboot/pxelinux/pxelinux.cfg/default")
    expect(menu).to_contain("root=nfs:192.168.50.1:/srv/diskless/root:" .. "defaults,rsize=32768,wsize=32768,intr"
      .. " rw ip=dhcp console=tty0 console=ttyS0,115200n8")
    expect(r:exists("/srv/diskless/nodes/c08/var")).to_be(true)
    expect(r:file("/srv/diskless/root/etc/rc.d/rc.local")).to_contain("mkfs.xfs /dev/nvme0n1")
  end)
end)
