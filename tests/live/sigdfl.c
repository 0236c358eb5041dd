/* sigdfl CMD...: runs CMD in a process group of its own with SIGINT and
 * SIGQUIT at their defaults, as a terminal would start it. (A shell script
 * starts `cmd &` with SIGINT ignored, and an ignored signal cannot be
 * trapped: the script under test would never see Ctrl-C.) */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	setpgid(0, 0);
	execvp(argv[1], argv + 1);
	perror(argv[1]);
	return 127;
}
