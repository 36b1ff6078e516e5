/* ctl_shipments.c — `dittoctl shipments`: picks export or import. */
#include <stdio.h>
#include <string.h>

#include "ctl.h"

int cmd_shipments(int argc, char **argv)
{
	if (argc < 2)
		return usage_fail("shipments needs a sub-command: export or import (try: dittoctl "
		                  "shipments --help)");
	if (ctl_is_help(argv[1])) {
		printf("%s\n\n%s\n", ctl_shipments_export_usage, ctl_shipments_import_usage);
		return CTL_OK;
	}
	if (strcmp(argv[1], "export") == 0)
		return cmd_shipments_export(argc - 1, argv + 1);
	if (strcmp(argv[1], "import") == 0)
		return cmd_shipments_import(argc - 1, argv + 1);
	return usage_fail("unknown shipments command '%s' (try: dittoctl shipments --help)",
	                  argv[1]);
}
