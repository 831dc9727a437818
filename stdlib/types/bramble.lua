---@meta _
-- Type declarations of Bramble's Lua API for the Lua language server (LuaLS): the `bramble` table
-- (docs/api.md), the site table (stdlib/bramble/site.lua), hooks and ctx (stdlib/bramble/engine.lua),
-- playbooks, and the spec globals (stdlib/bramble/testing.lua). Declarations only: this file is never
-- run. Point LuaLS's `workspace.library` at this folder (a site made by `bramble init` does it in .luarc.json).
-- luacheck: globals bramble describe it expect
-- luacheck: no unused

---------------------------------------------------------------------------------------------------
-- Results

---What a primitive found: `ok` (nothing needed doing), `changed`, `unknown` (a plan could not predict
---it) or `skipped` (a staged run left the live system alone). Decided by the core, never by the script.
---@alias bramble.Status "ok"|"changed"|"unknown"|"skipped"

---The table every mutating primitive returns.
---@class bramble.Result
---@field status bramble.Status
---@field diff string what changed (a unified diff for files), "" when nothing did

---What `run` and `chroot` return.
---@class bramble.RunResult: bramble.Result
---@field exit integer? the exit code (nil when the command was not run: `creates`, a plan)
---@field stdout string?
---@field stderr string?

---A file mode as an octal string: "0644", "0755" (a Lua number is refused: 0644 is decimal in Lua).
---@alias bramble.Mode string

---------------------------------------------------------------------------------------------------
-- Arguments of the primitives

---@class bramble.WriteFileArgs
---@field path string absolute path
---@field content string the whole content (binary is fine)
---@field mode bramble.Mode? default: the current mode, else "0644"
---@field owner string? user name or numeric id
---@field group string? group name or numeric id
---@field validate string[]? argv with "%s" for a temp copy of the new content, e.g. {"dnsmasq", "--test", "-C", "%s"}

---@class bramble.TemplateArgs
---@field path string absolute path of the file to write
---@field template string? a template file name, looked up in the site's folder, then stdlib/templates/
---@field source string? inline Mustache text (instead of `template`)
---@field values table<string, any> every name the template uses; nested tables are sections, lists repeat
---@field mode bramble.Mode?
---@field owner string?
---@field group string?
---@field validate string[]?

---@class bramble.DirectoryArgs
---@field path string
---@field mode bramble.Mode? default "0755"
---@field owner string?
---@field group string?

---@class bramble.CopyArgs
---@field src string a file or a whole tree (modes and symlinks kept)
---@field dest string
---@field mode bramble.Mode?

---@class bramble.SymlinkArgs
---@field path string the link (not followed)
---@field target string what it points to

---@class bramble.LineInFileArgs
---@field path string
---@field line string one line, without a newline
---@field match string? a regular expression (not a Lua pattern): the first matching line is replaced
---@field create boolean? make the file when missing (default false)
---@field mode bramble.Mode?

---@class bramble.RemoveArgs
---@field path string a file, link or whole tree (backed up first)

---Options shared by `run` and `chroot`; the argv is the table's array part.
---@class bramble.CommandOptions
---@field [integer] string the argv: {"exportfs", "-ra"}
---@field creates string? skip (status ok) when this path exists
---@field unless string[]? skip when this command exits 0 (a plan does not run it: unknown)
---@field effects string[]? the paths the command changes (must be writable; a plan reports changed)
---@field env table<string, string>? variables added to the clean environment
---@field stdin string?
---@field timeout number? seconds (default 3600; exit 124 when hit)
---@field check boolean? false: return a non-zero exit instead of failing (default true)

---@class bramble.RunArgs: bramble.CommandOptions
---@field cwd string?

---@class bramble.ChrootArgs: bramble.CommandOptions
---@field root string a declared image root (the playbook's chroot list, or --allow-chroot)

---@class bramble.DracutArgs
---@field output string the initramfs to write (made 0644)
---@field kver string kernel version, e.g. "3.10.0-1160.el7.x86_64"
---@field add string[]? dracut modules to add (--add)
---@field drivers string[]? kernel drivers to add (--add-drivers)
---@field omit string[]? dracut modules to leave out (--omit)
---@field modules string[]? the exact module list (--modules)
---@field hostonly boolean? true: for this machine only (default false: --no-hostonly)
---@field kmoddir string? where the kernel's modules are (an image's /lib/modules/KVER)
---@field sysroot string?
---@field compress string?
---@field extra_args string[]?

