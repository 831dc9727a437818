-- Applies site.lua (with hooks.lua) on a fake head node of its family and checks what it made.
-- `bramble test` in this folder runs it; nothing on the machine changes (docs/testing.md).
-- The expectations follow the site, so they keep holding as you edit it; add your own below.
local site = require("site")  -- this folder's site.lua, read for the expectations

local r = bramble.test.apply{ site = "site.lua", hooks = "hooks.lua", fixture = site.family, twice = true }

local paths = site.paths or {}
local nfs_root = paths.nfs_root or "/nfs"
local node_dirs = paths.node_dirs or "/client_nodes"
local tftp_root = paths.tftp_root or "/srv/tftp"
-- pxelinux.cfg/ sits beside the boot loader
local boot_subdir = (paths.boot_file or "pxelinux/pxelinux.0"):match("^(.*)/[^/]*$")
local menu_dir = boot_subdir and (tftp_root .. "/" .. boot_subdir) or tftp_root

-- "52-54-00-AA-..." as dnsmasq's drop-in writes it
local function mac(text)
  return (text:lower():gsub("%-", ":"))
end

describe("this site", function()
  it("is valid and applies cleanly", function()
    for _, p in ipairs(r.problems) do print(p.file .. ":" .. tostring(p.line) .. ": " .. p.message) end
    expect(r.error).to_be_nil()
    expect(#r.problems).to_be(0)
    expect(r.ok).to_be(true)
  end)

  it("changes nothing when applied a second time", function()
    expect(r.second_error).to_be_nil()
    expect(r.second and r.second.changed).to_be(0)
  end)

  it("gives every node its fixed address", function()
    local conf = r:file("/etc/dnsmasq.d/" .. (site.name or "diskless") .. ".conf") or ""
    expect(conf).to_contain("interface=" .. site.head.interface .. "\n")
    for _, node in ipairs(site.nodes or {}) do
      expect(conf).to_contain("dhcp-host=" .. mac(node.mac) .. "," .. node.name .. "," .. node.ip .. "\n")
    end
  end)

  it("exports the image to the cluster network", function()
    if (site.nfs or {}).backend == "ganesha" then
      expect(r:file("/etc/ganesha/ganesha.conf")).to_contain('Path = "' .. nfs_root .. '";')
    else
      expect(r:file("/etc/exports")).to_contain(nfs_root .. "\t" .. site.network.subnet .. "(")
    end
  end)

  it("boots the nodes with their root on the head over NFS", function()
    local menu = r:file(menu_dir .. "/pxelinux.cfg/default")
    expect(menu).to_contain("root=nfs:" .. site.head.ip .. ":" .. nfs_root .. ":")
  end)

  it("gives each node its own /var", function()
    for _, node in ipairs(site.nodes or {}) do
      expect(r:exists(node_dirs .. "/" .. node.name .. "/var")).to_be(true)
    end
  end)
end)
