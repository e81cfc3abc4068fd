#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# examples/xproc_ring.c: 50,000 records from one process to another.
. "$(dirname "$0")/lib.sh"
need_module
"$EX/xproc_ring" 50000
