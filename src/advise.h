/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "model.h"

/* Fill every device's advice from the model. Pure: no I/O. */
int advise_system(struct di_system *sys);

