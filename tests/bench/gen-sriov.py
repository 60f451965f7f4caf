#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Write a sysroot with N PCI functions shaped like a large SR-IOV host.

Usage: gen-sriov.py ROOT N

Functions come in IOMMU groups of 8 (one slot: a physical function bound to
ice and seven virtual functions bound to iavf), all behind one Intel VT-d
unit (dmar0, with its intel-iommu/ attributes). Every function has the
attributes a 6.x kernel exports that dmainspect or lspci read (vendor,
device, class, revision, subsystem ids, DMA masks, numa_node, modalias,
irq, resource and a 256-byte config space), and the links subsystem,
driver (whose module link leads to /sys/module/<driver>), iommu_group and
iommu. The bus, group and unit directories link back to every function.
Used by tests/bench/list.sh and tests/bench/report.sh; not part of make check.
"""
import os
import struct
import sys

PER_GROUP = 8
VENDOR = 0x8086
PF = (0x1592, "ice")   # E810-C, the physical function
VF = (0x1889, "iavf")  # its adaptive virtual function
CLASS = 0x020000       # Ethernet controller
SUBSYS = (0x8086, 0x0002)
CAP = "d2008c40660462"  # a Sapphire Rapids DMAR unit
ECAP = "f050da"


def config_space(device):
    """The first 256 bytes of a type 0 header, as sysfs' config shows them."""
    c = bytearray(256)
    struct.pack_into("<HHHH", c, 0, VENDOR, device, 0x0406, 0x0010)
    c[0x08] = 0x02                                # revision
    c[0x09:0x0c] = bytes([CLASS & 0xff, (CLASS >> 8) & 0xff, CLASS >> 16])
    struct.pack_into("<HH", c, 0x2c, SUBSYS[0], SUBSYS[1])
    return bytes(c)


def write(path, data):
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode) as f:
        f.write(data)


def main():
    root, n = sys.argv[1], int(sys.argv[2])
    if n <= 0 or n % PER_GROUP:
        sys.exit(f"gen-sriov: N must be a positive multiple of {PER_GROUP}")
    s = os.path.join(root, "sys")
    top = os.path.join(s, "devices", "pci0000:00")
    unit = os.path.join(s, "devices", "virtual", "iommu", "dmar0")
    for d in ("bus/pci/devices", "kernel/iommu_groups", "class/iommu", "module"):
        os.makedirs(os.path.join(s, d), exist_ok=True)
    os.makedirs(top)
    os.makedirs(os.path.join(unit, "intel-iommu"))
    os.makedirs(os.path.join(unit, "devices"))
    for k, v in (("version", "1:0"), ("cap", CAP), ("ecap", ECAP), ("address", "fed90000"),
                 ("domains_supported", "65536"), ("domains_used", str(n // PER_GROUP + 1))):
        write(os.path.join(unit, "intel-iommu", k), v + "\n")
    os.symlink("../../devices/virtual/iommu/dmar0", os.path.join(s, "class/iommu/dmar0"))
    for dev, drv in (PF, VF):
        ddir = os.path.join(s, "bus/pci/drivers", drv)
        os.makedirs(ddir)
        os.symlink(f"../../../../module/{drv}", os.path.join(ddir, "module"))
        os.makedirs(os.path.join(s, "module", drv))
        write(os.path.join(s, "module", drv, "initstate"), "live\n")
    os.makedirs(os.path.join(root, "proc/sys/kernel"))
    write(os.path.join(root, "proc/sys/kernel/osrelease"), "6.12.0-bench\n")

    resource = "0x0000000000000000 0x0000000000000000 0x0000000000000000\n" * 13
    common = {
        "subsystem_vendor": f"0x{SUBSYS[0]:04x}\n", "subsystem_device": f"0x{SUBSYS[1]:04x}\n",
        "class": f"0x{CLASS:06x}\n", "revision": "0x02\n", "dma_mask_bits": "64\n",
        "consistent_dma_mask_bits": "64\n", "numa_node": "0\n", "irq": "0\n",
        "resource": resource, "removable": "fixed\n", "vendor": f"0x{VENDOR:04x}\n",
    }
    kind, kind_alias = {}, {}
    for dev, drv in (PF, VF):
        alias = (f"pci:v{VENDOR:08X}d{dev:08X}sv{SUBSYS[0]:08X}sd{SUBSYS[1]:08X}"
                 f"bc{CLASS >> 16:02X}sc{(CLASS >> 8) & 0xff:02X}i{CLASS & 0xff:02X}")
        kind_alias[dev] = alias
        attrs = dict(common, device=f"0x{dev:04x}\n", modalias=alias + "\n",
                     config=config_space(dev))
        # One copy of each attribute, hard-linked into every function: fast to
        # write, and reading a link costs what reading a file costs.
        tdir = os.path.join(root, "template", drv)
        os.makedirs(tdir)
        for attr, data in attrs.items():
            write(os.path.join(tdir, attr), data)
        kind[dev] = [(os.path.join(tdir, a), a) for a in attrs]

    # What pci_uevent() and dev_uevent() print.
    uevent = {dev: (f"DRIVER={drv}\nPCI_CLASS={CLASS:X}\nPCI_ID={VENDOR:04X}:{dev:04X}\n"
                    f"PCI_SUBSYS_ID={SUBSYS[0]:04X}:{SUBSYS[1]:04X}\nPCI_SLOT_NAME=@SLOT@\n"
                    f"MODALIAS={kind_alias[dev]}\n") for dev, drv in (PF, VF)}
    for g in range(n // PER_GROUP):
        gdir = os.path.join(s, "kernel/iommu_groups", str(g))
        os.makedirs(os.path.join(gdir, "devices"))
        write(os.path.join(gdir, "type"), "DMA-FQ\n")
        write(os.path.join(gdir, "reserved_regions"), "0x00000000fee00000 0x00000000feefffff msi\n")
        bus, slot = 1 + g // 32, g % 32
        for fn in range(PER_GROUP):
            dev, drv = PF if fn == 0 else VF
            name = f"0000:{bus:02x}:{slot:02x}.{fn}"
            d = os.path.join(top, name)
            os.mkdir(d)
            for src, attr in kind[dev]:
                os.link(src, os.path.join(d, attr))
            write(os.path.join(d, "uevent"), uevent[dev].replace("@SLOT@", name))
            os.symlink("../../../bus/pci", os.path.join(d, "subsystem"))
            os.symlink(f"../../../bus/pci/drivers/{drv}", os.path.join(d, "driver"))
            os.symlink(f"../../../kernel/iommu_groups/{g}", os.path.join(d, "iommu_group"))
            os.symlink("../../virtual/iommu/dmar0", os.path.join(d, "iommu"))
            os.symlink(f"../../../../devices/pci0000:00/{name}", os.path.join(gdir, "devices", name))
            os.symlink(f"../../../devices/pci0000:00/{name}", os.path.join(s, "bus/pci/devices", name))
            os.symlink(f"../../../../pci0000:00/{name}", os.path.join(unit, "devices", name))


if __name__ == "__main__":
    main()
