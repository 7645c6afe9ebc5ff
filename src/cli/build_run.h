/* Running a build once its options are known: shared by flags and recipes. */
#ifndef OV_CLI_BUILD_RUN_H
#define OV_CLI_BUILD_RUN_H

#include <stddef.h>

#include "octavo/build.h"

/* The library's build options plus the CLI-level settings around them. */
typedef struct ov__build_options {
    ov_build_options b;     /* what ov_build() is given; b.inputs/b.authors point below */
    ov_build_input inputs[OV_BUILD_MAX_INPUTS];
    const char *authors[OV_BUILD_MAX_AUTHORS];
    const char *pattern;    /* applied to inputs from the command line */
    double oldest_days;
    size_t max_articles;
    const char *cache_dir;  /* NULL = XDG default */
    int no_cache;
    int force_progress;
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

/* Read the clock, cache folder and terminal, run ov_build(), print the
 * outcome; returns an OV_EXIT_* code. */
int ov__build_run(ov__build_options *o);

#endif