---@class bramble.Export
---@field path string
---@field clients string e.g. "172.25.2.0/24"
---@field options string? default "rw,sync,no_subtree_check"

---@class bramble.ExportfsArgs
---@field entries bramble.Export[] the marked block of /etc/exports (other lines are kept)
---@field file string? default "/etc/exports"
---@field reload boolean? run `exportfs -ra` when the block changed (default true)

---@class bramble.ServiceArgs
---@field name string a systemd unit, "dnsmasq" or "nfs-server.service"
---@field enabled boolean?
---@field state ("started"|"restarted"|"stopped"|"reloaded")?
---@field root string? a declared image root: only enabling works, through `systemctl --root`

---@class bramble.PackageArgs
---@field names string[]
---@field manager "yum"|"dnf"|"apt"|"debootstrap"
---@field root string? install into this image root (--installroot, apt inside it, debootstrap target)
---@field release string? yum/dnf --releasever (default "/"), or the debootstrap suite
---@field suite string? the debootstrap suite (default: release, else "bookworm")
---@field mirror string? debootstrap's mirror URL
---@field variant string? debootstrap's variant (default "minbase")
---@field extra_args string[]?

---@class bramble.SyncArgs
---@field src string
---@field dest string
---@field excludes string[]? rsync --exclude patterns
---@field delete boolean? rsync --delete

---The policy in force: what may be written, run and chrooted into.
---@class bramble.Policy
---@field write string[] subtrees that may be written
---@field run string[] program names or absolute paths
---@field chroot string[] image roots

---@alias bramble.HostKind "local"|"plan"|"fake"

---------------------------------------------------------------------------------------------------
-- The bramble table

---The Bramble API (docs/api.md). Read-only. Every mutating primitive takes one table, checks the policy,
---is idempotent and atomic, backs up what it replaces, and writes one audit record.
---@class bramblelib
---@field test bramble.testlib only in specs (`bramble test`)
bramble = {}

---Ensures `path` holds `content` with `mode`, `owner` and `group`.
---@param args bramble.WriteFileArgs
---@return bramble.Result
function bramble.write_file(args) end

---Renders a Mustache template as text (no HTML escaping) and installs it like write_file.
---A name the template uses that `values` lacks is an error naming it.
---@param args bramble.TemplateArgs
---@return bramble.Result
function bramble.template(args) end

---Ensures a folder (and its missing parents).
---@param args bramble.DirectoryArgs
---@return bramble.Result
function bramble.directory(args) end

---Copies a file, or a whole tree keeping modes and symlinks, touching only entries that differ.
---@param args bramble.CopyArgs
---@return bramble.Result
function bramble.copy(args) end

---Ensures `path` is a symbolic link to `target`.
---@param args bramble.SymlinkArgs
---@return bramble.Result
function bramble.symlink(args) end

---Ensures `line` is in the file: replaces the first line matching `match`, else appends it.
---@param args bramble.LineInFileArgs
---@return bramble.Result
function bramble.line_in_file(args) end

---Removes a file, link or whole tree; everything removed is backed up for undo.
---@param args bramble.RemoveArgs
---@return bramble.Result
function bramble.remove(args) end

---Runs a program from an argv array (never a shell line), with a clean environment and a timeout.
---@param args bramble.RunArgs
---@return bramble.RunResult
function bramble.run(args) end

---Runs a program inside a declared image root, with /proc, /sys and /dev bound for its lifetime.
---@param args bramble.ChrootArgs
---@return bramble.RunResult
function bramble.chroot(args) end

---Builds an initramfs for a kernel, then makes it 0644; rebuilt only when needed.
---@param args bramble.DracutArgs
---@return bramble.Result
function bramble.dracut(args) end

---Manages NFS exports in a marked block of /etc/exports and reloads with `exportfs -ra` when it changed.
---@param args bramble.ExportfsArgs
---@return bramble.Result
function bramble.exportfs(args) end

---Enables/disables a systemd unit and starts/restarts/stops/reloads it.
---@param args bramble.ServiceArgs
---@return bramble.Result
function bramble.service(args) end

