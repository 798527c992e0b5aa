/*
 * The directory a program was started from (argv[0]'s), where the other
 * programs of the build are: tt-macro and tt-server-run are always started
 * by a path, locally or over ssh.
 */
#ifndef TT_OWN_DIR_H
#define TT_OWN_DIR_H

#include <limits.h>
#include <stdio.h>
#include <string.h>

static const char *
tt_own_dir(const char *argv0)
{
	static char dir[PATH_MAX];
	char *slash;

	snprintf(dir, sizeof dir, "%s", argv0);
	if ((slash = strrchr(dir, '/')) == NULL)
		return ".";
	*slash = '\0';
	return dir;
}

#endif
