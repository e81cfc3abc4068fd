/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The logbuf ring protocol as a SPIN model (Documentation/userspace-api/
 * logbuf.rst, "The protocol, checked").  Two MPSC producers claim by CAS on
 * the tail, pad at the wrap with a skip record, write, then commit or abort
 * (a skip); the consumer follows headers, hands records out, and gives
 * space back zeroed in batches; it parks with the WAITING handshake and
 * producers wake it.  One unit stands for 8 bytes; the ring has C units.
 *
 * Checked in every interleaving (sequential consistency: the ordering of
 * each pair is argued in the documentation and exercised under TSan):
 *   - a producer only ever writes units that are zero (never over a record
 *     the consumer has not released),
 *   - every committed record is delivered exactly once, in its producer's
 *     order, and every aborted one never,
 *   - the consumer never sleeps with a record waiting (no lost wake-up:
 *     it would block forever, an invalid end state).
 *
 * Variants, each of which must FAIL (scripts/checks/model-check.sh):
 *   -DOLD_BATCH  the batch of logbuf_consume() before the fix: it did not
 *                publish on the way and walked past one ring,
 *   -DNO_RECHECK the consumer sleeps without looking again after WAITING.
 */
#define C	4	/* ring units */
#define NP	2	/* producers */
#ifndef NREC
#define NREC	2	/* attempts per producer */
#endif
#define REC	8	/* header kinds: REC | ln, SKIP | ln */
#define SKIP	16

byte hdr[C];		/* commit word of the header at each unit, 0 = none */
byte val[C];		/* payload: producer * 8 + seq + 1 */
byte tail;		/* shared claim position (free-running) */
byte head;		/* published consumer position */
bit waiting;		/* consumer announced sleep */
bit woken;		/* the wake-up (futex wake / doorbell) */
byte done_prod;		/* producers finished (NO_PROD when NP) */
byte committed;
byte delivered;
byte next_seq[NP];	/* per producer: lowest seq still deliverable */

inline notify()
{
	/* after the commit; the full barrier pairs with the consumer's */
	if
	:: waiting -> atomic { waiting = 0; woken = 1 }
	:: else
	fi
}

proctype producer(byte id)
{
	byte seq = 0, t, ln, contig, pad, need, i;

	do
	:: seq < NREC ->
		if			/* any length that fits: 1 or 2 units */
		:: ln = 1
		:: ln = 2
		fi;
		t = tail;
retry:
		contig = C - (t % C);
		pad = (ln <= contig -> 0 : contig);
		need = pad + ln;
		/* room: t + need - head <= C, head loaded after t */
		if
		:: (t + need - head > C) ->
			/* full: wait for the consumer, reload the tail */
			(t + need - head <= C || tail != t);
			t = tail;
			goto retry
		:: else
		fi;
		/* the CAS on the tail */
		atomic {
			if
			:: tail == t -> tail = t + need
			:: else -> t = tail; goto retry
			fi
		}
		if
		:: pad > 0 ->
			assert(hdr[t % C] == 0);
			hdr[t % C] = SKIP | pad;
			t = t + pad
		:: else
		fi;
		/* only zeroed units are written */
		i = 0;
		do
		:: i < ln -> assert(hdr[(t + i) % C] == 0 && val[(t + i) % C] == 0); i++
		:: else -> break
		od;
		val[t % C] = id * 8 + seq + 1;
		if			/* commit (store-release of the length) */
		:: atomic { hdr[t % C] = REC | ln; committed++ }
		:: hdr[t % C] = SKIP | ln	/* abort */
		fi;
		notify();
		seq++
	:: else -> break
	od;
	atomic { done_prod++; woken = 1 }	/* the last one says NO_PROD */
}

/* Zero [pub, h) and publish h (store-release of the head). */
inline publish()
{
	do
	:: pub != h -> hdr[pub % C] = 0; val[pub % C] = 0; pub++
	:: else -> break
	od;
	head = h
}

proctype consumer()
{
	byte h = 0, pub = 0, l, v, walked;

	do
	:: delivered == committed && done_prod == NP -> break
	:: else ->
		l = hdr[h % C];
		if
		:: l == 0 ->
			/* empty: publish, announce the sleep, look again */
			walked = 0;
			publish();
			waiting = 1;
#ifndef NO_RECHECK
			if
			:: hdr[h % C] != 0 || done_prod == NP -> waiting = 0
			:: else -> woken; woken = 0
			fi
#else
			if
			:: done_prod == NP -> waiting = 0
			:: else -> woken; woken = 0
			fi
#endif
		:: l & SKIP ->
			h = h + (l & 7);
			walked = walked + (l & 7)
		:: l & REC ->
			v = val[h % C] - 1;
			/* exactly once, in its producer's order */
			assert(v % 8 >= next_seq[v / 8]);
			next_seq[v / 8] = v % 8 + 1;
			delivered++;
			h = h + (l & 7);
			walked = walked + (l & 7)
		fi;
#ifndef OLD_BATCH
		/* give space back every half ring (an eighth, in the library) */
		if
		:: h - pub >= C / 2 -> publish()
		:: else
		fi
#else
		/* the old batch: published only at its end, even past a ring */
		if
		:: walked > 2 * C -> publish(); walked = 0
		:: else
		fi
#endif
	od;
	assert(delivered == committed)
}

init
{
	atomic {
		run producer(0);
		run producer(1);
		run consumer()
	}
}
