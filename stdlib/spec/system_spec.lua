-- Steps packages, dracut-conf and selinux.
local helpers = require("spec.helpers")

describe("packages", function()
  it("installs the guide's packages with yum on EL7", function()
    local r = bramble.test.apply{ site = helpers.site("el7"), fixture = "el7", only = { "packages" } }
    expect(r.ok).to_be(true)
    expect(helpers.ran_with(r, "yum", "nfs-utils", "tftp-server", "dnsmasq", "syslinux", "dracut-network")).to_be(true)
  end)

  it("uses dnf on EL9 and apt on Debian 12", function()
    local r9 = bramble.test.apply{ site = helpers.site("el9"), fixture = "el9", only = { "packages" } }
    expect(helpers.ran_with(r9, "dnf", "nfs-utils", "dnsmasq")).to_be(true)
    local r12 = bramble.test.apply{ site = helpers.site("debian12"), fixture = "debian12", only = { "packages" } }
    expect(helpers.ran_with(r12, "apt-get", "nfs-kernel-server", "pxelinux", "syslinux-common", "dracut-core")).to_be(true)
  end)

  it("adds the packages the site's choices need", function()
    local site = helpers.site("debian12")
    site.nfs = { backend = "ganesha" }
    site.image = { method = "rsync" }
    local r = bramble.test.apply{ site = site, fixture = "debian12", only = { "packages" } }
    expect(helpers.ran_with(r, "apt-get", "nfs-ganesha-vfs", "rsync")).to_be(true)
    expect(helpers.ran_with(r, "apt-get", "nfs-kernel-server")).to_be(false)
  end)
end)

describe("dracut-conf", function()
  it("adds the nfs module to /etc/dracut.conf once", function()
    local r = bramble.test.apply{ site = helpers.site("el7"), fixture = "el7", only = { "dracut-conf" }, twice = true }
    expect(r.ok).to_be(true)
    expect(r:file("/etc/dracut.conf")).to_contain('add_dracutmodules+=" nfs "')
    expect(r.second.changed).to_be(0)
  end)
end)

describe("selinux", function()
  it("disables SELinux on EL7 in the real file, keeping the guide's symlink to it", function()
    local r = bramble.test.apply{ site = helpers.site("el7"), fixture = "el7", only = { "selinux" }, twice = true }
    local config = r:file("/etc/selinux/config")
    expect(config).to_contain("\nSELINUX=disabled\n")
    expect(config).never.to_contain("SELINUX=enforcing")
    expect(config).to_contain("SELINUXTYPE=targeted")
    expect(r:link("/etc/sysconfig/selinux")).to_be("../selinux/config")
    expect(r.second.changed).to_be(0)
  end)

  it("edits /etc/selinux/config on EL9", function()
    local r = bramble.test.apply{ site = helpers.site("el9"), fixture = "el9", only = { "selinux" } }
    expect(r:file("/etc/selinux/config")).to_contain("SELINUX=disabled")
  end)

  it("does not apply to Debian 12", function()
    local r = bramble.test.apply{ site = helpers.site("debian12"), fixture = "debian12", only = { "selinux" } }
    expect(r.ok).to_be(true)
    expect(r.summary.changed).to_be(0)
  end)
end)
