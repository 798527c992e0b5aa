/*
 * tt-inputs: the generated inputs of the find and gzip macrobenchmarks,
 * made on the host that measures them, from a seed, so that every host walks
 * the same tree and compresses the same file.
 *
 *   tt-inputs [-n] tree DIR DIRS FILES MAX_FILE_BYTES SEED
 *   tt-inputs [-n] file PATH BYTES text|random|zeros SEED
 *
 * tree: DIR and exactly DIRS directories below it, each under a parent drawn
 * at random, then FILES files of 0..MAX_FILE_BYTES random bytes, each in a
 * directory drawn at random. file: BYTES of content, made a MiB at a time;
 * text is words of C source. The generator is mulberry32, the one tracetax's
 * analysis seeds its bootstrap with.
 *
 * Before writing anything, the free space of the disk that will hold the
 * inputs is checked against an upper bound of their size (every file at its
 * largest, a block per file and directory) and 64 MiB to spare: too little
 * and it exits 2 with the numbers. -n: check only.
 */
#define _POSIX_C_SOURCE 200809L
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK 4096.0
#define SPARE (64.0 * 1048576.0)
#define CHUNK (1L << 20)

static uint32_t state;

static uint32_t
next_u32(void)
{
	uint32_t t;

	state += 0x6d2b79f5U;
	t = state;
	t = (t ^ (t >> 15)) * (t | 1U);
	t ^= t + (t ^ (t >> 7)) * (t | 61U);
	return t ^ (t >> 14);
}

/* A draw in [0, 1), as the TypeScript generator gives it. */
static double
next_unit(void)
{
	return (double)next_u32() / 4294967296.0;
}

static size_t
pick(size_t n)
{
	return (size_t)(next_unit() * (double)n);
}

static void
die(const char *what, const char *path)
{
	fprintf(stderr, "tt-inputs: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

/* Refuse when the inputs could nearly fill the disk that holds `near` (an existing directory). */
static void
check_space(const char *near, double needed)
{
	struct statvfs fs;
	double free_bytes;

	if (statvfs(near, &fs) != 0)
		die("cannot see the free space of", near);
	free_bytes = (double)fs.f_bavail * (double)fs.f_frsize;
	if (needed + SPARE > free_bytes) {
		fprintf(stderr, "tt-inputs: %s: not enough free disk for the generated inputs: they need up to %.1f MiB "
		    "(and %.1f MiB to spare), %.1f MiB is free\n", near, needed / 1048576.0, SPARE / 1048576.0,
		    free_bytes / 1048576.0);
		exit(2);
	}
}

static void
random_bytes(unsigned char *out, size_t length)
{
	size_t i, k;

	for (i = 0; i < length; i += 4) {
		uint32_t word = next_u32();
		for (k = 0; k < 4 && i + k < length; k++)
			out[i + k] = (unsigned char)(word >> (8 * k));
	}
}

/* Words of C source, so "text" compresses about as well as the source trees gzip usually sees. */
static const char *const words[] = { "static", "int", "return", "struct", "const", "char", "if", "else", "for",
	"while", "void", "NULL", "size_t", "unsigned", "long", "sizeof", "break", "case", "switch", "{", "}", "(", ")",
	";", "=", "==", "->", "buf", "len", "err" };

/* Whole words until the chunk is full; the last one is cut at the chunk's end. */
static void
text_bytes(unsigned char *out, size_t length)
{
	size_t size = 0, n;
	const char *w;

	while (size < length) {
		if (next_unit() < 0.1) {
			out[size++] = '\n';
			continue;
		}
		w = words[pick(sizeof words / sizeof words[0])];
		for (n = 0; w[n] != '\0' && size < length; n++)
			out[size++] = (unsigned char)w[n];
		if (size < length)
			out[size++] = ' ';
	}
}

static void
write_file(const char *path, const unsigned char *data, size_t length)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(data, 1, length, f) != length || fclose(f) != 0)
		die("cannot write", path);
}

