/*
 * The journal of machine-wide state an observer changes (audit rules and
 * flags, tracefs instances, cgroups, the daemons it starts): each change is
 * written down, with what undoes it, before it is made, in a file of its
 * own under /run/tracetax/ named after the process that owns it. The owner
 * undoes its file when it ends; a guard process it forks first undoes it
 * when the owner dies any other way (SIGKILL); and every program that
 * touches such state, and `tt-restore` (run by `tracetax hosts check`),
 * replays the files of owners that are gone. /run is emptied at boot, as
 * the state itself is.
 *
 * An entry is one line, "WHAT ARGS", undone in reverse order:
 *   process PID START        kill the process (a daemon we started) if it still runs
 *   audit_rules KEY          delete the audit rules with this key
 *   audit_enabled N          set the audit enable flag back to N
 *   audit_backlog_wait_time N
 *   audit_backlog_limit N
 *   audit_never_task         put "-a never,task" back (it is left in place: see mech_audit.c)
 *   ftrace_instance PATH     remove the tracefs instance (its events go with it)
 *   cgroup PATH              kill what is left in the cgroup and remove it
 *   directory PATH           remove a scratch directory and the files in it
 */
#ifndef TT_JOURNAL_H
#define TT_JOURNAL_H

#include <stdio.h>
#include <sys/types.h>

#define TT_JOURNAL_DIR "/run/tracetax"

struct tt_journal {
	char path[256];
	int guard; /* our end of the guard's pipe, -1 without a guard */
};

/* Start this process's journal for `what` (a word for the file name), with a guard process. 0, or -1 with a message on stderr. */
int tt_journal_open(struct tt_journal *j, const char *what);

/* Write down an entry before the change it undoes. 0, or -1 with a message on stderr. */
int tt_journal_note(struct tt_journal *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Undo every entry of our journal and remove it; the guard then ends with nothing to do. 0 when all was undone. */
int tt_journal_undo(struct tt_journal *j);

/* Undo the journals of owners that are gone, saying so on `log` (may be NULL). How many, or -1 when one could not be undone. */
int tt_journal_replay(FILE *log);

/* A process's start time (field 22 of /proc/PID/stat), to tell it from a later one with the same PID; 0 when it is gone. */
unsigned long long tt_process_start(pid_t pid);

/*
 * Run argv (searched on PATH), its stdout into out (may be NULL) and stderr
 * to ours; its exit status, or -1 when it could not run or ended by a signal.
 */
int tt_run(char *const argv[], char *out, size_t size);

/* Write a short string to a file (sysfs, tracefs, cgroupfs). 0, or -1 with errno. */
int tt_write_file(const char *path, const char *text);

#endif
