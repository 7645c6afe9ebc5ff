/* Subcommands of the octavo CLI. Each returns a process exit code (OV_EXIT_*). */
#ifndef OV_CLI_COMMANDS_H
#define OV_CLI_COMMANDS_H

/* Exit codes OV_EXIT_* (documented in README.md) are public: octavo/build.h. */
#include "octavo/build.h"

int ov__cmd_build(int argc, char **argv);
int ov__cmd_extract(int argc, char **argv);
int ov__cmd_feed(int argc, char **argv);
int ov__cmd_issues(int argc, char **argv);
int ov__cmd_opds(int argc, char **argv);

#endif
