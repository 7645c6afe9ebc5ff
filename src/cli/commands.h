/* Subcommands of the octavo CLI. Each returns a process exit code (OV_EXIT_*). */
#ifndef OV_CLI_COMMANDS_H
#define OV_CLI_COMMANDS_H

/* Exit codes OV_EXIT_* (documented in README.md) are public: octavo/build.h. */
#include "octavo/build.h"

#include <stddef.h>

#include "octavo/fetch.h"

/* Read `arg`: an http(s) URL is fetched once as `kind` (a non-2xx answer is
 * an error; *final_url and *ctype are set, malloc'd), anything else is a
 * local file of at most `max_file` bytes. *data is malloc'd and NUL-ended. */
int ov__cli_load(const char *arg, ov_fetch_kind kind, size_t max_file, unsigned char **data,
                 size_t *len, char **final_url, char **ctype, ov_error *err);

int ov__cmd_build(int argc, char **argv);
int ov__cmd_extract(int argc, char **argv);
int ov__cmd_feed(int argc, char **argv);
int ov__cmd_issues(int argc, char **argv);
int ov__cmd_opds(int argc, char **argv);

#endif
