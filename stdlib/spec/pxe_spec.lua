-- Steps boot-files and pxe-menu: kernel, NFS-root initramfs, boot loaders and their menus.
local helpers = require("spec.helpers")

local KVER = "3.10.0-1160.el7.x86_64"
local MENU = "/srv/tftp/pxelinux/pxelinux.cfg/default"

local function boot(site, family, more)
  local only = { "boot-files", "pxe-menu" }
  for _, step in ipairs(more or {}) do table.insert(only, 1, step) end
  return bramble.test.apply{ site = site, fixture = family or "el7", only = only }
end

describe("boot-files", function()
  it("copies the kernel into the TFTP root and builds an NFS initramfs beside it", function()
    local r = boot(helpers.site("el7"))
    expect(r.ok).to_be(true)
    expect(r:exists("/srv/tftp/vmlinuz-" .. KVER)).to_be(true)
    expect(r:mode("/srv/tftp/vmlinuz-" .. KVER)).to_be("0644")
    expect(r:exists("/srv/tftp/initramfs-" .. KVER .. ".img")).to_be(true)
    expect(r:mode("/srv/tftp/initramfs-" .. KVER .. ".img")).to_be("0644")
    expect(helpers.ran_with(r, "dracut", "nfs", KVER)).to_be(true)
  end)

  it("takes the image's kernel once the image exists", function()
    local r = boot(helpers.site("debian12"), "debian12", { "image" })
    expect(r.ok).to_be(true)
    expect(r:exists("/srv/tftp/vmlinuz-6.1.0-28-amd64")).to_be(true)
    expect(helpers.ran_with(r, "dracut", "6.1.0-28-amd64")).to_be(true)
  end)

  it("builds Debian's initramfs from an exact module list: shell init, dhclient, NFS; zstd", function()
    local r = boot(helpers.site("debian12"), "debian12", { "image" })
    expect(helpers.ran_with(r, "dracut", "--modules", "base udev-rules network-legacy nfs shutdown")).to_be(true)
    expect(helpers.ran_with(r, "dracut", "--add-drivers", "virtio_pci", "--compress", "zstd")).to_be(true)
    expect(helpers.ran_with(r, "dracut", "systemd")).to_be(false)
    expect(helpers.ran_with(r, "dracut", "--kmoddir", "/nfs/lib/modules/6.1.0-28-amd64")).to_be(true)
  end)

  it("fails clearly for a kernel that is not there", function()
    local site = helpers.site("el7")
    site.image = { kernel = "9.9.9-1.el7.x86_64" }
    local r = boot(site)
    expect(r.ok).to_be(false)
    expect(r.error).to_contain("image.kernel 9.9.9-1.el7.x86_64")
  end)

  it("changes nothing the second time", function()
    local r = bramble.test.apply{ site = helpers.site("el7"), fixture = "el7", only = { "boot-files", "pxe-menu" }, twice = true }
    expect(r.second.changed).to_be(0)
  end)
end)

describe("pxe-menu", function()
  it("puts pxelinux.0 and ldlinux.c32 in the boot file's folder", function()
    local r = boot(helpers.site("el7"))
    expect(r:exists("/srv/tftp/pxelinux/pxelinux.0")).to_be(true)
    expect(r:exists("/srv/tftp/pxelinux/ldlinux.c32")).to_be(true)
  end)

  it("writes the menu the guide forgot, booting the NFS root", function()
    local menu = boot(helpers.site("el7")):file(MENU)
    expect(menu).to_contain("managed by bramble")
    expect(menu).to_contain("KERNEL ::vmlinuz-" .. KVER .. "\n")
    expect(menu).to_contain("INITRD ::initramfs-" .. KVER .. ".img\n")
    expect(menu).to_contain("APPEND root=nfs:172.25.2.101:/nfs:defaults,rsize=32768,wsize=32768,intr rw ip=dhcp\n")
  end)

  it("appends the site's kernel arguments", function()
    local site = helpers.site("el7")
    site.pxe = { kernel_args = "console=ttyS0,115200 quiet" }
    expect(boot(site):file(MENU)).to_contain("ip=dhcp console=ttyS0,115200 quiet\n")
  end)

  it("follows a boot file at the TFTP root", function()
    local site = helpers.site("el7")
    site.paths = { boot_file = "pxelinux.0" }
    local r = boot(site)
    expect(r:exists("/srv/tftp/pxelinux.0")).to_be(true)
    expect(r:file("/srv/tftp/pxelinux.cfg/default")).to_contain("APPEND root=nfs:")
  end)

  it("takes Debian's loaders from /usr/lib/PXELINUX and syslinux/modules/bios", function()
    local r = boot(helpers.site("debian12"), "debian12")
    expect(r.ok).to_be(true)
    expect(r:exists("/srv/tftp/pxelinux/pxelinux.0")).to_be(true)
    expect(r:exists("/srv/tftp/pxelinux/ldlinux.c32")).to_be(true)
    expect(r:file(MENU)).to_contain("APPEND root=nfs:10.77.0.1:/nfs:defaults,rsize=32768,wsize=32768,intr rw ip=dhcp")
  end)
end)

-- These need the UEFI loaders in the fixtures: /boot/efi/EFI/rocky/{shimx64,grubx64}.efi (el9),
-- /usr/lib/SYSLINUX.EFI/efi64/syslinux.efi and /usr/lib/syslinux/modules/efi64/ldlinux.e64 (debian12).
describe("pxe-menu for UEFI", function()
  it("uses shim and grub on EL9, with a grub.cfg beside them", function()
    local site = helpers.site("el9")
    site.pxe = { uefi = { enabled = true } }
    local r = boot(site, "el9")
    expect(r.ok).to_be(true)
    expect(r:exists("/srv/tftp/uefi/shimx64.efi")).to_be(true)
    expect(r:exists("/srv/tftp/uefi/grubx64.efi")).to_be(true)
    local grub = r:file("/srv/tftp/uefi/grub.cfg")
    expect(grub).to_match("linux /vmlinuz%-[^ ]+ root=nfs:192%.168%.9%.1:/nfs:defaults,rsize=32768,wsize=32768,intr rw ip=dhcp")
    expect(grub).to_match("initrd /initramfs%-[^ ]+%.img")
  end)

  it("uses syslinux.efi on Debian 12, with its own pxelinux.cfg", function()
    local site = helpers.site("debian12")
    site.pxe = { uefi = { enabled = true } }
    local r = boot(site, "debian12")
    expect(r.ok).to_be(true)
    expect(r:exists("/srv/tftp/efi64/syslinux.efi")).to_be(true)
    expect(r:exists("/srv/tftp/efi64/ldlinux.e64")).to_be(true)
    expect(r:file("/srv/tftp/efi64/pxelinux.cfg/default"))
      .to_contain("APPEND root=nfs:10.77.0.1:/nfs:" .. "defaults,rsize=32768,wsize=32768,intr" .. " rw ip=dhcp")
  end)
end)
