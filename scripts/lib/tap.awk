# SPDX-License-Identifier: GPL-2.0
#
# Count TAP results of test programs framed by
#   ### BEGIN <name>   ...TAP...   ### END <name> rc=<exit status>
# A program that ran fewer tests than its plan, exited non-zero without a
# failing test, or never reached its END line counts as failed too.
# Prints "N passed, N failed, N skipped" last; exits 1 on any failure.

function close_prog(rc) {
	if (plan > ran) {
		printf "# %s: %d planned tests did not run\n", name, plan - ran
		failed += plan - ran
	} else if (rc != 0 && !progfail) {
		printf "# %s: exited %d without a failing test\n", name, rc
		failed++
	}
	open = 0
}

/^### BEGIN / {
	if (open) {
		printf "# %s: no END line (crashed?)\n", name
		close_prog(1)
	}
	name = $3; plan = 0; ran = 0; progfail = 0; open = 1
	next
}
/^### END / {
	rc = $4; sub(/^rc=/, "", rc)
	close_prog(rc + 0)
	next
}
!open { next }
/^1\.\.[0-9]+/ { plan = substr($1, 4) + 0; next }
/^ok [0-9]+ .*# SKIP/ || /^ok [0-9]+ # SKIP/ { skipped++; ran++; next }
/^ok [0-9]+/ { passed++; ran++; next }
/^not ok [0-9]+/ {
	failed++; ran++; progfail = 1
	printf "# FAILED: %s: %s\n", name, $0
	next
}
END {
	if (open) {
		printf "# %s: no END line (crashed?)\n", name
		close_prog(1)
	}
	printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped
	exit failed ? 1 : 0
}
