/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The wake-up handshake without a barrier per record, as a SPIN model: the
 * tracers' (kmod/tracer.c: logbuf_tracer_tick(), logbuf_tracer_arm();
 * lib/src/tracer.c: logbuf_emit()), checked before it was written;
 * channels still issue a full barrier before they look at WAITING, which
 * model/ring.pml checks.  A producer commits a record and then looks at the
 * doorbell flag with a plain load: no full barrier in between, so its
 * commit may still sit in its store buffer when it loads the flag (store
 * buffering, the one reordering x86 allows).  The kernel's drain runs on
 * ticks while the ring is busy; after an idle tick it arms the doorbell
 * (sets the flag, full barrier, looks again) and then ticks slowly instead
 * of sleeping for good.  A record whose commit raced with the arming is
 * picked up by the next slow tick.
 *
 * SPIN interleaves sequentially consistent steps, so the store buffer is
 * explicit: a commit goes into the producer's buffer and reaches memory at
 * any later step (or at the producer's own full barrier or exit); the
 * producer's loads see its own buffered commit (store forwarding).
 *
 * Time is ticks of a clock process, which advances only while the drain
 * waits and its wake-up condition does not hold yet: the drain (a timer in
 * the kernel) runs when its tick comes; the producer may be as slow as it
 * likes.  Checked in every interleaving:
 *   - every committed record is delivered, exactly once, in order (the
 *     model ends with all delivered, or it is an invalid end state),
 *   - no record stays visible and undelivered for more than SLOW ticks
 *     (the bound the documentation states: one slow tick).
 *
 * Variant that must FAIL (scripts/checks/model-check.sh):
 *   -DSLEEP_WHEN_ARMED  the drain sleeps for good once armed and empty, as
 *                       a doorbell with a barrier per record may.  A commit
 *                       whose producer does not ring (it loaded the flag
 *                       before the drain armed it: the race the barrier
 *                       closed; or it has not looked yet) then waits until
 *                       the producer rings again or leaves: the bound
 *                       fails.
 */
#define NREC	3	/* records the producer commits */
#define SLOW	2	/* ticks between the armed drain's looks */
#define C	2	/* ring slots */
#define NEVER	255

byte slot[C];		/* memory: 0 empty, else seq + 1 */
byte sb_seq;		/* the producer's store buffer: one pending commit */
byte sb_idx;
bit sb_full;
bit armed;		/* the doorbell flag (the kernel writes it) */
bit rung;		/* the doorbell rang (a system call) */
bit vis[NREC];		/* the commit reached memory */
byte age[NREC];		/* ticks since, while undelivered */
byte next;		/* next sequence to deliver */
bit prod_done;
bit drain_done;
byte since;		/* ticks since the drain began to wait */
byte want;		/* ticks the drain waits for (NEVER: none) */
bit waiting;		/* the drain waits (time passes only then) */

/* The store buffer drains into memory: the commit becomes visible. */
inline flush()
{
	atomic {
		if
		:: sb_full ->
			slot[sb_idx] = sb_seq + 1;
			vis[sb_seq] = 1;
			sb_full = 0
		:: else
		fi
	}
}

proctype producer()
{
	byte seq = 0, t = 0;

	do
	:: seq < NREC ->
		/* room: the slot is free (the drain zeroes what it took) */
		(slot[t % C] == 0 && !(sb_full && sb_idx == t % C));
		/* the commit: into the store buffer (one pending at most) */
		(!sb_full);
		atomic { sb_seq = seq; sb_idx = t % C; sb_full = 1 };
		/* the doorbell check: a plain load, no barrier before it */
		if
		:: armed -> rung = 1
		:: else
		fi;
		seq++;
		t++
	:: else -> break
	od;
	/* exit: the buffer drains, and the last close kicks the drain */
	flush();
	prod_done = 1
}

proctype buffer()
{
	do
	:: flush()
	:: drain_done -> break
	od
}

/* The drain's wake-up condition holds. */
#define AWAKE	(rung || since >= want || (prod_done && !sb_full))

proctype clock()
{
	byte i;

	do
	:: atomic {
		waiting && !AWAKE ->
		if
		:: since < SLOW -> since++	/* saturates: NEVER is never */
		:: else
		fi;
		i = 0;
		do
		:: i < NREC ->
			if
			:: vis[i] && i >= next ->
				age[i]++;
				/* the bound: one slow tick */
				assert(age[i] <= SLOW)
			:: else
			fi;
			i++
		:: else -> break
		od
	   }
	:: drain_done -> break
	od
}

proctype drain()
{
	byte h = 0;

	do
	:: next == NREC -> break
	:: else ->
		/* wait: the next tick, a slow tick when armed, a doorbell */
		atomic {
			since = 0;
#ifdef SLEEP_WHEN_ARMED
			want = (armed -> NEVER : 1);
#else
			want = (armed -> SLOW : 1);
#endif
			waiting = 1
		}
		(AWAKE);
		atomic { waiting = 0; rung = 0 };
		/* one tick's work: everything committed at the head */
		do
		:: slot[h % C] != 0 ->
			assert(slot[h % C] == next + 1);	/* in order, once */
			slot[h % C] = 0;
			next++;
			h++;
			armed = 0	/* busy: ticks again, unarmed */
		:: else -> break
		od;
		/* an idle tick arms: the flag, a full barrier, a look again */
		if
		:: next < NREC && !armed ->
			armed = 1;
			if
			:: slot[h % C] != 0 -> armed = 0
			:: else
			fi
		:: else
		fi
	od;
	drain_done = 1
}

init
{
	atomic {
		run producer();
		run buffer();
		run clock();
		run drain()
	}
}
