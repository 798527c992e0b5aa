/*
 * What tt-server and tt-load agree on: the connection modes and the
 * loopback address they meet at.
 */
#ifndef TT_LOOPBACK_H
#define TT_LOOPBACK_H

#include <netinet/in.h>
#include <arpa/inet.h>
#include <string.h>

/* "close" (a connection per request) → 1, "keepalive" → 0, anything else → -1. */
static int
close_mode_of(const char *name)
{
	if (strcmp(name, "close") == 0)
		return 1;
	return strcmp(name, "keepalive") == 0 ? 0 : -1;
}

static struct sockaddr_in
loopback_address(long port)
{
	struct sockaddr_in addr;

	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = htons((unsigned short)port);
	return addr;
}

#endif
