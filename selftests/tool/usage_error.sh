#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An unknown command is a usage error: status 2.
. "$(dirname "$0")/lib.sh"
"$TOOL" frobnicate 2>/dev/null
test $? = 2
