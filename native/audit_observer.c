/*
 * tt-audit: the Linux audit subsystem as an observer. An always,exit rule
 * on the measured system calls, filtered by the measured process's PID,
 * sends a record of each call to auditd, the consumer, started here with a
 * configuration of our own that logs to a scratch file.
 *
 *   tt-audit -p - -e SYSCALLS        (watch.h)
 *
 * The kernel gives a process an audit context only when it is created
 * while audit is enabled and no "never,task" rule matches it, so this
 * observer is armed before the benchmark exists (-p -): it starts auditd,
 * removes never,task, sets the backlog wait to 0 (a full backlog then loses
 * records instead of stalling the benchmark) and the backlog to 8192
 * records, and enables audit; then, told
 * the PID, adds the rule. At the end it counts the SYSCALL records auditd
 * logged for the PID and our key, and the kernel's lost count.
 *
 * Enabling audit once slows every process created later in this boot (the
 * audit context), until "-a never,task" takes it away for new processes:
 * so at the end that rule is put in place and left there, whatever was
 * there before; the rest (enable flag, backlog wait, our rule, auditd) is
 * put back as it was, through the journal (journal.h), also when this
 * process is killed. A marker under /run/tracetax says audit was enabled
 * in this boot (facts.sh reports it).
 */
#define _GNU_SOURCE
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "journal.h"
#include "watch.h"

#define STATUS_MAX 4096

static struct tt_watch w;
static struct tt_journal journal;
static char dir[64], key[48];

/* A field of "auditctl -s", or -1. */
static long
audit_status(const char *field)
{
	char out[STATUS_MAX], *at;
	char *argv[] = { "auditctl", "-s", NULL };
	size_t len = strlen(field);

	if (tt_run(argv, out, sizeof out) != 0)
		return -1;
	for (at = out; (at = strstr(at, field)) != NULL; at += len)
		if ((at == out || at[-1] == '\n') && at[len] == ' ')
			return atol(at + len + 1);
	return -1;
}

static int
auditctl(char *const argv[])
{
	int r = tt_run(argv, NULL, 0);

	if (r != 0)
		fprintf(stderr, "tt-audit: auditctl %s %s failed\n", argv[1], argv[2] != NULL ? argv[2] : "");
	return r == 0 ? 0 : -1;
}

static int
write_config(void)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof path, "%s/auditd.conf", dir);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	/* Our own log, no plugins, nothing that could stop the machine or mail anyone. */
	fprintf(f, "local_events = yes\nwrite_logs = yes\nlog_file = %s/audit.log\nlog_format = RAW\n"
	    "flush = NONE\nfreq = 0\nmax_log_file = 0\nmax_log_file_action = IGNORE\n"
	    "space_left = 2\nspace_left_action = IGNORE\nadmin_space_left = 1\nadmin_space_left_action = IGNORE\n"
	    "disk_full_action = IGNORE\ndisk_error_action = IGNORE\npriority_boost = 0\nq_depth = 2000\n"
	    "overflow_action = IGNORE\nplugin_dir = %s/plugins\nend_of_event_timeout = 2\n", dir, dir);
	if (fclose(f) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/plugins", dir);
	return mkdir(path, 0700);
}

/* Start auditd on our configuration and wait until the kernel sends it the records (its PID in the status). */
static pid_t
start_auditd(void)
{
	char *argv[] = { "auditd", "-n", "-s", "nochange", "-c", dir, NULL };
	struct timespec ms = { 0, 10000000 };
	pid_t pid;
	int i;

	if ((pid = tt_watch_spawn(argv, NULL, NULL)) < 0)
		return -1;
	if (tt_journal_note(&journal, "process %ld %llu", (long)pid, tt_process_start(pid)) != 0)
		return -1;
	for (i = 0; i < 500; i++) {
		if (audit_status("pid") == (long)pid)
			return pid;
		if (waitpid(pid, NULL, WNOHANG) == pid) {
			fprintf(stderr, "tt-audit: auditd ended as it started (is another audit daemon running?)\n");
			return -1;
		}
		nanosleep(&ms, NULL);
	}
	fprintf(stderr, "tt-audit: auditd did not register with the kernel in 5 s\n");
	return -1;
}

