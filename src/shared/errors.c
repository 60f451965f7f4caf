/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "shared/errors.h"

const char *di_strerror(int err)
{
	switch (err < 0 ? -err : err) {
	case RFS_ENOTREG:
		return "not a regular file";
	case RFS_ETOOBIG:
		return "larger than the read limit";
	case RFS_ESCAPE:
		return "path leads outside the directory";
	case RFS_ETIMEOUT:
		return "did not answer in time (blocked in the kernel?)";
	case DB_ENOTREPORTED:
		return "not reported by this kernel";
	case DB_ESNAPSHOT:
		return "not probed: a snapshot holds no file to probe";
	case DB_ENOTPROBED:
		return "not probed by bufs (dmainspect buf probes a buffer)";
	case DB_EWOULDWAIT:
		return "not probed: unsignalled write fences, DMA_BUF_IOCTL_SYNC would wait for them";
	case DB_ETIMEDOUT:
		return "the ioctl did not return within 2 seconds";
	case DB_ENOTLISTED:
		return "not listed in debugfs dma_buf/bufinfo";
	case DB_EMAPONLY:
		return "known from a mapping only (/proc/PID/maps has no size or exporter)";
	case DB_ENOINODE:
		return "no inode number to find the buffer in bufinfo";
	case DB_EPIDFILTER:
		return "not counted with --pid: only the given processes were scanned";
	case DB_EUNKNOWNVAL:
		return "a value dmainspect does not know (the raw value is beside it)";
	case DB_ENOIOCTL:
		return "not supported by this kernel (unknown ioctl)";
	case DB_ESIGNALLEDNAMES:
		return "not printed: this kernel's bufinfo leaves the names of a signalled fence empty";
	case DB_ENOTPRINTED:
		return "not printed by this kernel's bufinfo";
	case DI_ENOHIWATER:
		return "not provided by this kernel: debugfs io_tlb_used_hiwater appeared in 6.4";
	case DI_ENOTRANSIENT:
		return "not provided by this kernel: io_tlb_transient_nslabs needs CONFIG_SWIOTLB_DYNAMIC "
		       "(6.6 and later)";
	case DI_EUNDERFLOW:
		return "the kernel reported 2^64-1, an underflowed count (a bug of 6.4 to 6.8): unknown";
	default:
		return strerror(err < 0 ? -err : err);
	}
}
