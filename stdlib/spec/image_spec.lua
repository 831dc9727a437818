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

  it("gives debootstrap the site's mirror, after the suite and the target", function()
    local site = helpers.site("debian12")
    site.image = { mirror = "http://mirror.example/debian/" }
    local r = bramble.test.apply{ site = site, fixture = "debian12", only = { "image" } }
    expect(r.ok).to_be(true)
    expect(helpers.ran_with(r, "debootstrap", "bookworm /nfs http://mirror.example/debian/")).to_be(true)
  end)

  it("leaves debootstrap its default mirror when the site names none", function()
    local r = bramble.test.apply{ site = helpers.site("debian12"), fixture = "debian12", only = { "image" } }
    expect(helpers.ran_with(r, "debootstrap", "http")).to_be(false)
  end)

  it("refuses a mirror that is not a URL, and a mirror for a family without debootstrap", function()
    local site = helpers.site("debian12")
    site.image = { mirror = "deb.debian.org/debian --foreign" }
    local r = bramble.test.apply{ site = site, fixture = "debian12" }
    expect(r.ok).to_be(false)
    expect(helpers.problem(r, "image.mirror").message).to_contain("is not a mirror URL")
    local el7 = helpers.site("el7")
    el7.image = { mirror = "http://mirror.example/centos/" }
    r = bramble.test.apply{ site = el7, fixture = "el7" }
    expect(r.ok).to_be(false)
    expect(helpers.problem(r, "image.mirror").message).to_contain("only used by debootstrap")
    local rsync = helpers.site("debian12")
    rsync.image = { method = "rsync", mirror = "http://mirror.example/debian/" }
    r = bramble.test.apply{ site = rsync, fixture = "debian12" }
    expect(helpers.problem(r, "image.mirror").message).to_contain("only used by the installroot method")
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
