#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# examples/channel_demo.c, as its comment says: 20,000 records.
. "$(dirname "$0")/lib.sh"
"$EX/channel_demo" 20000
