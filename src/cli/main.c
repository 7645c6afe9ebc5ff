/*
 * octavo command line: subcommand dispatch.
 *
 * Each subcommand lives in its own cmd_<name>.c and parses its own options;
 * this file only routes, prints top-level help and the version.
 */
#include <stdio.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "cli/commands.h"
#include "octavo/octavo.h"

#ifdef OV_WITH_JEMALLOC
/* The program allocates with jemalloc (CMakeLists.txt, OV_JEMALLOC): 7-9%
 * less CPU than glibc's malloc on a 1,000-article build, ~19% at 10,000
 * (the pages' short-lived DOM trees, freed on other threads than the fetch
 * loop's). Freed pages go back to the system 250 ms after their last use
 * instead of jemalloc's default 10 s, and at once instead of being kept
 * "muzzy": peak RSS of a 10,000-article book 57 -> 55 MB, where the default
 * decay gave 58-63 MB. MALLOC_CONF in the environment still overrides it.
 * Output does not depend on it (same book bytes). */
extern const char *malloc_conf;
const char *malloc_conf = "dirty_decay_ms:250,muzzy_decay_ms:0";

static void malloc_tune(void)
{
}
#else
/* glibc's malloc raises its mmap threshold to the largest block freed so
 * far (up to 32 MB) and the trim threshold with it: after one large page
 * or image buffer, every later one comes from the heap, and the heap's top
 * is kept instead of given back. Fixed thresholds keep large buffers in
 * mmap and return freed memory at the top: peak RSS of a 10,000-article
 * book 93.7 -> 88.9 MB, same time. Output does not depend on it. */
#define OV__CLI_MMAP_THRESHOLD (256 * 1024)
#define OV__CLI_TRIM_THRESHOLD (1024 * 1024)

static void malloc_tune(void)
{
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, OV__CLI_MMAP_THRESHOLD);
    mallopt(M_TRIM_THRESHOLD, OV__CLI_TRIM_THRESHOLD);
#endif
}
#endif

/* Weak so the CLI links while a command is being written; every command
 * is present in a release build (tests/integration checks each --help). */
#pragma weak ov__cmd_build
#pragma weak ov__cmd_extract
#pragma weak ov__cmd_feed
#pragma weak ov__cmd_issues
#pragma weak ov__cmd_opds

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static void usage(FILE *f, const command *cmds, size_t n)
{
    fprintf(f, "usage: octavo COMMAND [OPTIONS] [ARGS]\n"
               "       octavo help [COMMAND]\n"
               "       octavo --version\n\ncommands:\n");
    for (size_t i = 0; i < n; i++)
        fprintf(f, "  %-9s %s\n", cmds[i].name, cmds[i].summary);
    fprintf(f, "  %-9s %s\n", "help", "describe a command (as 'octavo COMMAND --help' does)");
    fprintf(f, "\noptions:\n"
               "  -h, --help     this help\n"
               "  -V, --version  print the version and exit\n"
               "\n'octavo help COMMAND' or 'octavo COMMAND --help' describes each command;\n"
               "man octavo has them all, man octavo-recipe the recipe format.\n"
               "exit codes: 0 success, 1 failure (no book), 2 usage error,\n"
               "            3 partial (book written, something skipped), 4 nothing new\n");
}

int main(int argc, char **argv)
{
    const command cmds[] = {
        {"build", ov__cmd_build, "make an EPUB from pages, folders, feeds, sitemaps or a recipe"},
        {"extract", ov__cmd_extract, "print the article found in one page (text or --json)"},
        {"feed", ov__cmd_feed, "list the entries a feed gives (text or --json)"},
        {"issues", ov__cmd_issues, "list the issues and articles the state store knows"},
        {"opds", ov__cmd_opds, "write an OPDS catalog of the books in a folder"},
    };
    size_t n = sizeof cmds / sizeof cmds[0];
    malloc_tune();
    if (argc < 2) {
        usage(stderr, cmds, n);
        return OV_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0 ||
        strcmp(argv[1], "version") == 0) {
        printf("octavo %s\n", OV_VERSION_STRING);
        return OV_EXIT_OK;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        (strcmp(argv[1], "help") == 0 && argc == 2)) {
        usage(stdout, cmds, n);
        return OV_EXIT_OK;
    }
    if (strcmp(argv[1], "help") == 0) {
        /* `octavo help COMMAND` is `octavo COMMAND --help` */
        if (argc > 3) {
            fprintf(stderr, "octavo help: one command at a time\n");
            return OV_EXIT_USAGE;
        }
        for (size_t i = 0; i < n; i++) {
            if (strcmp(argv[2], cmds[i].name) == 0 && cmds[i].run) {
                static char help_flag[] = "--help";
                char *hargv[] = {argv[2], help_flag, NULL};
                return cmds[i].run(2, hargv);
            }
        }
        fprintf(stderr, "octavo help: unknown command '%s'\n\n", argv[2]);
        usage(stderr, cmds, n);
        return OV_EXIT_USAGE;
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(argv[1], cmds[i].name) == 0) {
            if (!cmds[i].run) {
                fprintf(stderr, "octavo: '%s' is not built into this binary\n", cmds[i].name);
                return OV_EXIT_FAIL;
            }
            return cmds[i].run(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "octavo: unknown command '%s'\n\n", argv[1]);
    usage(stderr, cmds, n);
    return OV_EXIT_USAGE;
}
