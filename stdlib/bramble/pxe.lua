-- Network boot: the kernel and an NFS-root initramfs in the TFTP root, the boot loaders beside the
-- boot file, and their menus.
local path = require("bramble.path")

local M = {}

-- "3.10.0-1160.el7" < "3.10.0-1160.119.1.el7": numbers compare as numbers, the rest as text
local function version_less(a, b)
  local ia, ib = 1, 1
  while ia <= #a and ib <= #b do
    local na, nb = a:match("^%d+", ia), b:match("^%d+", ib)
    local ta, tb = na or a:match("^%D+", ia), nb or b:match("^%D+", ib)
    if na and nb then
      if tonumber(na) ~= tonumber(nb) then return tonumber(na) < tonumber(nb) end
    elseif ta ~= tb then
      return ta < tb
    end
    ia, ib = ia + #ta, ib + #tb
  end
  return #a - ia < #b - ib
end

local function newest(versions)
  local best = nil
  for _, v in ipairs(versions) do
    if best == nil or version_less(best, v) then best = v end
  end
  return best
end

local function modules_dir(root, version)
  for _, dir in ipairs({ "/lib/modules/", "/usr/lib/modules/" }) do
    local candidate = path.join(root, dir .. version)
    if bramble.exists(candidate) then return candidate end
  end
  return nil
end

-- The kernel the nodes boot: {version, boot_dir, kmoddir}. site.image.kernel, else the newest kernel
-- of the image, else the head's. An image kernel's initramfs takes the image's modules (kmoddir).
-- A plan may find none (the image is not installed yet): then nil, and the caller says so.
function M.kernel(ctx)
  local image_boot = path.join(ctx.paths.nfs_root, "/boot")
  local wanted = ctx.site.image.kernel
  for _, boot in ipairs({ image_boot, "/boot" }) do
    local version = wanted or newest(bramble.kernels(boot))
    if version and bramble.exists(path.join(boot, "vmlinuz-" .. version)) then
      local kmoddir = boot == image_boot and modules_dir(ctx.paths.nfs_root, version) or nil
      return { version = version, boot_dir = boot, kmoddir = kmoddir }
    end
  end
  local missing = wanted and ("image.kernel " .. wanted .. ": no vmlinuz-" .. wanted .. " in " .. image_boot .. " or /boot")
    or ("no kernel in " .. image_boot .. " or /boot: install one or set image.kernel")
  if ctx.mode ~= "plan" then error(missing, 0) end
  bramble.log(missing .. " (yet: the image step has not run in this plan)")
  return nil
end

-- file names inside the TFTP root, as the guide names them
function M.boot_names(version)
  return { kernel = "vmlinuz-" .. version, initrd = "initramfs-" .. version .. ".img" }
end

function M.boot_files(ctx)
  local kernel = M.kernel(ctx)
  if not kernel then return end
  local names, tftp = M.boot_names(kernel.version), ctx.paths.tftp_root
  bramble.directory{ path = tftp, mode = "0755" }
  bramble.copy{ src = path.join(kernel.boot_dir, names.kernel), dest = path.join(tftp, names.kernel), mode = "0644" }
  -- not host-only: the initramfs must carry the drivers of every node's NIC, not the head's
  local options = ctx.family.dracut
  bramble.dracut{
    output = path.join(tftp, names.initrd),
    kver = kernel.version,
    add = options.add,
    modules = options.modules,
    omit = options.omit,
    drivers = options.drivers,
    compress = options.compress,
    hostonly = false,
    kmoddir = kernel.kmoddir,
  }
end

-- values for both menu kinds (nil while a plan knows no kernel); kernel and initrd are relative to the TFTP root
function M.menu_values(ctx, kernel)
  kernel = kernel or M.kernel(ctx)
  if not kernel then return nil end
  local site = ctx.site
  local names = M.boot_names(kernel.version)
  -- the root's mount options go on the kernel line: the initramfs mounts /, and systemd's remount of /
  -- with the fstab's options (rsize, wsize) fails unless / was mounted with them in the first place
  local append = "root=nfs:" .. site.head.ip .. ":" .. site.paths.nfs_root .. ":" .. site.nfs.mount_options .. " rw ip=dhcp"
  if site.pxe.kernel_args ~= "" then append = append .. " " .. site.pxe.kernel_args end
  return { label = site.name, kernel = names.kernel, initrd = names.initrd, append = append,
           kernel_args = site.pxe.kernel_args }
end

-- copies loader files into the folder of a boot file. Files marked optional may be missing on the head;
-- a plan may not have them yet either (step packages installs them).
local function copy_loader(ctx, files, dir)
  bramble.directory{ path = dir, mode = "0755" }
  for _, file in ipairs(files) do
    if bramble.exists(file.src) or not (file.optional or ctx.mode == "plan") then
      bramble.copy{ src = file.src, dest = path.join(dir, path.basename(file.src)), mode = "0644" }
    elseif not file.optional then
      bramble.log(file.src .. " is not installed yet: copied once step packages has installed it")
    end
  end
end

-- pxelinux and syslinux.efi read DIR/pxelinux.cfg/default; grub reads DIR/grub.cfg
local function write_menu(ctx, kernel, dir, kind, extra)
  local values = ctx.values_with(M.menu_values(ctx, kernel))
  for k, v in pairs(extra or {}) do values[k] = v end
  local file, template = path.join(dir, "grub.cfg"), "grub.cfg.mustache"
  if kind == "syslinux" then
    bramble.directory{ path = path.join(dir, "pxelinux.cfg"), mode = "0755" }
    file, template = path.join(dir, "pxelinux.cfg/default"), "pxelinux.cfg.mustache"
  end
  bramble.template{ path = file, template = template, values = values, mode = "0644" }
end

function M.menu(ctx)
  local kernel = M.kernel(ctx)
  if not kernel then return end
  local tftp, family = ctx.paths.tftp_root, ctx.family
  local bios_dir = path.join(tftp, path.dirname(ctx.paths.boot_file))
  copy_loader(ctx, family.syslinux, bios_dir)
  write_menu(ctx, kernel, bios_dir, "syslinux")
  local uefi = ctx.site.pxe.uefi
  if uefi.enabled then
    local uefi_dir = path.join(tftp, path.dirname(uefi.boot_file))
    copy_loader(ctx, family.uefi.files, uefi_dir)
    write_menu(ctx, kernel, uefi_dir, family.uefi.menu, { linux = family.uefi.linux or "linux",
                                                   initrd_command = family.uefi.initrd or "initrd" })
  end
end

return M
