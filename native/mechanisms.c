/*
 * The registry of interception mechanisms (mechanism.h) and what every
 * runner does with an entry: look it up, check the host can serve it, wrap
 * the measured command, list the registry.
 */
#define _POSIX_C_SOURCE 200809L
#include <sys/utsname.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mechanism.h"
#include "seccomp_filter.h"

/* One line per mechanism, in the order reports list them; each is defined in its module. */
#define REGISTRY(X) \
	X(tt_mech_none) \
	X(tt_mech_ptrace) \
	X(tt_mech_ptrace_seccomp) \
	X(tt_mech_seccomp_allow) \
	X(tt_mech_seccomp_errno) \
	X(tt_mech_seccomp_notify) \
	X(tt_mech_sud) \
	X(tt_mech_preload) \
	X(tt_mech_strace) \
	X(tt_mech_strace_seccomp) \
	X(tt_mech_systrace) \
	X(tt_mech_systrace_permit) \
	X(tt_mech_ebpf_count) \
	X(tt_mech_ebpf_ringbuf) \
	X(tt_mech_bpftrace) \
	X(tt_mech_perf_trace) \
	X(tt_mech_ftrace) \
	X(tt_mech_audit)

#define DECLARE(m) extern const struct tt_mechanism m;
#define ENTRY(m) &m,
REGISTRY(DECLARE)
static const struct tt_mechanism *const registry[] = { REGISTRY(ENTRY) };
#define REGISTERED (sizeof registry / sizeof registry[0])

const struct tt_mechanism *
tt_mechanism_named(const char *name)
{
	size_t i;

	for (i = 0; i < REGISTERED; i++)
		if (strcmp(registry[i]->name, name) == 0)
			return registry[i];
	return NULL;
}

const struct tt_mechanism *
tt_mechanism_installed_as(const char *self)
{
	size_t i;

	for (i = 0; i < REGISTERED; i++)
		if (registry[i]->bench.self != NULL && strcmp(registry[i]->bench.self, self) == 0)
			return registry[i];
	return NULL;
}

static int
on_path(const char *tool)
{
	const char *path = getenv("PATH"), *dir;
	char file[PATH_MAX];
	size_t len;

	for (dir = path; dir != NULL && *dir != '\0'; dir += len + (dir[len] == ':')) {
		len = strcspn(dir, ":");
		snprintf(file, sizeof file, "%.*s/%s", (int)len, dir, tool);
		if (len > 0 && access(file, X_OK) == 0)
			return 1;
	}
	return 0;
}

/* A program the build left out may say why in PROGRAM.why (build_bpf.sh): added to the message. */
static void
not_built_because(char *why, size_t size, const char *program)
{
	char file[PATH_MAX], because[256];
	size_t n = strlen(why);
	FILE *f;

	snprintf(file, sizeof file, "%.4000s.why", program);
	if ((f = fopen(file, "r")) == NULL)
		return;
	if (fgets(because, sizeof because, f) != NULL) {
		because[strcspn(because, "\n")] = '\0';
		snprintf(why + n, size - n, ": %s", because);
	}
	fclose(f);
}

const char *
tt_mechanism_unavailable(const struct tt_mechanism *m, const struct tt_setup *s, const char *build_dir)
{
	static char why[PATH_MAX + 128];
	char path[PATH_MAX];
	const char *built[] = { s->observer, s->preload };
	struct utsname host;
	size_t i;

	if (strcmp(m->os, "any") != 0 && (uname(&host) != 0 || strcmp(host.sysname, m->os) != 0)) {
		snprintf(why, sizeof why, "%s needs %s; this host runs %.64s", m->name, m->os, host.sysname);
		return why;
	}
	for (i = 0; i < sizeof built / sizeof built[0]; i++) {
		if (built[i] == NULL)
			continue;
		snprintf(path, sizeof path, "%s/%s", build_dir, built[i]);
		if (access(path, R_OK) != 0) {
			snprintf(why, sizeof why, "%s was not built on this host (%.300s)", m->name, path);
			not_built_because(why, sizeof why, path);
			return why;
		}
	}
	if (m->tool != NULL && !on_path(m->tool)) {
		snprintf(why, sizeof why, "%s needs %s, which is not on PATH", m->name, m->tool);
		return why;
	}
#if !defined(TT_HAVE_SECCOMP)
	if (m->filter) {
		snprintf(why, sizeof why, "%s needs seccomp filters, which this build has only on Linux on x86-64", m->name);
		return why;
	}
#endif
	return NULL;
}

char **
tt_mechanism_command(const struct tt_setup *s, const struct tt_calls *calls, const char *build_dir, char **command)
{
	static char library[PATH_MAX], trace[256];
	char **argv;
	int n = 0, k = 0;

	if (s->preload != NULL) {
		snprintf(library, sizeof library, "%s/%s", build_dir, s->preload);
		setenv("LD_PRELOAD", library, 1);
	}
	if (s->strace == NULL)
		return command;
	while (command[n] != NULL)
		n++;
	if ((argv = malloc((size_t)(n + 10) * sizeof *argv)) == NULL) {
		fprintf(stderr, "out of memory for strace's arguments\n");
		_exit(127);
	}
	argv[k++] = "strace";
	argv[k++] = "-f";
	argv[k++] = "-qq";
	argv[k++] = "-o";
	argv[k++] = "/dev/null";
	if (s->strace[0] != '\0')
		argv[k++] = (char *)s->strace;
	/* strace installs its seccomp filter only in processes it starts itself, for the calls it traces. */
	if (calls->syscalls != NULL) {
		snprintf(trace, sizeof trace, "trace=%s", calls->syscalls);
		argv[k++] = "-e";
		argv[k++] = trace;
	}
	argv[k++] = "--";
	memcpy(argv + k, command, (size_t)(n + 1) * sizeof *argv);
	return argv;
}

int
tt_list_mechanisms_asked(int argc, char **argv)
{
	return argc == 2 && strcmp(argv[1], "--list-mechanisms") == 0;
}

static const char *
yes(int b)
{
	return b ? "yes" : "no";
}

void
tt_list_mechanisms(FILE *out)
{
	size_t i;
	int s, listed;

	static const char *const global[] = { "no", "run", "boot" };

	fprintf(out, "name\tos\ttracer_process\thandlers\tmacro\tselections\tfilter\tglobal\n");
	for (i = 0; i < REGISTERED; i++) {
		const struct tt_mechanism *m = registry[i];
		fprintf(out, "%s\t%s\t%s\t%s\t%s\t", m->name, m->os, yes(TT_TRACER_PROCESS(m)), yes(m->handlers),
		    yes(m->selections != 0));
		for (s = 0, listed = 0; s < TT_NSELECTIONS; s++)
			if (m->selections & TT_SELECTS(s))
				fprintf(out, "%s%s", listed++ > 0 ? "," : "", tt_selections[s].name);
		fprintf(out, "%s\t%s\t%s\n", listed > 0 ? "" : "-", yes(TT_FILTERS_CALLS(m)), global[m->global]);
	}
}

void
tt_mechanism_names(FILE *out, int programs_only)
{
	size_t i;

	for (i = 0; i < REGISTERED; i++)
		if (!programs_only || registry[i]->selections != 0)
			fprintf(out, " %s", registry[i]->name);
}
