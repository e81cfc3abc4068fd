#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every .rst under Documentation/ parses with docutils without a warning
# (malformed tables, broken inline markup, unknown targets).  The kernel's
# own directive (kernel-doc) is accepted as it is; Debian's python3 and
# python3-docutils do the parsing.  Then every name() of logbuf's namespace
# that the docs, the README and the man pages cite is one the code defines
# (doc-names.py).  Prints TAP, one result per file and one for the names.
set -u
cd "$(dirname "$0")/../.."
files=$(find Documentation -name '*.rst' | sort)
echo "1..$(($(echo "$files" | wc -l) + 1))"
i=0
for f in $files; do
	i=$((i + 1))
	out=$(/usr/bin/python3 - "$f" 2>&1 <<'PY'
import sys
import docutils.core
from docutils.parsers.rst import Directive, directives

class KernelDoc(Directive):
    """Sphinx's kernel-doc extension: out of scope here."""
    required_arguments = 1
    optional_arguments = 0
    final_argument_whitespace = True
    option_spec = {"export": directives.unchanged,
                   "internal": directives.unchanged,
                   "functions": directives.unchanged,
                   "identifiers": directives.unchanged,
                   "doc": directives.unchanged}
    has_content = False

    def run(self):
        return []

directives.register_directive("kernel-doc", KernelDoc)
src = open(sys.argv[1]).read()
docutils.core.publish_doctree(src, source_path=sys.argv[1], settings_overrides={
    "report_level": 2, "halt_level": 5, "syntax_highlight": "none"})
PY
)
	if [ -z "$out" ]; then
		echo "ok $i $f"
	else
		echo "$out" | sed 's/^/# /'
		echo "not ok $i $f"
	fi
done
i=$((i + 1))
if out=$(/usr/bin/python3 scripts/checks/doc-names.py 2>&1); then
	echo "$out"
	echo "ok $i names_cited_are_defined"
else
	echo "$out" | sed 's/^/# /'
	echo "not ok $i names_cited_are_defined"
fi
