-- Step nfs: folders, exports (kernel server or Ganesha), the service (installed by step packages).
local helpers = require("spec.helpers")

describe("nfs with the kernel server", function()
  it("exports the image, node and shared folders with the guide's options", function()
    local r = bramble.test.apply{ site = helpers.site("el7"), fixture = "el7", only = { "packages", "nfs" } }
    expect(r.ok).to_be(true)
    local exports = r:file("/etc/exports")
    expect(exports).to_match("/nfs%s+172%.25%.2%.0/24%(rw,async,no_root_squash%)")
    expect(exports).to_match("/client_nodes%s+172%.25%.2%.0/24%(rw,async,no_root_squash%)")
    expect(exports).to_match("/mnt%s+172%.25%.2%.0/24%(rw,async,no_root_squash,crossmnt%)")
    expect(r:ran({ "exportfs", "-ra" })).to_be(true)
    expect(r:exists("/nfs")).to_be(true)
    expect(r:exists("/client_nodes")).to_be(true)
  end)

  it("changes nothing the second time", function()
    local r = bramble.test.apply{ site = helpers.site("el7"), fixture = "el7", only = { "packages", "nfs" }, twice = true }
    expect(r.second.changed).to_be(0)
  end)
end)

describe("nfs with Ganesha", function()
  it("writes ganesha.conf instead of /etc/exports", function()
    local site = helpers.site("debian12")
    site.nfs = { backend = "ganesha" }
    local r = bramble.test.apply{ site = site, fixture = "debian12", only = { "packages", "nfs" } }
    expect(r.ok).to_be(true)
    local conf = r:file("/etc/ganesha/ganesha.conf")
    expect(conf).to_contain('Path = "/nfs";')
    expect(conf).to_contain('Pseudo = "/nfs";')
    expect(conf).to_contain('Path = "/client_nodes";')
    expect(conf).to_contain("Clients = 10.77.0.0/24;")
    expect(conf).to_contain("Squash = No_Root_Squash;")
    expect(conf).to_contain("Access_Type = RW;")
    expect(r:file("/etc/exports") or "").never.to_contain("/nfs")
  end)

  it("sends owners as numbers, as the kernel server does (a node would hang asking its id mapper)", function()
    local site = helpers.site("debian12")
    site.nfs = { backend = "ganesha" }
    local r = bramble.test.apply{ site = site, fixture = "debian12", only = { "nfs" } }
    expect(r:file("/etc/ganesha/ganesha.conf")).to_contain("Only_Numeric_Owners = true;")
  end)

  it("exports the same folders to the same clients as the kernel server, from the same site", function()
    local kernel = bramble.test.apply{ site = helpers.site("debian12"), fixture = "debian12", only = { "nfs" } }
    local site = helpers.site("debian12")
    site.nfs = { backend = "ganesha" }
    local ganesha = bramble.test.apply{ site = site, fixture = "debian12", only = { "nfs" } }
    local conf = ganesha:file("/etc/ganesha/ganesha.conf")
    local count = 0
    for path, clients in kernel:file("/etc/exports"):gmatch("\n(/%S+)%s+([%d./]+)%(") do
      expect(conf).to_contain('Path = "' .. path .. '";')
      expect(conf).to_contain("Clients = " .. clients .. ";")
      count = count + 1
    end
    expect(count).to_be(3)
  end)
end)
