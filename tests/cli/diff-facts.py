#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The facts `dmainspect diff` must report, as "section|item|key|change|a|b"
lines, for tests/cli/diff.sh and the real-kernel suite.

  diff-facts.py expected ROOT_A ROOT_B   what the two trees' own files say:
      osrelease, cmdline, each PCI function's driver link, its group's type
      and dma_mask_bits, and the groups counted by type
  diff-facts.py reported FILE            the same lines from `diff --json`
"""
import glob
import json
import os
import re
import sys


def read(p):
    try:
        with open(p) as f:
            return f.read().strip()
    except OSError:
        return None


def facts(root):
    f = {("kernel", None, "release"): read(root + "/proc/sys/kernel/osrelease"),
         ("kernel", None, "command line"): read(root + "/proc/cmdline")}
    devs = {}
    for d in sorted(glob.glob(root + "/sys/bus/pci/devices/*")):
        name = os.path.basename(d)
        drv = os.path.basename(os.readlink(d + "/driver")) if os.path.islink(d + "/driver") else None
        grp = os.path.basename(os.readlink(d + "/iommu_group")) if os.path.islink(d + "/iommu_group") else None
        dom = read(root + "/sys/kernel/iommu_groups/%s/type" % grp) if grp else None
        mask = read(d + "/dma_mask_bits")
        devs[name] = {"driver": drv, "iommu_domain": dom, "dma_mask_bits": int(mask) if mask else None}
    groups = {}
    for t in glob.glob(root + "/sys/kernel/iommu_groups/*/type"):
        v = read(t)
        groups[v] = groups.get(v, 0) + 1
    return f, devs, groups


def show(v):
    if isinstance(v, bool):
        return str(v).lower()
    return "-" if v is None else str(v)


def expected(root_a, root_b):
    (fa, da, ga), (fb, db, gb) = facts(root_a), facts(root_b)
    out = []
    for k in fa:
        if fa[k] != fb[k]:
            out.append((k[0], "", k[2], "changed", show(fa[k]), show(fb[k])))
    for name in sorted(set(da) | set(db)):
        if name not in db:
            out.append(("devices", name, "", "removed", "", ""))
        elif name not in da:
            out.append(("devices", name, "", "added", "", ""))
        else:
            for key in da[name]:
                if da[name][key] != db[name][key]:
                    out.append(("devices", name, key, "changed", show(da[name][key]), show(db[name][key])))
    for t in sorted(set(ga) | set(gb)):
        if t not in gb:
            out.append(("iommu", "groups by type", t, "removed", show(ga[t]), "-"))
        elif t not in ga:
            out.append(("iommu", "groups by type", t, "added", "-", show(gb[t])))
        elif ga[t] != gb[t]:
            out.append(("iommu", "groups by type", t, "changed", show(ga[t]), show(gb[t])))
    for o in sorted(out):
        print("|".join(o))


def reported(path):
    out = []
    for c in json.load(open(path))["diff"]["changes"]:
        s, item, key, ch = c["section"], c["item"], c["key"], c["change"]
        if s == "kernel":
            out.append((s, "", item, ch, show(c["a"]), show(c["b"])))
        elif s == "devices" and re.match(r"^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$", item):
            if key is None:
                out.append((s, item, "", ch, "", ""))
            elif key in ("driver", "iommu_domain", "dma_mask_bits"):
                out.append((s, item, key, ch, show(c["a"]), show(c["b"])))
        elif s == "iommu" and item == "groups by type":
            out.append((s, item, key, ch, show(c["a"]), show(c["b"])))
    for o in sorted(out):
        print("|".join(o))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "expected":
        expected(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "reported":
        reported(sys.argv[2])
    else:
        sys.exit(__doc__)
