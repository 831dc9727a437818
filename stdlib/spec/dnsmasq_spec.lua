-- Step dnsmasq: TFTP, DHCP with one fixed address per node, PXE boot files.
local helpers = require("spec.helpers")

local CONF = "/etc/dnsmasq.d/t7.conf"

-- with packages: the dnsmasq service comes with its package
local function dnsmasq(site, family)
  return bramble.test.apply{ site = site, fixture = family or "el7", only = { "packages", "dnsmasq" } }
end

describe("dnsmasq", function()
  it("writes the guide's TFTP and DHCP settings to a drop-in", function()
    local r = dnsmasq(helpers.site("el7"))
    expect(r.ok).to_be(true)
    local conf = r:file(CONF)
    expect(conf).to_contain("managed by bramble")
    for _, line in ipairs({ "enable-tftp", "tftp-root=/srv/tftp", "tftp-no-fail", "tftp-no-blocksize",
                            "dhcp-boot=pxelinux/pxelinux.0", "interface=eth0", "bind-interfaces",
                            "dhcp-range=172.25.2.50,172.25.2.100,12h" }) do
      expect(conf).to_match("\n" .. line:gsub("%p", "%%%0") .. "\n")
    end
    expect(r:mode(CONF)).to_be("0644")
  end)

  it("gives every node its own address (not the head's)", function()
    local conf = dnsmasq(helpers.site("el7")):file(CONF)
    expect(conf).to_contain("dhcp-host=52:54:00:25:02:02,s1,172.25.2.102\n")
    expect(conf).to_contain("dhcp-host=52:54:00:25:02:03,s2,172.25.2.103\n")
    expect(conf).to_contain("dhcp-host=52:54:00:25:02:04,s3,172.25.2.104\n")
    expect(conf).never.to_contain(",172.25.2.101")
  end)

  it("leaves tftp-secure off unless asked, since dnsmasq drops root", function()
    expect(dnsmasq(helpers.site("el7")):file(CONF)).never.to_contain("tftp-secure")
    local site = helpers.site("el7")
    site.pxe = { tftp_secure = true }
    expect(dnsmasq(site):file(CONF)).to_contain("\ntftp-secure\n")
  end)

  it("serves only the listed nodes when there is no dynamic range", function()
    local conf = dnsmasq(helpers.site("el9"), "el9"):file("/etc/dnsmasq.d/t9.conf")
    expect(conf).to_contain("dhcp-range=192.168.9.0,static,255.255.255.0,12h")
  end)

  it("hands UEFI x86-64 clients their own boot file", function()
    local site = helpers.site("el7")
    site.pxe = { uefi = { enabled = true } }
    local conf = dnsmasq(site):file(CONF)
    expect(conf).to_contain("dhcp-match=set:efi64,option:client-arch,7\n")
    expect(conf).to_contain("dhcp-match=set:efi64,option:client-arch,9\n")
    expect(conf).to_contain("dhcp-boot=tag:efi64,uefi/shimx64.efi\n")
    expect(conf).to_contain("dhcp-boot=tag:!efi64,pxelinux/pxelinux.0\n")
  end)

  it("changes nothing the second time", function()
    local r = bramble.test.apply{ site = helpers.site("el7"), fixture = "el7", only = { "packages", "dnsmasq" }, twice = true }
    expect(r.second.changed).to_be(0)
  end)

  it("restarts a running dnsmasq once, at the end, when its file changed", function()
    local r = bramble.test.apply{ site = helpers.site("el7"), fixture = "el7", only = { "packages", "dnsmasq" },
                                  commands = { ["systemctl is-active dnsmasq"] = { exit = 0, stdout = "active\n" } } }
    local restarts = 0
    for _, command in ipairs(r:commands()) do
      if command.argv[1] == "systemctl" and command.argv[2] == "restart" then restarts = restarts + 1 end
    end
    expect(restarts).to_be(1)
  end)

  it("does not restart the dnsmasq it has just started", function()
    local r = bramble.test.apply{ site = helpers.site("el7"), fixture = "el7", only = { "packages", "dnsmasq" } }
    expect(r:ran({ "systemctl", "start", "dnsmasq" })).to_be(true)
    expect(r:ran({ "systemctl", "restart", "dnsmasq" })).to_be(false)
  end)
end)
