/* dittoctl.c — the operator CLI: main, usage and dispatch to the sub-commands in ctl_*.c. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "../app/log.h"
#include "ctl.h"

/* Every command: its name, its entry point, and its lines of the usage text. */
static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *synopsis;
} commands[] = {
    {"migrate", cmd_migrate,
     "  migrate [SCHEMA_DIR]                      apply pending schema migrations\n"},
    {"policy", cmd_policy,
     "  policy publish --purposes LIST FILE       publish a new privacy-policy version\n"
     "  policy notify                             finish queuing its notice to customers\n"},
    {"affiliates", cmd_affiliates,
     "  affiliates export AFFILIATE [FILE]        what an affiliate may receive (CSV)\n"},
    {"staff", cmd_staff,
     "  staff add --role ROLE USERNAME            add a staff member (password on stdin)\n"
     "  staff list                                list staff accounts\n"
     "  staff disable USERNAME                    stop a staff member signing in\n"
     "  staff reset-totp USERNAME                 give a staff member a new TOTP secret\n"},
    {"customer", cmd_customer,
     "  customer approve|deny|cancel USERNAME     grant, refuse or end a customer's access\n"
     "  customer list [--status pending]          the customers (whom to approve) as a table\n"},
    {"mail", cmd_mail,
     "  mail send [--limit N]                     deliver the mail outbox\n"
     "  mail promotions                           queue marketing mail to opted-in customers\n"},
    {"shipments", cmd_shipments,
     "  shipments export [DIR]                    write the carrier's manifest of paid orders\n"
     "  shipments import FILE                     mark orders shipped from the carrier's CSV\n"},
    {"order", cmd_order,
     "  order status ID STATUS [--note TEXT]      change an order's status by hand\n"
     "  order list [--status STATUS]              the orders, newest first, as a table\n"},
    {"audit", cmd_audit,
     "  audit verify                              check the audit log's hash chain\n"},
    {"export", cmd_export,
     "  export USERNAME [FILE]                    a customer's data export (JSON)\n"
     "  export --sent USERNAME                    record that it was sent to the customer\n"},
    {"messages", cmd_messages,
     "  messages list [--all]                     the support queue of customers' messages\n"},
    {"product", cmd_product,
     "  product add|edit|stock|image ...          manage the catalogue's products and images\n"},
    {"category", cmd_category,
     "  category add SLUG NAME                    add a catalogue category\n"},
    {"purge", cmd_purge,
     "  purge [--dry-run]                         erase what the retention periods say must go\n"},
    {"traffic", cmd_traffic,
     "  traffic ingest                            add the traffic log to the daily aggregates\n"
     "  traffic report METRIC FROM TO             one aggregate over days, small groups merged\n"},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fputs("usage: dittoctl [--config FILE] COMMAND [ARGS]\n"
	      "commands:\n",
	      f);
	for (size_t c = 0; c < NCOMMANDS; c++)
		fputs(commands[c].synopsis, f);
	fputs("Run 'dittoctl COMMAND --help' for a command's options.\n"
	      "Errors: one line on stderr and exit status 1 (2 for bad arguments).\n"
	      "Without --config: /etc/ditto/ditto.conf when it exists, else var/ditto.conf\n"
	      "(made by scripts/run in a checkout).\n",
	      f);
}

int main(int argc, char **argv)
{
	int i = 1;
	/* Only errors from the data-access layer: the command reports its own outcome. */
	log_init("dittoctl", LOG_LVL_ERROR);
	if (i < argc && ctl_is_help(argv[i])) {
		usage(stdout);
		return CTL_OK;
	}
	if (i < argc && strcmp(argv[i], "--config") == 0) {
		if (i + 1 >= argc)
			return usage_fail("--config needs a FILE (try: dittoctl --help)");
		ctl_set_config_path(argv[i + 1]);
		i += 2;
	}
	if (i < argc && ctl_is_help(argv[i])) {
		usage(stdout);
		return CTL_OK;
	}
	if (i >= argc) {
		usage(stdout);
		return usage_fail("no command given");
	}
	if (sodium_init() < 0)
		return fail("libsodium failed to initialise");
	const char *cmd = argv[i];
	for (size_t c = 0; c < NCOMMANDS; c++)
		if (strcmp(cmd, commands[c].name) == 0)
			return commands[c].run(argc - i, argv + i);
	return usage_fail("unknown command '%s' (try: dittoctl --help)", cmd);
}
