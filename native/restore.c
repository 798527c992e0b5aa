/*
 * tt-restore: put back the machine-wide state that tracetax's observers
 * changed and could not restore themselves (killed, and their guards too):
 * replays the journals of owners that are gone (journal.h). Run by
 * `tracetax hosts check`; the observers do the same when they start.
 * Prints "restored N" (N journals replayed); exit status 1 when one could
 * not be undone.
 */
#include <stdio.h>

#include "journal.h"

int
main(void)
{
	int n = tt_journal_replay(stderr);

	printf("restored %d\n", n < 0 ? 0 : n);
	return n < 0 || fflush(stdout) != 0 ? 1 : 0;
}
