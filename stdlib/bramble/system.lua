-- Head node basics: packages, dracut's NFS module, SELinux.
local M = {}

M.DRACUT_CONF = "/etc/dracut.conf"

local function append_all(list, more)
  for _, item in ipairs(more or {}) do list[#list + 1] = item end
  return list
end

-- the family's packages plus what this site's choices need
function M.head_packages(site, family)
  local names = append_all({}, family.packages)
  append_all(names, family.nfs[site.nfs.backend].packages)
  if site.pxe.uefi.enabled then append_all(names, family.uefi.packages) end
  if site.image.method == "rsync" then names[#names + 1] = "rsync" end
  if site.image.method == "installroot" and family.image.manager == "debootstrap" then
    names[#names + 1] = "debootstrap"
  end
  return names
end

function M.packages(ctx)
  bramble.package{ names = M.head_packages(ctx.site, ctx.family), manager = ctx.family.manager }
end

-- The guide's add_dracutmodules+="nfs", with the spaces dracut.conf(5) asks for so that a later
-- += cannot glue module names together; a copy of the guide's line is replaced, not duplicated.
function M.dracut_conf()
  bramble.line_in_file{
    path = M.DRACUT_CONF,
    line = 'add_dracutmodules+=" nfs "',
    match = [[^\s*add_dracutmodules\s*\+=\s*"\s*nfs\s*"\s*$]],  -- a regular expression
    create = true,
  }
end

function M.has_selinux(ctx)
  return ctx.family.selinux_configs ~= false, ctx.family.title .. " has no SELinux"
end

-- SELINUX=disabled in the real config file: on EL7 /etc/sysconfig/selinux is only a symlink to it,
-- and replacing a symlink with a file would leave SELinux enforcing.
function M.selinux(ctx)
  for _, config in ipairs(ctx.family.selinux_configs) do
    if bramble.exists(config) then
      bramble.line_in_file{ path = config, line = "SELINUX=disabled", match = "^SELINUX=" }
      return
    end
  end
  bramble.log("no SELinux config (" .. table.concat(ctx.family.selinux_configs, ", ") .. "): nothing to disable")
end

return M
