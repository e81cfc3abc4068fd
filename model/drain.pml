/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel consumer's drain and its last record (kmod/kcons.c,
 * Documentation/userspace-api/logbuf.rst, "The last record").
 *
 * A user producer commits N records, rings the doorbell when the consumer
 * announced sleep, and closes its end: the kernel sets NO_PROD and queues
 * the drain.  The drain is a work item: queueing it while it is pending
 * does nothing; queueing it while it runs makes it run once more.  Each
 * run looks at the head until it finds it empty, then either finishes
 * (only when NO_PROD was seen before that look) or announces the sleep and
 * looks once more.  Checked: when everything has stopped, every committed
 * record was delivered, and the drain is finished.
 *
 * The producer also aborts claims (skip records), and a look passes over
 * at most B skips (the 256 KiB bound of a run): a look that stops there
 * has not found the head empty.
 *
 * Variants that must FAIL:
 * -DOLD_DRAIN: the drain before the fix, which decided it was finished
 *	from a NO_PROD seen after the look;
 * -DBOUND_IS_EMPTY: a look stopped by its bound taken for an empty head.
 */
#define N	4	/* claims: skip, skip, record, record */
#define NREC	2
#define B	1	/* skips one look may pass */
#define RECK	1
#define SKIPK	2

byte ring[N];		/* commit words, in order: 0, RECK or SKIPK */
byte head;		/* the drain's position */
byte delivered;
bit waiting = 1;	/* the drain starts asleep */
bit no_prod;
bit pending;		/* the work item is queued */
bit running;
bit finished;		/* kc->done */
bit prod_gone;

inline kick()
{
	pending = 1
}

proctype producer()
{
	byte i = 0;

	do
	:: i < N ->
		ring[i] = (i < 2 -> SKIPK : RECK);	/* abort, then commit */
		/* notify: full barrier, then look at WAITING */
		atomic {
			if
			:: waiting -> waiting = 0; kick()
			:: else
			fi
		};
		i++
	:: else -> break
	od;
	/* the last producer end closes: NO_PROD (release), then the kick */
	no_prod = 1;
	kick();
	prod_gone = 1
}

proctype drain()
{
	bit gone, more;
	byte skipped;

end:	do
	:: atomic { pending && !running -> pending = 0; running = 1 };
		if
		:: finished -> skip
		:: else ->
			more = 1;
			do
			:: more ->
				gone = no_prod;	/* acquire, before the look */
				skipped = 0;
				/* the look: skips, at most B of them */
				do
				:: head < N && ring[head] == SKIPK && skipped < B ->
					head++; skipped++
				:: else -> break
				od;
				if
				:: head < N && ring[head] == RECK ->
					delivered++; head++
				:: else ->
#ifdef OLD_DRAIN
					if
					:: no_prod -> more = 0
					:: else ->
						waiting = 1;
						more = head < N && ring[head]
					fi
#else
					if
					:: gone ->
#ifndef BOUND_IS_EMPTY
						if
						:: head < N && ring[head] -> skip
						:: else -> finished = 1; more = 0
						fi
#else
						finished = 1; more = 0
#endif
					:: else ->
						waiting = 1;
						/* barrier, then look again */
						more = head < N && ring[head]
					fi
#endif
				fi
			:: else -> break
			od;
#ifdef OLD_DRAIN
			/* after the loop: NO_PROD now means done */
			if
			:: no_prod -> finished = 1
			:: else
			fi
#endif
		fi;
		running = 0
	od
}

init
{
	atomic {
		run producer();
		run drain()
	}
	/* everything stopped: nothing queued, nothing running */
	(prod_gone && !pending && !running);
	assert(finished && delivered == NREC)
}
