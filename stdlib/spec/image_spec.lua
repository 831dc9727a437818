-- Steps image and fstab.
local helpers = require("spec.helpers")
local site_check = require("bramble.site")
local image = require("bramble.image")
local families = require("bramble.families")

describe("image by installroot", function()
  it("installs the guide's packages into /nfs with the head's release", function()
    local r = bramble.test.apply{ site = helpers.site("el7"), fixture = "el7", only = { "image" } }
    expect(r.ok).to_be(true)
    expect(helpers.ran_with(r, "yum", "/nfs", "@Base", "kernel", "dracut-network", "nfs-utils")).to_be(true)
    expect(r:exists("/nfs/boot")).to_be(true)
  end)

  it("removes the image's own NIC configs from network-scripts", function()
    local r = bramble.test.apply{ site = helpers.site("el7"), fixture = "el7", only = { "image" } }
    expect(r:exists("/nfs/etc/sysconfig/network-scripts/ifcfg-eth0")).to_be(false)
  end)

  it("uses debootstrap bookworm on Debian 12 and keeps the head's network out", function()
    local r = bramble.test.apply{ site = helpers.site("debian12"), fixture = "debian12", only = { "image" } }
    expect(r.ok).to_be(true)
    expect(helpers.ran_with(r, "debootstrap", "bookworm", "/nfs")).to_be(true)
    expect(r:file("/nfs/etc/network/interfaces")).to_contain("iface lo inet loopback")
    expect(r:exists("/nfs/etc/hostname")).to_be(false)
  end)

  it("changes nothing the second time", function()
    local r = bramble.test.apply{ site = helpers.site("el7"), fixture = "el7", only = { "image" }, twice = true }
    expect(r.second.changed).to_be(0)
  end)
end)

describe("image by rsync", function()
  it("copies the head with rsync", function()
    local site = helpers.site("el7")
    site.image = { method = "rsync" }
    local r = bramble.test.apply{ site = site, fixture = "el7", only = { "image" } }
    expect(r.ok).to_be(true)
    expect(helpers.ran_program(r, "rsync")).to_be(true)
  end)

  it("excludes the guide's folders, the volatile ones, the cluster's own and the head's identity", function()
    local site = site_check.check(helpers.site("el7"))
    local excludes = table.concat(image.excludes(site, families.get("el7")), " ")
    local expected = { "/proc/*", "/sys/*", "/dev/*", "/run/*", "/tmp/*", "/nfs", "/client_nodes", "/srv/tftp", "/mnt/*",
                       "/etc/sysconfig/network-scripts/ifcfg-eth*", "/etc/hostname" }
    for _, path in ipairs(expected) do
      expect(" " .. excludes .. " ").to_contain(" " .. path .. " ")
    end
  end)
end)

describe("fstab", function()
  it("mounts / and the shared folders from the head with the guide's options", function()
    local r = bramble.test.apply{ site = helpers.site("el7"), fixture = "el7", only = { "fstab" } }
    expect(r.ok).to_be(true)
    local fstab = r:file("/nfs/etc/fstab")
    expect(fstab).to_match("172%.25%.2%.101:/nfs%s+/%s+nfs%s+defaults,rsize=32768,wsize=32768,intr")
    expect(fstab).to_match("172%.25%.2%.101:/mnt%s+/mnt%s+nfs%s+defaults,rsize=32768,wsize=32768,intr")
    expect(r:exists("/nfs/mnt")).to_be(true)
    expect(r:mode("/nfs/etc/fstab")).to_be("0644")
  end)
end)
