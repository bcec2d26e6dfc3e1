/* kubectl: the command-line client; everything lives in kubectl_*.c. */
#include "kubectl_cmd.h"

int main(int argc, char **argv)
{
	return kubectl_main(argc, argv);
}
