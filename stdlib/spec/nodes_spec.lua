-- Steps node-var and rc-local: each node's own /var and its boot script (in the image, so with step image).
local helpers = require("spec.helpers")

describe("node-var", function()
  it("copies the image's /var to NODE_DIRS/NAME/var for every node", function()
    local r = bramble.test.apply{ site = helpers.site("el7"), fixture = "el7", only = { "image", "node-var" } }
    expect(r.ok).to_be(true)
    for _, name in ipairs({ "s1", "s2", "s3" }) do
      expect(r:exists("/client_nodes/" .. name .. "/var/log")).to_be(true)
      expect(r:exists("/client_nodes/" .. name .. "/var/lib")).to_be(true)
    end
  end)

  it("never copies over a node's /var again", function()
    local r = bramble.test.apply{ site = helpers.site("el7"), fixture = "el7", only = { "image", "node-var" }, twice = true }
    expect(r.second.changed).to_be(0)
  end)

  it("fails when the image has no /var yet", function()
    local r = bramble.test.apply{ site = helpers.site("el7"), fixture = "el7", only = { "node-var" } }
    expect(r.ok).to_be(false)
    expect(r.error).to_contain("run the image step first")
  end)
end)

describe("rc-local", function()
  it("mounts the node's own /var from the head, found by its DHCP host name", function()
    local r = bramble.test.apply{ site = helpers.site("el7"), fixture = "el7", only = { "image", "rc-local" } }
    expect(r.ok).to_be(true)
    local script = r:file("/nfs/etc/rc.d/rc.local")
    expect(script).to_match("^#!/bin/sh\n")
    expect(script).to_contain("managed by bramble")
    expect(script).to_contain("/proc/sys/kernel/hostname")
    expect(script).to_contain('mount -t nfs -o rw 172.25.2.101:/client_nodes/"$node"/var /var')
    expect(script).never.to_contain("/diskless/")
    expect(r:mode("/nfs/etc/rc.d/rc.local")).to_be("0755")
  end)

  it("formats the scratch disk only when it does not mount", function()
    local site = helpers.site("el7")
    site.scratch = { device = "/dev/sdb", fstype = "ext4" }
    local r = bramble.test.apply{ site = site, fixture = "el7", only = { "image", "rc-local" } }
    local script = r:file("/nfs/etc/rc.d/rc.local")
    expect(script).to_contain("if ! mount /dev/sdb /tmp; then")
    expect(script).to_contain("mkfs.ext4 /dev/sdb")
  end)

  it("leaves /tmp alone without a scratch disk", function()
    local r = bramble.test.apply{ site = helpers.site("el7"), fixture = "el7", only = { "image", "rc-local" } }
    local script = r:file("/nfs/etc/rc.d/rc.local")
    expect(script).never.to_contain("mkfs")
  end)

  it("installs an enableable unit and enables it inside the Debian image", function()
    local r = bramble.test.apply{ site = helpers.site("debian12"), fixture = "debian12", only = { "image", "rc-local" } }
    expect(r.ok).to_be(true)
    expect(r:mode("/nfs/etc/rc.local")).to_be("0755")
    local unit = r:file("/nfs/etc/systemd/system/rc-local.service")
    expect(unit).to_contain("ExecStart=/etc/rc.local")
    expect(unit).to_contain("WantedBy=multi-user.target")
    expect(r:link("/nfs/etc/systemd/system/multi-user.target.wants/rc-local.service")).to_be_truthy()
  end)
end)
