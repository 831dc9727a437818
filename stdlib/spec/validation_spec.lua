-- Site validation: every rule, on site tables; a bad site is reported in full and nothing runs.
local helpers = require("spec.helpers")

local function check(site, family)
  return bramble.test.apply{ site = site, fixture = family or "el7" }
end

local function only_problem(r, field)
  local p = helpers.problem(r, field)
  expect(p).never.to_be_nil()
  return p
end

describe("a valid site", function()
  it("passes and the playbook runs", function()
    local r = check(helpers.site("el7"))
    expect(r.ok).to_be(true)
    expect(helpers.messages(r)).to_be("")
  end)

  it("accepts MACs in upper case or with dashes and writes them in dnsmasq's form", function()
    local site = helpers.site("el7")
    site.nodes[1].mac = "52-54-00-25-02-AA"
    local r = bramble.test.apply{ site = site, fixture = "el7", only = { "packages", "dnsmasq" } }
    expect(r.ok).to_be(true)
    expect(r:file("/etc/dnsmasq.d/t7.conf")).to_contain("dhcp-host=52:54:00:25:02:aa,s1,172.25.2.102")
  end)
end)

describe("node addresses", function()
  it("refuses a node with the head's IP (the guide's slip), naming node, field and line", function()
    local r = bramble.test.apply{ site = "sites/guide-slip.lua", fixture = "el7" }
    expect(r.ok).to_be(false)
    local p = only_problem(r, "nodes[1].ip")
    expect(p.node).to_be("s1")
    expect(p.message).to_contain("172.25.2.101 is the head's address")
    expect(p.line).to_be(14)
    expect(p.file).to_contain("guide-slip.lua")
    expect(r:exists("/etc/dnsmasq.d/slip.conf")).to_be(false)
  end)

  it("refuses an IP used by two nodes", function()
    local site = helpers.site("el7")
    site.nodes[3].ip = site.nodes[2].ip
    local p = only_problem(check(site), "nodes[3].ip")
    expect(p.message).to_contain("already used by s2")
  end)

  it("refuses a static IP inside the dynamic range", function()
    local site = helpers.site("el7")
    site.nodes[1].ip = "172.25.2.60"
    expect(only_problem(check(site), "nodes[1].ip").message).to_contain("inside the dynamic range 172.25.2.50-172.25.2.100")
  end)

  it("refuses an IP outside the subnet, a malformed IP, and the broadcast address", function()
    local site = helpers.site("el7")
    site.nodes[1].ip = "172.25.3.5"
    site.nodes[2].ip = "172.25.2.300"
    site.nodes[3].ip = "172.25.2.255"
    local r = check(site)
    expect(only_problem(r, "nodes[1].ip").message).to_contain("outside the subnet 172.25.2.0/24")
    expect(only_problem(r, "nodes[2].ip").message).to_contain("not an IPv4 address")
    expect(only_problem(r, "nodes[3].ip").message).to_contain("broadcast")
  end)

  it("refuses a head IP outside the subnet or inside the dynamic range", function()
    local site = helpers.site("el7")
    site.head.ip = "172.25.2.70"
    expect(only_problem(check(site), "head.ip").message).to_contain("inside the dynamic range")
    site.head.ip = "10.0.0.1"
    expect(only_problem(check(site), "head.ip").message).to_contain("outside the subnet")
  end)
end)

describe("MACs and names", function()
  it("refuses a malformed MAC", function()
    local site = helpers.site("el7")
    site.nodes[1].mac = "52:54:00:25:02"
    expect(only_problem(check(site), "nodes[1].mac").message).to_contain("not a MAC address")
  end)

  it("refuses a duplicate MAC whatever its case", function()
    local site = helpers.site("el7")
    site.nodes[2].mac = site.nodes[1].mac:upper()
    expect(only_problem(check(site), "nodes[2].mac").message).to_contain("already used by s1")
  end)

  it("refuses invalid and duplicate host names", function()
    local site = helpers.site("el7")
    site.nodes[1].name = "s_1"
    site.nodes[2].name = "-s2"
    site.nodes[3].name = string.rep("a", 64)
    local r = check(site)
    for i = 1, 3 do
      expect(only_problem(r, "nodes[" .. i .. "].name").message).to_contain("not a valid host name")
    end
    site = helpers.site("el7")
    site.nodes[3].name = "s1"
    expect(only_problem(check(site), "nodes[3].name").message).to_contain("used twice")
  end)

  it("refuses a node named like the head", function()
    local site = helpers.site("el7")
    site.nodes[1].name = "m0"
    expect(only_problem(check(site), "nodes[1].name").message).to_contain("head's name")
  end)

  it("suggests the misspelt field of a node that lacks one", function()
    local site = helpers.site("el7")
    site.nodes[1].mca, site.nodes[1].mac = site.nodes[1].mac, nil
    expect(only_problem(check(site), "nodes[1].mac").message).to_contain("'mca'")
  end)
end)

