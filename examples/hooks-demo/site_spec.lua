-- The hooks example: before, replace, after, an extra step, extra values and a site template.
local r = bramble.test.apply{ site = "site.lua", hooks = "hooks.lua", fixture = "el7", twice = true }
local MENUS = "/srv/tftp/pxelinux/pxelinux.cfg/"

describe("hooks-demo", function()
  it("applies cleanly, and a second run changes nothing", function()
    expect(r.ok).to_be(true)
    expect(r.second.changed).to_be(0)
  end)

  it("renders the menu from the site's own template with the hooks' values", function()
    local menu = r:file(MENUS .. "default")
    expect(menu).to_contain("SAY Lab cluster lab: diskless boot\n")
    expect(menu).to_contain("LABEL rescue")
    expect(menu).to_contain("APPEND root=nfs:10.20.0.1:/nfs:defaults,rsize=32768,wsize=32768,intr rw ip=dhcp\n")
  end)

  it("gives lab2 a menu of its own with its kernel arguments (after hook)", function()
    expect(r:file(MENUS .. "01-52-54-00-20-00-02")).to_contain("ip=dhcp console=ttyS0,115200\n")
    expect(r:exists(MENUS .. "01-52-54-00-20-00-01")).to_be(false)
  end)

  it("keeps SELinux permissive instead of disabled (replace hook)", function()
    local config = r:file("/etc/selinux/config")
    expect(config).to_contain("SELINUX=permissive")
    expect(config).never.to_contain("SELINUX=disabled")
  end)

  it("writes the motd in the extra step", function()
    expect(r:file("/nfs/etc/motd")).to_be("Welcome to lab: a diskless node, its root on 10.20.0.1\n")
  end)
end)
