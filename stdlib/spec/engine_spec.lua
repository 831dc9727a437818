-- The engine: step order, --only/--skip, hooks, handlers, idempotence.
local helpers = require("spec.helpers")

local STEPS = { "packages", "dracut-conf", "selinux", "dnsmasq", "nfs", "image", "fstab", "boot-files",
                "pxe-menu", "node-var", "rc-local" }

-- hooks that note every step they see, in order
local function recorder(seen)
  local before = {}
  for _, name in ipairs(STEPS) do
    before[name] = function() seen[#seen + 1] = name end
  end
  return { before = before }
end

describe("the whole playbook", function()
  it("runs every step and changes nothing the second time", function()
    local r = bramble.test.apply{ site = helpers.site("el7"), fixture = "el7", twice = true }
    expect(r.ok).to_be(true)
    expect(r.summary.changed > 0).to_be(true)
    expect(r.summary.failed).to_be(0)
    expect(r.summary.denied).to_be(0)
    expect(r.second.changed).to_be(0)
  end)

  it("runs the steps in the guide's order", function()
    local seen = {}
    bramble.test.apply{ site = helpers.site("el7"), fixture = "el7", hooks = recorder(seen) }
    expect(seen).to_equal(STEPS)
  end)
end)

describe("--only and --skip", function()
  it("runs only the named steps, in playbook order", function()
    local seen = {}
    local only = { "nfs", "dnsmasq", "packages" }
    bramble.test.apply{ site = helpers.site("el7"), fixture = "el7", hooks = recorder(seen), only = only }
    expect(seen).to_equal({ "packages", "dnsmasq", "nfs" })
  end)

  it("skips the named steps", function()
    local seen = {}
    local skip = { "dracut-conf", "selinux", "image", "fstab", "boot-files", "pxe-menu", "node-var", "rc-local" }
    bramble.test.apply{ site = helpers.site("el7"), fixture = "el7", hooks = recorder(seen), skip = skip }
    expect(seen).to_equal({ "packages", "dnsmasq", "nfs" })
  end)

  it("refuses an unknown step, naming the valid ones", function()
    local r = bramble.test.apply{ site = helpers.site("el7"), fixture = "el7", only = { "dnsmaq" } }
    expect(r.ok).to_be(false)
    local messages = helpers.messages(r)
    expect(messages).to_contain("did you mean 'dnsmasq'?")
    expect(messages).to_contain("packages, dracut-conf, selinux, dnsmasq")
  end)
end)

describe("hooks", function()
  it("runs before, the replacement, then after", function()
    local seen = {}
    local hooks = {
      before = { dnsmasq = function() seen[#seen + 1] = "before" end },
      replace = { dnsmasq = function() seen[#seen + 1] = "replace" end },
      after = { dnsmasq = function() seen[#seen + 1] = "after" end },
    }
    local r = bramble.test.apply{ site = helpers.site("el7"), fixture = "el7", hooks = hooks, only = { "dnsmasq" } }
    expect(r.ok).to_be(true)
    expect(seen).to_equal({ "before", "replace", "after" })
    expect(r:exists("/etc/dnsmasq.d/t7.conf")).to_be(false)
  end)

  it("inserts extra steps where they ask, and --only knows them", function()
    local seen = {}
    local hooks = recorder(seen)
    hooks.steps = {
      { name = "first", before = "packages", run = function() seen[#seen + 1] = "first" end },
      { name = "middle", after = "dnsmasq", run = function() seen[#seen + 1] = "middle" end },
      { name = "last", run = function() seen[#seen + 1] = "last" end },
    }
    bramble.test.apply{ site = helpers.site("el7"), fixture = "el7", hooks = hooks,
                        only = { "first", "packages", "dnsmasq", "middle", "nfs", "last" } }
    expect(seen).to_equal({ "first", "packages", "dnsmasq", "middle", "nfs", "last" })
  end)

  it("gives templates the hooks' extra values", function()
    local hooks = {
      values = function(site) return { greeting = "hello " .. site.name } end,
      steps = { { name = "greet", run = function(ctx)
        bramble.directory{ path = ctx.paths.nfs_root, mode = "0755" }
        bramble.template{ path = ctx.paths.nfs_root .. "/greeting", values = ctx.values, mode = "0644",
                          source = "{{% CONTENT_TYPE: TEXT}}\n{{greeting}} & {{cluster}}\n" }
      end } },
    }
    local r = bramble.test.apply{ site = helpers.site("el7"), fixture = "el7", hooks = hooks, only = { "greet" } }
    expect(r.ok).to_be(true)
    expect(r:file("/nfs/greeting")).to_be("hello t7 & t7\n")
  end)

  it("refuses unknown hook keys and step names with a suggestion", function()
    local hooks = {
      befor = {},
      after = { dnsmaq = function() end },
      steps = { { name = "x", after = "imag", run = function() end } },
    }
    local r = bramble.test.apply{ site = helpers.site("el7"), fixture = "el7", hooks = hooks }
    expect(r.ok).to_be(false)
    local messages = helpers.messages(r)
    expect(messages).to_contain("did you mean 'before'?")
    expect(messages).to_contain("did you mean 'dnsmasq'?")
    expect(messages).to_contain("did you mean 'image'?")
  end)
end)

describe("handlers", function()
  it("run once at the end, however often they were notified", function()
    local hooks = { steps = { { name = "poke", run = function(ctx)
      ctx.notify("restart-dnsmasq")
      ctx.notify("restart-dnsmasq")
      ctx.changed({ status = "ok" }, "restart-nfs")
    end } } }
    local r = bramble.test.apply{ site = helpers.site("el7"), fixture = "el7", hooks = hooks, only = { "packages", "poke" } }
    expect(r.ok).to_be(true)
    local restarts = 0
    for _, command in ipairs(r:commands()) do
      local line = table.concat(command.argv, " ")
      if line:find("restart", 1, true) then
        restarts = restarts + 1
        expect(line).to_contain("dnsmasq")
      end
    end
    expect(restarts).to_be(1)
  end)

  it("refuse an unknown handler name with a suggestion", function()
    local hooks = { steps = { { name = "poke", run = function(ctx) ctx.notify("restart-dnsmsq") end } } }
    local r = bramble.test.apply{ site = helpers.site("el7"), fixture = "el7", hooks = hooks, only = { "poke" } }
    expect(r.ok).to_be(false)
    expect(r.error).to_contain("did you mean 'restart-dnsmasq'?")
  end)
end)
