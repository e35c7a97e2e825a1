/* commands.c - the table of subcommands, in the order `embudo --help` lists them. */
#include "cli/cli.h"

extern const cli_command cmd_init;
extern const cli_command cmd_demo;

const cli_command *const cli_commands[] = {
    &cmd_init,
    &cmd_demo,
    NULL,
};
