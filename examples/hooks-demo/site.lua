-- A small EL7 lab cluster that shows hooks (hooks.lua) and a site template (pxelinux.cfg.mustache).
return {
  name = "lab",
  family = "el7",
  head = { name = "lab-head", ip = "10.20.0.1", interface = "eth1" },
  network = { subnet = "10.20.0.0/24", dynamic_range = { "10.20.0.200", "10.20.0.220" } },
  nodes = {
    { name = "lab1", mac = "52:54:00:20:00:01", ip = "10.20.0.11" },
    -- kernel_args is an extra field; hooks.lua gives this node a menu of its own
    { name = "lab2", mac = "52:54:00:20:00:02", ip = "10.20.0.12", kernel_args = "console=ttyS0,115200" },
  },
}