static void
make_tree(const char *root, long ndirs, long nfiles, long max_bytes)
{
	char **dirs = calloc((size_t)ndirs + 1, sizeof *dirs), path[4096];
	unsigned char *data = malloc((size_t)max_bytes + 4);
	long i;

	if (dirs == NULL || data == NULL) {
		fprintf(stderr, "tt-inputs: out of memory\n");
		exit(1);
	}
	if (mkdir(root, 0755) != 0 && errno != EEXIST)
		die("cannot create", root);
	dirs[0] = strdup(root);
	for (i = 0; i < ndirs; i++) {
		snprintf(path, sizeof path, "%s/d%ld", dirs[pick((size_t)i + 1)], i);
		if (mkdir(path, 0755) != 0)
			die("cannot create", path);
		dirs[i + 1] = strdup(path);
	}
	for (i = 0; i < nfiles; i++) {
		size_t length;
		snprintf(path, sizeof path, "%s/f%ld.c", dirs[pick((size_t)ndirs + 1)], i);
		length = (size_t)(next_unit() * (double)(max_bytes + 1));
		random_bytes(data, length);
		write_file(path, data, length);
	}
}

static void
make_file(const char *path, long bytes, const char *kind)
{
	static unsigned char chunk[CHUNK];
	FILE *f = fopen(path, "wb");
	long done;

	if (f == NULL)
		die("cannot write", path);
	for (done = 0; done < bytes; done += CHUNK) {
		size_t length = (size_t)(bytes - done < CHUNK ? bytes - done : CHUNK);
		if (strcmp(kind, "zeros") == 0)
			memset(chunk, 0, length);
		else if (strcmp(kind, "random") == 0)
			random_bytes(chunk, length);
		else
			text_bytes(chunk, length);
		if (fwrite(chunk, 1, length, f) != length)
			die("cannot write", path);
	}
	if (fclose(f) != 0)
		die("cannot write", path);
}

static void
usage(void)
{
	fprintf(stderr, "usage: tt-inputs [-n] tree DIR DIRS FILES MAX_FILE_BYTES SEED\n"
	    "       tt-inputs [-n] file PATH BYTES text|random|zeros SEED\n");
	exit(2);
}

static long
number(const char *text)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (*text == '\0' || *end != '\0' || v < 0 || errno == ERANGE)
		usage();
	return v;
}

int
main(int argc, char **argv)
{
	char near[4096], *slash;
	int check_only = argc > 1 && strcmp(argv[1], "-n") == 0;
	char **a = argv + 1 + check_only;
	int n = argc - 1 - check_only;

	if (n != 6 && n != 5)
		usage();
	/* The disk is the one of the nearest directory that exists above the input. */
	snprintf(near, sizeof near, "%s", a[1]);
	while ((slash = strrchr(near, '/')) != NULL && access(near, F_OK) != 0)
		*(slash == near ? slash + 1 : slash) = '\0';
	if (access(near, F_OK) != 0)
		snprintf(near, sizeof near, ".");
	if (strcmp(a[0], "tree") == 0 && n == 6) {
		long ndirs = number(a[2]), nfiles = number(a[3]), max_bytes = number(a[4]);
		check_space(near, (double)nfiles * ((double)max_bytes + BLOCK) + (double)(ndirs + 1) * BLOCK);
		state = (uint32_t)number(a[5]);
		if (!check_only)
			make_tree(a[1], ndirs, nfiles, max_bytes);
	} else if (strcmp(a[0], "file") == 0 && n == 5) {
		long bytes = number(a[2]);
		if (strcmp(a[3], "text") != 0 && strcmp(a[3], "random") != 0 && strcmp(a[3], "zeros") != 0)
			usage();
		check_space(near, (double)bytes + BLOCK);
		state = (uint32_t)number(a[4]);
		if (!check_only)
			make_file(a[1], bytes, a[3]);
	} else {
		usage();
	}
	return 0;
}
