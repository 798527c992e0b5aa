/*
 * Result words shared by the benchmarks: a call's outcome is "ok" or the
 * symbolic errno, so a "valid" cell whose calls failed is visible in raw.csv.
 */
#ifndef TT_ROWS_H
#define TT_ROWS_H

#include <errno.h>
#include <stdio.h>

static inline const char *
tt_errno_name(int e)
{
	static char other[16];

	switch (e) {
	case 0: return "ok";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	case EBADF: return "EBADF";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EEXIST: return "EEXIST";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case EINVAL: return "EINVAL";
	case ENFILE: return "ENFILE";
	case EMFILE: return "EMFILE";
	case ENOSPC: return "ENOSPC";
	case EROFS: return "EROFS";
	case ENOSYS: return "ENOSYS";
	default:
		snprintf(other, sizeof other, "E%d", e);
		return other;
	}
}

#endif
