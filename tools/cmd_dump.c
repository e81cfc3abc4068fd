// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/* logbuf dump: what logbuf trace -o wrote, decoded. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "output.h"

int cmd_dump(const struct cmd *c, struct cli *cli, int argc, char **argv)
{
	static const struct option lo[] = {
		{ NULL, 0, NULL, 0 },
	};
	static unsigned char rec[1 << 16];
	uint64_t n = 0;
	uint32_t len;
	FILE *f;
	int err;

	err = parse_opts(c, cli, argc, argv, "", lo, NULL, NULL);
	if (err)
		return err > 0 ? 0 : usage_error(c);
	if (optind != argc - 1)
		return usage_error(c);
	f = fopen(argv[optind], "r");
	if (!f)
		return fail(argv[optind], errno);
	while (fread(&len, sizeof(len), 1, f) == 1) {
		if (len > sizeof(rec) || fread(rec, len, 1, f) != 1) {
			fprintf(stderr, "logbuf: %s: record %" PRIu64
				" is cut short or longer than 64 KiB\n",
				argv[optind], n + 1);
			fclose(f);
			return 1;
		}
		print_event(stdout, rec, len, cli->json);
		n++;
	}
	fclose(f);
	if (!cli->json)
		fprintf(stderr, "logbuf: %" PRIu64 " records\n", n);
	return 0;
}
