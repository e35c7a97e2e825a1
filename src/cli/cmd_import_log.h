/* cmd_import_log.h - `embudo import list|undo`, run by cmd_import.c (cmd_import_log.c). */
#ifndef EMB_CMD_IMPORT_LOG_H
#define EMB_CMD_IMPORT_LOG_H

#include "cli/cli.h"

/* argv[0] is "list" or "undo"; cmd is `import`'s descriptor (usage and errors). */
int cmd_import_log(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv);

#endif
