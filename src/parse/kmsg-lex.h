/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Lexical helpers of the kernel log's line parsers (pure). Each takes the
 * position to parse, NULL included (then it fails), and returns the position
 * after what it read, or NULL.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* PREFIX at the start of s: the rest, or NULL. */
const char *kl_skip(const char *s, const char *prefix);
/* Hexadecimal number, "0x" optional unless need_0x; at most 16 digits. */
const char *kl_parse_hex(const char *s, uint64_t *v, bool need_0x);
/* Decimal number without sign, at most 19 digits. */
const char *kl_parse_dec(const char *s, uint64_t *v);
/* A character of a device-like name: letters, digits, ":._-+@". */
bool kl_name_char(char c);
/* Copy [s, e) into buf when it is a non-empty device-like name that fits. */
bool kl_copy_name(const char *s, const char *e, char *buf, size_t cap);
/*
 * The dev_printk prefix "<driver> <device>: " that ends exactly at AT.
 * Fills drv and dev; false when [text, at) is anything else.
 */
bool kl_dev_prefix(const char *text, const char *at, char *drv, size_t dcap, char *dev, size_t cap);
/* PCI "bb:dd.f" or "ssss:bb:dd.f", each field hex with an optional "0x". */
const char *kl_parse_bdf(const char *s, char *buf, size_t cap);
