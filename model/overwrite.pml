/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The producers of an overwrite ring (include/logbuf/overwrite.h) as a
 * SPIN model: claims by compare-and-swap on the tail, passing the oldest
 * record by compare-and-swap on ow_head, a skip record at the wrap, the
 * stamp, a payload, the commit.  SPIN interleaves every statement, so a
 * producer may stop between any two of its loads and stores, as one that
 * is interrupted or preempted (or whose vCPU is) does; what the others do
 * meanwhile is unbounded but for the number of records.  One unit stands
 * for 8 bytes; a header is two units (the commit word, the stamp).
 *
 * The payload is what traced programs choose, here the worst of it: a
 * length word no producer writes, a plausible one, or the stamp an older
 * lap's header would have at that place (the key is no secret to the
 * ring's consumer, who may also choose payload).
 *
 * Checked in every interleaving:
 *   - honest producers never find a header they would call impossible
 *     (the ring is never marked broken by its own producers),
 *   - ow_head never passes the tail,
 *   - no producer writes into its claim after ow_head passed it (a reader
 *     that checked the record would return a torn one).
 *
 * Variant that must FAIL (scripts/checks/model-check.sh):
 *   -DOLD_PASS  the pass before the fix: it trusted what it read at ow_head
 *               without looking at the tail again, so a producer stopped
 *               between the stamp and the length read a newer lap's bytes
 *               and called the ring broken.
 */
#define C	8	/* ring units */
#define MIN	3	/* smallest record: header + 1 unit */
#ifndef NREC
#define NREC	2	/* records per producer */
#endif
#define REC	16	/* commit word: REC | units */
#define SKIP	32	/* skip record: SKIP | units */

byte mem[C];		/* every unit: commit word, stamp or payload */
byte tail;		/* claim position (free-running units) */
byte ow_head;		/* oldest whole record */
byte dropped;

/* Units of the record whose commit word is @l, at a place with @contig
 * units to the end of the array; 0 if no producer writes such a word. */
inline size_of(l, contig, size)
{
	if
	:: (l & REC) && (l & 15) >= MIN && (l & 15) <= contig -> size = l & 15
	:: (l & SKIP) && (l & 15) >= MIN && (l & 15) <= contig -> size = l & 15
	:: else -> size = 0
	fi
}

proctype producer(byte id)
{
	byte n = 0, total, t, o, contig, pad, need, ocontig, size, s, l, tt,
	     tries, u;

	do
	:: n < NREC ->
		if
		:: total = 3
		:: total = 4
		fi;
		tries = 2 * total + 4;
		t = tail;
claim:
		if
		:: tries == 0 -> dropped++; goto next
		:: else -> tries--
		fi;
		contig = C - t % C;
		pad = (total <= contig -> 0 : contig);
		need = pad + total;
		o = ow_head;
		if
		:: o > t -> t = tail; goto claim	/* stale tail */
		:: else
		fi;
		if
		:: t + need - o > C ->
			/* __logbuf_ow_pass(o) */
			ocontig = C - o % C;
			if
			:: ocontig < MIN -> size = ocontig
			:: else ->
				s = mem[o % C + 1];	/* the stamp */
				l = mem[o % C];		/* the commit word */
				size_of(l, ocontig, size);
#ifndef OLD_PASS
				tt = tail;
				if
				:: tt - o > C -> t = tail; goto claim	/* lapped */
				:: else
				fi;
#endif
				if
				:: s != o || l == 0 ->
					dropped++; goto next	/* -EAGAIN */
				:: else
				fi;
				/* -EBADMSG: the ring would be marked broken */
#ifndef OLD_PASS
				assert(size != 0 && size <= tt - o);
#else
				assert(size != 0);
#endif
			fi;
			atomic {
				if
				:: ow_head == o -> ow_head = o + size
				:: else
				fi;
				assert(ow_head <= tail)
			}
			t = tail;
			goto claim
		:: else
		fi;
		atomic {
			if
			:: tail == t -> tail = t + need
			:: else -> t = tail; goto claim
			fi
		}
		if
		:: pad >= MIN ->
			assert(ow_head <= t);
			mem[t % C] = 0;
			mem[t % C + 1] = t;
			mem[t % C] = SKIP | pad
		:: else
		fi;
		t = t + pad;
		assert(ow_head <= t);
		mem[t % C] = 0;
		mem[t % C + 1] = t;
		u = t + 2;
		do
		:: u < t + total ->
			assert(ow_head <= t);
			if
			:: mem[u % C] = REC | 7		/* no producer's word */
			:: mem[u % C] = REC | MIN	/* a plausible one */
			:: mem[u % C] = u - 1 - C	/* an older lap's stamp */
			fi;
			u++
		:: else -> break
		od;
		assert(ow_head <= t);
		mem[t % C] = REC | total;		/* the commit */
next:
		/* dead values out of the state vector */
		t = 0; o = 0; s = 0; l = 0; tt = 0; size = 0; u = 0;
		contig = 0; pad = 0; need = 0; ocontig = 0;
		n++
	:: else -> break
	od
}

init
{
	atomic {
		run producer(0);
		run producer(1)
	}
}
