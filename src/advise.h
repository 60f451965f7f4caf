/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "model.h"

/* Fill every device's advice from the model. Pure: no I/O. */
int advise_system(struct di_system *sys);

/* One device; a is zeroed first. Pure. */
int advise_device(const struct di_system *sys, const struct di_device *d, struct advice *a);
