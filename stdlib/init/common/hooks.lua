-- Hooks: change what the playbook does for this site without forking it (docs/hooks.md).
-- `bramble validate`, `plan` and `apply` use this file because it sits beside site.lua.
-- Every kind of hook is shown below, commented out: uncomment what you need.
--
-- The steps, in order: packages, dracut-conf, selinux, dnsmasq, nfs, image, fstab, boot-files,
-- pxe-menu, node-var, rc-local; then the handlers restart-dnsmasq and restart-nfs, if notified.
-- A hook gets ctx: ctx.site (validated, defaults filled in), ctx.family, ctx.paths, ctx.mode ("apply",
-- "plan" or "render"), ctx.values, ctx.values_with(t), ctx.notify(handler), ctx.changed(result, handler).
-- Hooks act through the bramble primitives (docs/api.md) under the playbook's policy, which `bramble plan`
-- prints: they may write in the image, the TFTP root, the node folders and /etc/dnsmasq.d, and run what
-- the playbook runs. Anything else is refused (exit 3).

---@type bramble.Hooks
local hooks = {
  -- Code before a step.
  -- before = {
  --   dnsmasq = function(ctx)
  --     bramble.log("configuring DHCP for " .. #ctx.site.nodes .. " nodes")
  --   end,
  -- },

  -- Code after a step. ctx.changed(result, handler) asks for a handler to run once at the end
  -- when the result is not "ok": here, dnsmasq restarts if the extra drop-in changed.
  -- after = {
  --   dnsmasq = function(ctx)
  --     ctx.changed(bramble.write_file{
  --       path = "/etc/dnsmasq.d/" .. ctx.site.name .. "-log.conf", content = "log-dhcp\n", mode = "0644",
  --     }, "restart-dnsmasq")
  --   end,
  -- },

  -- Code instead of a step's own body: SELinux permissive rather than disabled.
  -- replace = {
  --   selinux = function(ctx)
  --     bramble.line_in_file{ path = ctx.family.selinux_configs[1], line = "SELINUX=permissive", match = "^SELINUX=" }
  --   end,
  -- },

  -- Extra steps: at the end, or placed with after = STEP or before = STEP. `bramble apply --only motd` knows them.
  -- steps = {
  --   { name = "motd", after = "rc-local", describe = "greeting on the nodes",
  --     run = function(ctx)
  --       bramble.template{ path = ctx.paths.nfs_root .. "/etc/motd", mode = "0644",
  --                         source = "{{greeting}}: a diskless node, its root on {{head_ip}}\n", values = ctx.values }
  --     end },
  -- },

  -- Extra template values, for every template (they win over the playbook's): a table, or a function
  -- of the validated site. A template of the same name in this folder replaces a bundled one
  -- (stdlib/templates/: dnsmasq.conf.mustache, pxelinux.cfg.mustache, fstab.mustache, rc.local.mustache, ...).
  -- values = function(site)
  --   return { greeting = "Welcome to " .. site.name }
  -- end,
}

return hooks
