-- What each node has of its own: NODE_DIRS/NAME/var mounted on /var, and a scratch disk on /tmp.
-- rc.local inside the image does both at boot, finding its folder by the name DHCP gave the node.
local path = require("bramble.path")

local M = {}

function M.var_dir(site, name)
  return path.join(site.paths.node_dirs, name .. "/var")
end

-- The image's /var is copied once per node; after that it is the node's own (logs, state),
-- so an existing copy is never overwritten.
function M.var_dirs(ctx)
  local site = ctx.site
  local source = path.join(ctx.paths.nfs_root, "/var")
  bramble.directory{ path = ctx.paths.node_dirs, mode = "0755" }
  if not bramble.exists(source) then
    -- a plan cannot see what the image step would install
    if ctx.mode ~= "plan" then error("the image has no /var (" .. source .. "): run the image step first", 0) end
    bramble.log(source .. " does not exist yet: each node's /var is copied from it once the image is built")
    return
  end
  for _, node in ipairs(site.nodes) do
    local dest = M.var_dir(site, node.name)
    -- copy makes NODE_DIRS/NAME (0755) on the way: one action per node, for thousands of nodes
    if not bramble.exists(dest) then bramble.copy{ src = source, dest = dest } end
  end
end

function M.rc_local_values(ctx)
  local site, rc = ctx.site, ctx.family.rc_local
  local scratch = site.scratch and { device = site.scratch.device, fstype = site.scratch.fstype } or false
  return { rc_local = rc.path, scratch = scratch, var_source = site.head.ip .. ":" .. site.paths.node_dirs }
end

function M.rc_local(ctx)
  local root, rc = ctx.paths.nfs_root, ctx.family.rc_local
  local values = ctx.values_with(M.rc_local_values(ctx))
  local script = path.join(root, rc.path)
  bramble.directory{ path = path.dirname(script), mode = "0755" }
  bramble.template{ path = script, template = "rc.local.mustache", values = values, mode = "0755" }
  if rc.unit then
    local unit = path.join(root, rc.unit)
    bramble.directory{ path = path.dirname(unit), mode = "0755" }
    bramble.template{ path = unit, template = "rc-local.service.mustache", values = values, mode = "0644" }
  end
  bramble.service{ name = rc.service, enabled = true, root = root }
end

return M
