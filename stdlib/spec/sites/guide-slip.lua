-- The guide's own slip: its dhcp-host lines give s1 the head's address.
return {
  name = "slip",
  family = "el7",
  head = { name = "m0", ip = "172.25.2.101", interface = "eth0" },
  network = {
    subnet = "172.25.2.0/24",
    dynamic_range = { "172.25.2.50", "172.25.2.100" },
  },
  nodes = {
    {
      name = "s1",
      mac = "52:54:00:25:02:02",
      ip = "172.25.2.101",
    },
    { name = "s2", mac = "52:54:00:25:02:03", ip = "172.25.2.102" },
    { name = "s3", mac = "52:54:00:25:02:04", ip = "172.25.2.103" },
  },
}
