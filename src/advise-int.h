/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Between the advisor's files: the device-tree rules (advise-dt.c). Pure. */
#pragma once

#include "model.h"

/* A restricted DMA pool makes every mapping bounce: 1 with the reason added, else 0. */
int advise_restricted(const struct di_system *sys, const struct di_device *d, struct advice *a);
/* Notes on coherency, restricted pools the device does not get, coherent pools. */
void advise_dt_notes(const struct di_system *sys, const struct di_device *d, struct advice *a);