---Installs the packages that are missing, on the head or into an image root.
---@param args bramble.PackageArgs
---@return bramble.Result
function bramble.package(args) end

---`rsync -a --numeric-ids` one tree into another; nothing runs when nothing differs.
---@param args bramble.SyncArgs
---@return bramble.Result
function bramble.sync(args) end

---The file's content, or nil when absent. Credentials are refused.
---@param path string
---@return string?
function bramble.read_file(path) end

---Whether something is at `path`.
---@param path string
---@return boolean
function bramble.exists(path) end

---The sorted names in a folder; {} when absent.
---@param path string
---@return string[]
function bramble.list_dir(path) end

---Kernel versions from vmlinuz-* in /boot (or `bootdir`), oldest first.
---@param bootdir string?
---@return string[]
function bramble.kernels(bootdir) end

---The fields of /etc/os-release (of an image with `root`): {ID = "centos", VERSION_ID = "7", ...}.
---@param root string?
---@return table<string, string>
function bramble.os_release(root) end

---Which host this run acts on.
---@return bramble.HostKind
function bramble.host_kind() end

---The policy in force.
---@return bramble.Policy
function bramble.policy() end

---Names the step recorded with the following actions (the engine calls it).
---@param name string
function bramble.step(name) end

---An audit record of kind `log`.
---@param message string
function bramble.log(message) end

---A playbook's manifest: accepted once, before the first action, only in runs started by
---apply/plan/render/test; refused (and logged) otherwise.
---@param policy bramble.Policy
function bramble.declare_policy(policy) end

---------------------------------------------------------------------------------------------------
-- The site table (stdlib/bramble/site.lua; docs/site.md)

---@alias bramble.FamilyName "el7"|"el9"|"debian12"

---A site file returns one of these. `---@type bramble.Site` above it checks it in the editor;
---`bramble validate` checks everything else.
---@class bramble.Site
---@field name string? cluster name; names /etc/dnsmasq.d/NAME.conf (default "diskless")
---@field family bramble.FamilyName
---@field head bramble.SiteHead
---@field network bramble.SiteNetwork
---@field paths bramble.SitePaths?
---@field image bramble.SiteImage?
---@field nfs bramble.SiteNfs?
---@field pxe bramble.SitePxe?
---@field scratch (bramble.SiteScratch|false)? node-local disk on /tmp (default false: none)
---@field nodes bramble.Node[]? (default {})
---@field hooks string? the hooks file, relative to the site's folder (read by the command line)

---@class bramble.SiteHead
---@field name string? the head's host name (default "head")
---@field ip string the head's address on the cluster network
---@field interface string the head's NIC on the cluster network

---@class bramble.SiteNetwork
---@field subnet string e.g. "172.25.2.0/24"
---@field dynamic_range ([string, string]|false)? addresses for machines not in nodes (default false: none)
---@field lease string? seconds, or a number with m/h/d/w, or "infinite" (default "12h")

---@class bramble.SitePaths
---@field nfs_root string? the node image, mounted as / by every node (default "/nfs")
---@field node_dirs string? NODE_DIRS/NAME/var is node NAME's /var (default "/client_nodes")
---@field shared string[]? folders exported to the nodes at the same place (default {"/mnt"})
---@field tftp_root string? (default "/srv/tftp")
---@field boot_file string? BIOS loader relative to tftp_root (default "pxelinux/pxelinux.0")

