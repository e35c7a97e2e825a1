/* commands.c - the table of subcommands, in the order `embudo --help` lists them. */
#include "cli/cli.h"

extern const cli_command cmd_init;
extern const cli_command cmd_export, cmd_backup;
extern const cli_command cmd_deal, cmd_lead, cmd_account, cmd_contact, cmd_activity, cmd_product, cmd_order,
    cmd_order_line, cmd_user, cmd_team, cmd_goal, cmd_region, cmd_pipeline, cmd_stage, cmd_expense, cmd_rate;

const cli_command *const cli_commands[] = {
    &cmd_init,
    &cmd_export,
    &cmd_backup,
    &cmd_deal,
    &cmd_lead,
    &cmd_account,
    &cmd_contact,
    &cmd_activity,
    &cmd_product,
    &cmd_order,
    &cmd_order_line,
    &cmd_user,
    &cmd_team,
    &cmd_goal,
    &cmd_region,
    &cmd_pipeline,
    &cmd_stage,
    &cmd_expense,
    &cmd_rate,
extern const cli_command cmd_import;

const cli_command *const cli_commands[] = {
    &cmd_init,
    &cmd_import,
    NULL,
};
