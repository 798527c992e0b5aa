#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>

#include "noise.h"

#if defined(__linux__)

#define STAT_PROCESSOR 39 /* the CPU the task last ran on, a field of /proc/PID/stat (proc(5)) */

/* A small /proc file read whole into buf; 0, or -1 when it cannot be read. */
static int
slurp(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		return -1;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	return n > 0 ? 0 : -1;
}

static void
append(char *buf, size_t size, const char *who, const char *key, unsigned long long value)
{
	size_t len = strlen(buf);

	snprintf(buf + len, size - len, " %s_%s=%llu", who, key, value);
}

/* The processor field; the command name before it is in parentheses and may hold spaces itself. */
static void
last_cpu(char *buf, size_t size, const char *who, const char *proc)
{
	char path[64], stat[1024], *field;
	unsigned long long cpu;
	int n;

	snprintf(path, sizeof path, "%s/stat", proc);
	if (slurp(path, stat, sizeof stat) != 0 || (field = strrchr(stat, ')')) == NULL)
		return;
	/* field 3 follows the first space after the name, each next field the next space */
	for (n = 2; n < STAT_PROCESSOR && field != NULL; n++)
		field = strchr(field + 1, ' ');
	if (field != NULL && sscanf(field + 1, "%llu", &cpu) == 1)
		append(buf, size, who, "cpu", cpu);
}

/* Lines "key : value" of /proc/PID/sched; the file is absent without CONFIG_SCHED_DEBUG. */
static void
switches(char *buf, size_t size, const char *who, const char *proc)
{
	char path[64], line[256], key[64];
	unsigned long long value, nr_switches = 0, nr_migrations = 0;
	int have_switches = 0, have_migrations = 0;
	FILE *f;

	snprintf(path, sizeof path, "%s/sched", proc);
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "%63s : %llu", key, &value) != 2)
			continue;
		if (strcmp(key, "nr_switches") == 0)
			nr_switches = value, have_switches = 1;
		else if (strcmp(key, "se.nr_migrations") == 0)
			nr_migrations = value, have_migrations = 1;
	}
	fclose(f);
	if (have_switches)
		append(buf, size, who, "switches", nr_switches);
	if (have_migrations)
		append(buf, size, who, "migrations", nr_migrations);
}

/* /proc/PID/schedstat: time on a CPU, time waiting on a run queue (ns), timeslices. */
static void
run_queue_wait(char *buf, size_t size, const char *who, const char *proc)
{
	char path[64], text[128];
	unsigned long long on_cpu, waiting;

	snprintf(path, sizeof path, "%s/schedstat", proc);
	if (slurp(path, text, sizeof text) == 0 && sscanf(text, "%llu %llu", &on_cpu, &waiting) == 2)
		append(buf, size, who, "rq_ns", waiting);
}

void
tt_noise_process(char *buf, size_t size, const char *who, pid_t pid)
{
	char proc[32];

	snprintf(proc, sizeof proc, "/proc/%ld", (long)pid);
	last_cpu(buf, size, who, proc);
	switches(buf, size, who, proc);
	run_queue_wait(buf, size, who, proc);
}

long long
tt_steal_ticks(void)
{
	char text[256];
	unsigned long long v[8];

	/* The first line sums every CPU: "cpu user nice system idle iowait irq softirq steal ..." */
	if (slurp("/proc/stat", text, sizeof text) != 0 ||
	    sscanf(text, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) != 8)
		return -1;
	return (long long)v[7];
}

const char *
tt_boot_id(void)
{
	static char id[64];

	if (id[0] == '\0' && slurp("/proc/sys/kernel/random/boot_id", id, sizeof id) == 0)
		id[strcspn(id, "\n")] = '\0';
	return id[0] != '\0' ? id : NULL;
}

#else

void
tt_noise_process(char *buf, size_t size, const char *who, pid_t pid)
{
	(void)buf, (void)size, (void)who, (void)pid;
}

long long
tt_steal_ticks(void)
{
	return -1;
}

const char *
tt_boot_id(void)
{
	return NULL;
}

#endif
