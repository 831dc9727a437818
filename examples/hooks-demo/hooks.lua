-- One hook of each kind, for the lab cluster in site.lua.
local pxe = require("bramble.pxe")
local path = require("bramble.path")

-- pxelinux looks for pxelinux.cfg/01-<mac with dashes> before pxelinux.cfg/default
local function node_menu_path(ctx, node)
  local dir = path.join(ctx.paths.tftp_root, path.dirname(ctx.paths.boot_file))
  return path.join(dir, "pxelinux.cfg/01-" .. node.mac:gsub(":", "-"))
end

return {
  before = {
    -- a line in the audit log before dnsmasq's config is written
    dnsmasq = function(ctx)
      bramble.log("configuring DHCP for " .. #ctx.site.nodes .. " nodes, lease " .. ctx.site.network.lease)
    end,
  },

  replace = {
    -- this lab keeps SELinux loaded but permissive, instead of the guide's disabled
    selinux = function(ctx)
      for _, config in ipairs(ctx.family.selinux_configs) do
        if bramble.exists(config) then
          bramble.line_in_file{ path = config, line = "SELINUX=permissive", match = "^SELINUX=" }
          return
        end
      end
    end,
  },

  after = {
    -- a node with its own kernel_args gets its own menu, from the same (site) template
    ["pxe-menu"] = function(ctx)
      local menu = pxe.menu_values(ctx)
      if not menu then return end  -- a plan before the image exists knows no kernel yet
      for _, node in ipairs(ctx.site.nodes) do
        if node.kernel_args then
          local values = ctx.values_with(menu)
          values.append = menu.append .. " " .. node.kernel_args
          bramble.template{ path = node_menu_path(ctx, node), template = "pxelinux.cfg.mustache",
                            values = values, mode = "0644" }
        end
      end
    end,
  },

  steps = {
    -- an extra step: a greeting on every node, written into the image after rc.local
    { name = "motd", after = "rc-local", describe = "greeting on the nodes",
      run = function(ctx)
        bramble.write_file{ path = ctx.paths.nfs_root .. "/etc/motd", content = ctx.values.motd .. "\n", mode = "0644" }
      end },
  },

  -- extra template values: menu_title is used by this folder's pxelinux.cfg.mustache
  values = function(site)
    return {
      menu_title = "Lab cluster " .. site.name .. ": diskless boot",
      motd = "Welcome to " .. site.name .. ": a diskless node, its root on " .. site.head.ip,
    }
  end,
}