---@class bramble.SiteImage
---@field method ("installroot"|"rsync")? (default "installroot")
---@field packages string[]? installroot packages (default: the family's)
---@field release string? yum/dnf --releasever or debootstrap suite (default: the family's)
---@field mirror (string|false)? debootstrap's mirror URL, debian12 only (default false)
---@field excludes string[]? rsync excludes (default /proc/* /sys/* /dev/* /run/* /tmp/* /media/* /lost+found)
---@field kernel (string|false)? kernel the nodes boot (default false: the image's newest, else the head's)
---@field extra_args string[]? extra arguments for the image's package manager (default {})

---@class bramble.SiteNfs
---@field backend ("kernel"|"ganesha")? (default "kernel")
---@field options string? export options (default "rw,async,no_root_squash")
---@field mount_options string? the nodes' fstab options (default "defaults,rsize=32768,wsize=32768,intr")

---@class bramble.SitePxe
---@field kernel_args string? appended to the nodes' kernel command line (default "")
---@field tftp_secure boolean? dnsmasq's tftp-secure (default false)
---@field uefi bramble.SiteUefi?

---@class bramble.SiteUefi
---@field enabled boolean? also boot UEFI x86-64 clients (default false)
---@field boot_file string? UEFI loader relative to tftp_root (default: the family's)

---@class bramble.SiteScratch
---@field device string e.g. "/dev/sda"
---@field fstype ("xfs"|"ext4")? (default "xfs")

---One node; any other field is free and reaches templates and hooks.
---@class bramble.Node
---@field name string host name (letters, digits, '-'; no dots)
---@field mac string "52:54:00:25:02:02" (any case, ':' or '-'; normalised to lower case with ':')
---@field ip string
---@field [string] any

---------------------------------------------------------------------------------------------------
-- Families (stdlib/bramble/families.lua)

---@class bramble.Family
---@field title string
---@field manager "yum"|"dnf"|"apt"
---@field programs string[]
---@field packages string[] head packages every cluster needs
---@field nfs table<"kernel"|"ganesha", {unit: string, packages: string[]}>
---@field services {dnsmasq: string}
---@field selinux_configs string[]|false the real file first; false: no SELinux
---@field syslinux {src: string, optional: boolean?}[] BIOS loader files copied beside the boot file
---@field uefi bramble.FamilyUefi
---how the nodes' initramfs is built
---@field dracut {add: string[]?, modules: string[]?, omit: string[]?, drivers: string[]?, compress: string?}
---@field image {manager: string, programs: string[], release: string, packages: string[]}
---@field network_cleanup {remove: {dir: string, globs: string[]}[], write: {path: string, content: string}[]}
---@field rc_local {path: string, service: string, unit: string|false}

---@class bramble.FamilyUefi
---@field boot_file string
---@field packages string[]
---@field files {src: string}[]
---@field menu "grub"|"syslinux"
---@field linux string? grub's linux command (linuxefi on el7)
---@field initrd string? grub's initrd command

---------------------------------------------------------------------------------------------------
-- Hooks, ctx and playbooks (stdlib/bramble/engine.lua; docs/hooks.md)

---@alias bramble.StepName
---| "packages"
---| "dracut-conf"
---| "selinux"
---| "dnsmasq"
---| "nfs"
---| "image"
---| "fstab"
---| "boot-files"
---| "pxe-menu"
---| "node-var"
---| "rc-local"
---| string # an extra step

---@alias bramble.HandlerName "restart-dnsmasq"|"restart-nfs"|string

---@alias bramble.HookFunction fun(ctx: bramble.Context)

---What a hooks file returns. Annotate it with `---@type bramble.Hooks`.
---@class bramble.Hooks
---@field before table<bramble.StepName, bramble.HookFunction>? run before a step's body
---@field after table<bramble.StepName, bramble.HookFunction>? run after it
---@field replace table<bramble.StepName, bramble.HookFunction>? run instead of it
---@field steps bramble.ExtraStep[]? extra steps (at the end unless `after` or `before` places them)
---@field values (table<string, any>|fun(site: bramble.Site): table<string, any>)? extra template values

---@class bramble.ExtraStep
---@field name string letters, digits, '_' and '-'
---@field run bramble.HookFunction
---@field after bramble.StepName? insert after this step
---@field before bramble.StepName? insert before this step (not both)
---@field describe string?

---What every step, hook and handler gets.
---@class bramble.Context
---@field site bramble.Site the validated site, every default filled in
---@field family bramble.Family
---@field paths bramble.SitePaths site.paths, normalised and filled in
---@field mode "apply"|"plan"|"render" specs run "apply"
---@field values table<string, any> the values every template gets (hooks' values win)
---@field values_with fun(own: table<string, any>): table<string, any> ctx.values plus a step's own (hooks' still win)
---@field notify fun(handler: bramble.HandlerName) run this handler once, after the last step
---@field changed fun(result: bramble.Result, handler: bramble.HandlerName): bramble.Result notify unless result.status == "ok"

---A step of a playbook.
---@class bramble.Step
---@field name string
---@field describe string?
---@field run bramble.HookFunction
---@field when (fun(ctx: bramble.Context): boolean, string?)? false and a reason when the step does not apply

---What a playbook file returns (stdlib/playbooks/diskless.lua; `--playbook FILE`).
---@class bramble.Playbook
---@field name string
---@field steps bramble.Step[]
---@field handlers table<string, bramble.HookFunction>
---@field policy fun(site: bramble.Site, family: bramble.Family): bramble.Policy declared once before the first step
---@field values (fun(site: bramble.Site, family: bramble.Family): table<string, any>)? values every template gets

---------------------------------------------------------------------------------------------------
-- Specs (stdlib/bramble/testing.lua; docs/testing.md)

---@class bramble.testlib
bramble.test = {}

---A scripted answer to a command on the fake host.
---@class bramble.test.Stub
---@field exit integer? (default 0)
---@field stdout string?
---@field stderr string?

---@class bramble.test.Options
---@field site string|bramble.Site a site file (relative to the spec's folder) or table
---@field fixture ("el7"|"el9"|"debian12"|string)? a built-in fixture or a folder (default "el7")
---@field hooks (string|bramble.Hooks)? a hooks file (relative to the spec's folder) or table
---@field playbook string? a bundled playbook name or a file (default "diskless")
---@field only bramble.StepName[]?
---@field skip bramble.StepName[]?
---@field twice boolean? apply again on the same fake host; r.second is that run's summary
---@field files table<string, string>? files added to the fixture: {[path] = content}
---@field commands table<string, bramble.test.Stub>? scripted answers: {["argv joined by spaces"] = {exit =, stdout =}}

---Counts of each status in a run.
---@class bramble.Summary
---@field ok integer
---@field changed integer
---@field unknown integer
---@field skipped integer
---@field failed integer
---@field denied integer

---A validation problem.
---@class bramble.Problem
---@field file string
---@field line integer?
---@field node string?
---@field field string? e.g. "nodes[1].ip"
---@field message string

---A command the fake host ran.
---@class bramble.test.Command
---@field argv string[]
---@field chroot string? the image root, for a command run inside one

---@class bramble.test.Result
---@field ok boolean the site was valid and the run raised no error
---@field summary bramble.Summary
---@field second bramble.Summary? the second run's, with twice = true
---@field second_error string?
---@field problems bramble.Problem[] validation problems ({} when valid)
---@field error string? the error that ended the run
local Result = {}

---The file's content, or nil (symlinks followed).
---@param path string
---@return string?
function Result:file(path) end

---The mode as "0644", or nil (symlinks followed).
---@param path string
---@return string?
function Result:mode(path) end

---A symlink's target, or nil.
---@param path string
---@return string?
function Result:link(path) end

---Whether something is at exactly `path` (symlinks not followed).
---@param path string
---@return boolean
function Result:exists(path) end

---The sorted names in a folder ({} when absent).
---@param path string
---@return string[]
function Result:list(path) end

---Every command run, in order.
---@return bramble.test.Command[]
function Result:commands() end

---Whether some command's argv starts with these words.
---@param prefix string[]
---@return boolean
function Result:ran(prefix) end

---Runs a playbook on a fake head node and returns what it made.
---@param opts bramble.test.Options
---@return bramble.test.Result
function bramble.test.apply(opts) end

---@class bramble.Matchers
---@field never bramble.Matchers the same matchers, negated
local Matchers = {}

---`value == x`
---@param x any
function Matchers.to_be(x) end

---Tables equal key by key, deeply.
---@param x any
function Matchers.to_equal(x) end

---A string containing `s` (plain text).
---@param s string
function Matchers.to_contain(s) end

---A string matching the Lua pattern `p`.
---@param p string
function Matchers.to_match(p) end

---Neither nil nor false.
function Matchers.to_be_truthy() end

---`value == nil`
function Matchers.to_be_nil() end

---Groups tests; names nest as "outer > inner > test".
---@param name string
---@param fn fun()
function describe(name, fn) end

---One test: passes unless `fn` raises an error.
---@param name string
---@param fn fun()
function it(name, fn) end

---The matchers for `value`: expect(conf).to_contain("interface=eth0"), expect(x).never.to_be_nil().
---@param value any
---@return bramble.Matchers
function expect(value) end
