/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The error codes dmainspect defines beyond errno, and one function that
 * names every code, errno's and these. Errors travel as negative numbers
 * (-errno, -RFS_ETOOBIG); di_strerror() takes either sign.
 */
#pragma once

enum {
	/* The rooted reader (rootfs.c). */
	RFS_ENOTREG = 10000,	/* not a regular file (FIFO, socket, device...) */
	RFS_ETOOBIG,		/* larger than the read limit */
	RFS_ESCAPE,		/* resolution would leave the directory */
	RFS_ETIMEOUT,		/* a read did not return within the time limit */

	/* Why a dma-buf value is null. */
	DB_ENOTREPORTED = 10100,	/* DMA_BUF_IOCTL_INFO unknown to the kernel */
	DB_ESNAPSHOT,			/* a snapshot holds no file to probe */
	DB_ENOTPROBED,			/* bufs reads files only, it probes nothing */
	DB_EWOULDWAIT,			/* unsignalled write fences: SYNC would wait */
	DB_ETIMEDOUT,			/* the ioctl did not return within the limit */
	DB_ENOTLISTED,			/* bufinfo was read but does not list the inode */
	DB_EMAPONLY,			/* known from a mapping only: no fdinfo */
	DB_ENOINODE,			/* no inode to match bufinfo with */
	DB_ENOIOCTL,			/* the kernel does not know the ioctl (ENOTTY) */
	DB_EPIDFILTER,			/* not counted: only some processes were scanned */
	DB_EUNKNOWNVAL,			/* a value dmainspect cannot decode */
	DB_ESIGNALLEDNAMES,		/* 7.x prints no fence names once signalled */
	DB_ENOTPRINTED,			/* this kernel's bufinfo does not print the value */

	/* Why a value of the system model is null. */
	DI_ENOHIWATER = 10200,		/* no io_tlb_used_hiwater: a kernel before 6.4 */
	DI_ENOTRANSIENT,		/* no io_tlb_transient_nslabs: no CONFIG_SWIOTLB_DYNAMIC */
	DI_EUNDERFLOW,			/* a slab count of 2^64-1: the 6.4 to 6.8 underflow */
};

const char *di_strerror(int err);
