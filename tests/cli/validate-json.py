#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Validate JSON documents against data/dmainspect.schema.json.

Usage: validate-json.py SCHEMA FILE...  Prints one line per error; exit 1 on any.
"""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft202012Validator(schema)
bad = 0
for path in sys.argv[2:]:
    try:
        doc = json.load(open(path))
    except ValueError as e:
        print(f"{path}: not JSON: {e}")
        bad += 1
        continue
    for e in validator.iter_errors(doc):
        print(f"{path}: {'/'.join(map(str, e.absolute_path))}: {e.message}")
        bad += 1
sys.exit(1 if bad else 0)
