/* tests/utypes/gai.c: one call of libc's getaddrinfo with known hints,
 * for tests/sh/live_utypes.sh to probe in libc (typed by libc6-dbg's
 * debuginfo). AI_NUMERICHOST: no name service is asked. */
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int main(void)
{
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET6;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST;
	int rc = getaddrinfo("surfc-utypes-check.invalid", "7", &hints, &res);
	printf("getaddrinfo node=\"surfc-utypes-check.invalid\" service=\"7\" "
	       "family=%d socktype=%d flags=%d\n", hints.ai_family,
	       hints.ai_socktype, hints.ai_flags);
	if (res)
		freeaddrinfo(res);
	return rc == 0;
}
