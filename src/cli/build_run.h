/* Running a build once its options are known: shared by flags and recipes. */
#ifndef OV_CLI_BUILD_RUN_H
#define OV_CLI_BUILD_RUN_H

#include <stddef.h>

#include "build/pipeline.h"

/* Called after the book is safely written (state store, mail). Returns an
 * OV_EXIT_* code to use instead of the build's, or -1 to keep it. */
typedef int (*ov__after_write_fn)(void *ud, const ov_book *book, const char *path, int code);

/* The build configuration plus the CLI-level settings around it. */
typedef struct ov__build_options {
    ov__build_config cfg;
    const char *output;     /* output path */
    const char *pattern;    /* applied to inputs from the command line */
    double oldest_days;
    size_t max_articles;
    const char *cache_dir;  /* NULL = XDG default */
    int no_cache;
    int force_progress;
    const char *warc_path;  /* --warc: record every exchange here */
    const char *from_warc;  /* --from-warc: answer every request from this recording */
    ov__after_write_fn after_write;
    void *after_ud;
    /* recipes, state, delivery (build_recipe.c) */
    const char *recipe_path;
    const char *base_url;
    const char *state_path;
    int since_last;
    const char *send_to;
    const char *smtp_url;
    const char *mail_from;
} ov__build_options;

void ov__build_options_init(ov__build_options *o);

/* Build from --recipe: load it, fill `o`, take the state lock, run, record
 * the issue and deliver it. Returns an OV_EXIT_* code. */
int ov__build_recipe(ov__build_options *o);

/* Mail the book at `path` to o->send_to; returns 0 or prints why and returns -1. */
int ov__build_send(const ov__build_options *o, const char *path);

/* Run the build and write the book; returns an OV_EXIT_* code. */
int ov__build_run(ov__build_options *o);

#endif
