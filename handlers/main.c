/* main.c — ditto-fcgi: the runtime (app/) serving this application's site. */
#include "routes.h"

int main(int argc, char **argv)
{
	return site_main(argc, argv, &ditto_site);
}
