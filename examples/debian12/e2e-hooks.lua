-- Hooks of scripts/e2e-boot (it copies this file beside its own site.lua): one more step that puts a
-- boot probe into the image. Not for a real cluster: the probe powers the node off once it has booted.
--
-- At boot, after rc-local.service has mounted the node's own /var from the head, the probe writes
-- /var/lib/bramble-e2e/marker.NONCE (NONCE from the kernel argument bramble_e2e=) with what the node
-- sees: its name, address, uptime, and the sources of / and /var. The test reads that file on the head,
-- in NODE_DIRS/NAME/var, and echoes the same line on the serial console.
local PROBE = [[
#!/bin/sh
# managed by bramble (scripts/e2e-boot): record this boot in the node's own /var, then power off.
nonce=$(sed -n 's/.*bramble_e2e=\([^ ]*\).*/\1/p' /proc/cmdline)
dir=/var/lib/bramble-e2e
mkdir -p "$dir"
{
    echo "nonce=${nonce:-none}"
    echo "host=$(cat /proc/sys/kernel/hostname)"
    echo "uptime=$(cut -d' ' -f1 /proc/uptime)"
    echo "ip=$(ip -4 -o addr show scope global | awk '{print $4}' | tr '\n' ' ')"
    echo "root=$(findmnt -n -o SOURCE,FSTYPE /)"
    echo "var=$(findmnt -n -o SOURCE,FSTYPE /var)"
    echo "rc_local=$(systemctl is-active rc-local.service)"
} > "$dir/marker.${nonce:-none}"
sync
echo "BRAMBLE-E2E-MARKER $(tr '\n' ' ' < "$dir/marker.${nonce:-none}")" > /dev/console
# no logind here to ask about inhibitors (asking it costs seconds)
systemctl --no-block --check-inhibitors=no poweroff
]]

local UNIT = [[
# managed by bramble (scripts/e2e-boot): the boot probe; it powers the node off.
[Unit]
Description=bramble e2e boot probe (writes a marker into this node's /var, then powers off)
After=rc-local.service remote-fs.target

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/bramble-e2e-probe

[Install]
WantedBy=multi-user.target
]]

return {
  steps = {
    { name = "e2e-probe", after = "rc-local", describe = "boot probe for scripts/e2e-boot (powers the node off)",
      run = function(ctx)
        local root = ctx.paths.nfs_root
        bramble.directory{ path = root .. "/usr/local/sbin", mode = "0755" }
        bramble.write_file{ path = root .. "/usr/local/sbin/bramble-e2e-probe", content = PROBE, mode = "0755" }
        bramble.write_file{ path = root .. "/etc/systemd/system/bramble-e2e-probe.service", content = UNIT, mode = "0644" }
        bramble.service{ name = "bramble-e2e-probe", enabled = true, root = root }
      end },
  },
}