/* Audit on, for processes created from now on: the backlog never waits, never,task out of the way. */
static int
arm(void)
{
	char marker[128], boot[64] = "";
	long was_enabled = audit_status("enabled"), was_wait = audit_status("backlog_wait_time"), was_limit = audit_status("backlog_limit");
	char *no_wait[] = { "auditctl", "--backlog_wait_time", "0", NULL };
	char *room[] = { "auditctl", "-b", "8192", NULL };
	char *no_never[] = { "auditctl", "-d", "never,task", NULL };
	char *enable[] = { "auditctl", "-e", "1", NULL };
	FILE *f;

	if (was_enabled < 0 || was_wait < 0 || was_limit < 0) {
		fprintf(stderr, "tt-audit: cannot read the audit status (auditctl -s)\n");
		return -1;
	}
	if (was_enabled == 2) {
		fprintf(stderr, "tt-audit: audit is locked on this host (enabled 2): its rules cannot change until reboot\n");
		return -1;
	}
	if (audit_status("pid") > 0) {
		fprintf(stderr, "tt-audit: an audit daemon already runs (pid %ld); this observer needs its own\n", audit_status("pid"));
		return -1;
	}
	if (tt_journal_note(&journal, "audit_never_task") != 0 || tt_journal_note(&journal, "audit_enabled %ld", was_enabled) != 0 ||
	    tt_journal_note(&journal, "audit_backlog_wait_time %ld", was_wait) != 0 ||
	    tt_journal_note(&journal, "audit_backlog_limit %ld", was_limit) != 0 || tt_journal_note(&journal, "directory %s", dir) != 0)
		return -1;
	if (write_config() != 0) {
		fprintf(stderr, "tt-audit: cannot write auditd's configuration in %s: %s\n", dir, strerror(errno));
		return -1;
	}
	/* The kernel keeps what enabling audit did until reboot: say so for the host's facts. */
	if ((f = fopen("/proc/sys/kernel/random/boot_id", "r")) != NULL) {
		if (fgets(boot, sizeof boot, f) == NULL)
			boot[0] = '\0';
		fclose(f);
	}
	snprintf(marker, sizeof marker, "%s/audit-enabled-this-boot", TT_JOURNAL_DIR);
	if ((f = fopen(marker, "w")) != NULL) {
		fputs(boot, f);
		fclose(f);
	}
	/* Room for a burst of records, and none of them waits for it: a full backlog loses records, counted. */
	if (auditctl(no_wait) != 0 || auditctl(room) != 0)
		return -1;
	tt_run(no_never, NULL, 0); /* absent is fine */
	return start_auditd() > 0 && auditctl(enable) == 0 ? 0 : -1;
}

/* The rule for the target: every measured system call of the process, under our key. */
static int
add_rule(void)
{
	char pid[32], *argv[8 + 2 * TT_WATCH_MAX_NUMBERS], names[256], *name;
	int n = 0;

	snprintf(pid, sizeof pid, "pid=%ld", (long)w.target);
	snprintf(names, sizeof names, "%s", w.syscalls);
	argv[n++] = "auditctl";
	argv[n++] = "-a";
	argv[n++] = "always,exit";
	argv[n++] = "-F";
	argv[n++] = "arch=b64";
	for (name = strtok(names, ","); name != NULL && n < 6 + 2 * TT_WATCH_MAX_NUMBERS; name = strtok(NULL, ",")) {
		argv[n++] = "-S";
		argv[n++] = name;
	}
	argv[n++] = "-F";
	argv[n++] = pid;
	argv[n++] = "-k";
	argv[n++] = key;
	argv[n] = NULL;
	if (tt_journal_note(&journal, "audit_rules %s", key) != 0)
		return -1;
	return auditctl(argv);
}

/* The SYSCALL records auditd logged for the target under our key. */
static unsigned long
logged(void)
{
	char path[128], line[8192], pid[40], tag[80];
	unsigned long n = 0;
	FILE *f;

	snprintf(path, sizeof path, "%s/audit.log", dir);
	snprintf(pid, sizeof pid, " pid=%ld ", (long)w.target);
	snprintf(tag, sizeof tag, "key=\"%s\"", key);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "type=SYSCALL ", 13) == 0 && strstr(line, pid) != NULL && strstr(line, tag) != NULL)
			n++;
	fclose(f);
	return n;
}

int
main(int argc, char **argv)
{
	char *delete_rule[] = { "auditctl", "-D", "-k", key, NULL };
	sigset_t waiting;
	struct rusage ru;
	unsigned long seen;
	long lost0, lost1;
	pid_t auditd;
	int status;

	tt_watch_args(&w, argc, argv);
	if (w.syscalls == NULL) {
		fprintf(stderr, "tt-audit: -e SYSCALLS is needed: audit takes the calls its rule names\n");
		return 2;
	}
	tt_watch_signals(&waiting);
	tt_journal_replay(stderr);
	snprintf(dir, sizeof dir, "/tmp/tt-audit.XXXXXX");
	snprintf(key, sizeof key, "tracetax-%ld", (long)getpid());
	if (tt_journal_open(&journal, "audit") != 0)
		return 1;
	if (mkdtemp(dir) == NULL) {
		fprintf(stderr, "tt-audit: cannot create a scratch directory: %s\n", strerror(errno));
		tt_journal_undo(&journal);
		return 1;
	}
	if (arm() != 0 || (auditd = (pid_t)audit_status("pid")) <= 0 || tt_watch_target(&w) != 0 || add_rule() != 0) {
		tt_journal_undo(&journal);
		return 1;
	}
	lost0 = audit_status("lost");
	tt_watch_attached();
	while (!tt_stop_requested) {
		sigsuspend(&waiting);
		if (tt_child_ended && waitpid(auditd, &status, WNOHANG) == auditd) {
			fprintf(stderr, "tt-audit: auditd ended while observing\n");
			tt_journal_undo(&journal);
			return 1;
		}
	}
	/* Rule out first, so auditd has every record there is when it flushes and ends. */
	auditctl(delete_rule);
	lost1 = audit_status("lost");
	status = tt_watch_end(auditd, SIGTERM, 10, &ru);
	seen = logged();
	if (tt_journal_undo(&journal) != 0 || status < 0) {
		fprintf(stderr, "tt-audit: could not put the audit state back as it was\n");
		return 1;
	}
	return tt_watch_report(seen, lost1 >= lost0 ? (unsigned long)(lost1 - lost0) : 0, tt_cpu_seconds(&ru), 0, "");
}
