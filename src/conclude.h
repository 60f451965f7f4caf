/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Conclusions drawn from the collected model, each with its source: the
 * IOMMU policy, forced bouncing, exhaustion, which devices' DMA can bounce,
 * the restricted pool each device gets, kmalloc bouncing for non-coherent
 * devices. Pure: no I/O. The advisor and the
 * views read them; each rule is decided here once.
 */
#pragma once

#include "model.h"

/* Every conclusion below, in order: run once the model is collected. */
void system_conclude(struct di_system *sys);

/* The IOMMU policy's conclusions, each with its source. */
void iommu_conclude(struct di_system *sys);
/* Forced bouncing, exhaustion advice, devices that can bounce. */
void swiotlb_conclude(struct di_system *sys);
/* The non-coherent devices, and whether their small kmalloc buffers bounce. */
void kmalloc_conclude(struct di_system *sys);
/* nslabs to suggest after exhaustion (0: a bigger pool does not help). */
long long swiotlb_suggest_nslabs(long long nslabs, long long largest_bytes);
