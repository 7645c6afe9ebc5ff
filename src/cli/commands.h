/* Subcommands of the octavo CLI. Each returns a process exit code (OV_EXIT_*). */
#ifndef OV_CLI_COMMANDS_H
#define OV_CLI_COMMANDS_H

/* Exit codes (documented in README.md). */
#define OV_EXIT_OK 0      /* success */
#define OV_EXIT_FAIL 1    /* failure: no book written */
#define OV_EXIT_USAGE 2   /* usage error */
#define OV_EXIT_PARTIAL 3 /* book written, something skipped (reported on stderr) */
#define OV_EXIT_NOTHING 4 /* nothing new to write (incremental run); no book */

int ov__cmd_build(int argc, char **argv);
int ov__cmd_extract(int argc, char **argv);
int ov__cmd_feed(int argc, char **argv);
int ov__cmd_issues(int argc, char **argv);
int ov__cmd_opds(int argc, char **argv);

#endif
