/* commands.c - the table of subcommands, in the order `embudo --help` lists them.
 * One line per command in each list, so that branches adding commands merge. */
#include "cli/cli.h"

extern const cli_command cmd_init;
extern const cli_command cmd_demo;
extern const cli_command cmd_kpi;
extern const cli_command cmd_leaderboard;
extern const cli_command cmd_dashboard;
extern const cli_command cmd_import;
extern const cli_command cmd_export;
extern const cli_command cmd_audit;
extern const cli_command cmd_backup;
extern const cli_command cmd_serve;
extern const cli_command cmd_token;
extern const cli_command cmd_deal;
extern const cli_command cmd_lead;
extern const cli_command cmd_account;
extern const cli_command cmd_contact;
extern const cli_command cmd_activity;
extern const cli_command cmd_product;
extern const cli_command cmd_order;
extern const cli_command cmd_order_line;
extern const cli_command cmd_user;
extern const cli_command cmd_team;
extern const cli_command cmd_goal;
extern const cli_command cmd_region;
extern const cli_command cmd_pipeline;
extern const cli_command cmd_stage;
extern const cli_command cmd_expense;
extern const cli_command cmd_rate;

const cli_command *const cli_commands[] = {
    &cmd_init,
    &cmd_demo,
    &cmd_kpi,
    &cmd_leaderboard,
    &cmd_dashboard,
    &cmd_import,
    &cmd_export,
    &cmd_backup,
    &cmd_serve,
    &cmd_token,
    &cmd_audit,
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
    NULL,
};