describe("network", function()
  it("refuses a reversed dynamic range", function()
    local site = helpers.site("el7")
    site.network.dynamic_range = { "172.25.2.100", "172.25.2.50" }
    expect(only_problem(check(site), "network.dynamic_range").message).to_contain("reversed")
  end)

  it("refuses a dynamic range outside the subnet", function()
    local site = helpers.site("el7")
    site.network.dynamic_range = { "172.25.2.50", "172.25.9.100" }
    expect(only_problem(check(site), "network.dynamic_range[2]").message).to_contain("outside the subnet")
  end)

  it("refuses a subnet with host bits and says which was meant", function()
    local site = helpers.site("el7")
    site.network.subnet = "172.25.2.7/24"
    expect(only_problem(check(site), "network.subnet").message).to_contain("did you mean 172.25.2.0/24?")
  end)

  it("refuses a bad lease", function()
    local site = helpers.site("el7")
    site.network.lease = "12 hours"
    expect(only_problem(check(site), "network.lease").message).to_contain("not a lease time")
  end)
end)

describe("fields", function()
  it("names unknown fields at any level with a suggestion", function()
    local site = helpers.site("el7")
    site.netwrok = {}
    site.network.dynamic_rang = site.network.dynamic_range
    site.paths = { nfsroot = "/nfs" }
    local r = check(site)
    expect(only_problem(r, "netwrok").message).to_contain("did you mean 'network'?")
    expect(only_problem(r, "network.dynamic_rang").message).to_contain("did you mean 'dynamic_range'?")
    expect(only_problem(r, "paths.nfsroot").message).to_contain("did you mean 'nfs_root'?")
  end)

  it("requires family, head.ip and head.interface", function()
    local r = check({ network = { subnet = "10.0.0.0/24" }, head = {} })
    expect(only_problem(r, "family").message).to_contain("missing")
    expect(only_problem(r, "head.ip").message).to_contain("missing")
    expect(only_problem(r, "head.interface").message).to_contain("missing")
  end)

  it("refuses an unknown family with a suggestion", function()
    local site = helpers.site("el7")
    site.family = "debain12"
    expect(only_problem(check(site), "family").message).to_contain("did you mean 'debian12'?")
  end)

  it("refuses a value outside its choices and a value of the wrong type", function()
    local site = helpers.site("el7")
    site.nfs = { backend = "ganesa" }
    site.pxe = { uefi = { enabled = "yes" } }
    local r = check(site)
    expect(only_problem(r, "nfs.backend").message).to_contain("did you mean 'ganesha'?")
    expect(only_problem(r, "pxe.uefi.enabled").message).to_contain("true or false")
  end)

  it("lists every problem at once", function()
    local site = helpers.site("el7")
    site.nodes[1].ip = site.head.ip
    site.nodes[2].mac = "nope"
    site.network.lease = "soon"
    site.paths = { nfs_root = "/" }
    expect(#check(site).problems).to_be(4)
  end)
end)

describe("paths", function()
  it("refuses node_dirs and tftp_root inside nfs_root", function()
    local site = helpers.site("el7")
    site.paths = { nfs_root = "/nfs", node_dirs = "/nfs/nodes", tftp_root = "/nfs/tftp" }
    local r = check(site)
    expect(only_problem(r, "paths.node_dirs").message).to_contain("overlaps paths.nfs_root")
    expect(only_problem(r, "paths.tftp_root").message).to_contain("overlaps paths.nfs_root")
  end)

  it("refuses relative paths", function()
    local site = helpers.site("el7")
    site.paths = { nfs_root = "nfs" }
    expect(only_problem(check(site), "paths.nfs_root").message).to_contain("absolute path")
  end)

  it("refuses the head's own system folders as an image root", function()
    for _, dangerous in ipairs({ "/", "/etc", "/usr", "/boot", "/var" }) do
      local site = helpers.site("el7")
      site.paths = { nfs_root = dangerous }
      expect(only_problem(check(site), "paths.nfs_root").message).to_contain("a folder the head itself uses")
    end
  end)

  it("refuses a shared folder that overlaps the image", function()
    local site = helpers.site("el7")
    site.paths = { shared = { "/nfs/data" } }
    expect(only_problem(check(site), "paths.shared[1]").message).to_contain("overlaps paths.nfs_root")
  end)

  it("refuses a boot file outside the TFTP root", function()
    local site = helpers.site("el7")
    site.paths = { boot_file = "../pxelinux.0" }
    expect(only_problem(check(site), "paths.boot_file").message).to_contain("relative to paths.tftp_root")
  end)
end)
