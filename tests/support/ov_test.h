/* Shared test helpers: paths, running the CLI, where books go. */
#ifndef OV_TEST_H
#define OV_TEST_H

#include <stddef.h>

/* Defined in a build under AddressSanitizer (gcc or clang), where valgrind
 * cannot run the program. */
#if defined(__SANITIZE_ADDRESS__)
#define OV_TEST_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OV_TEST_UNDER_ASAN 1
#endif
#endif

/* $OV_SOURCE_DIR (the repository root); aborts the test when unset. */
const char *ov_test_source_dir(void);
/* Malloc'd "<source dir>/<rel>" (caller frees). */
char *ov_test_source_path(const char *rel);
/* $OV_CLI, the octavo binary under test. */
const char *ov_test_cli(void);
/*
 * Malloc'd path for a book a test writes: "$OV_TEST_BOOKS/<name>" (caller frees).
 * The directory is created. Every .epub there is checked by the epubcheck gate,
 * so tests must write their books here, and only valid books under *.epub.
 */
char *ov_test_book_path(const char *name);
/* Malloc'd path of a fresh empty scratch directory for this test (caller frees). */
char *ov_test_tmpdir(const char *tag);

/* Result of running a command. Free with ov_test_run_free. */
typedef struct ov_test_run {
    int status;   /* exit code, or 128+signal */
    char *out;    /* captured stdout, NUL-terminated */
    char *err;    /* captured stderr, NUL-terminated */
    int pid;      /* the process id it ran as */
} ov_test_run;
/* Run `argv` (NULL-terminated; argv[0] is a path) with extra environment
 * `env` ("K=V" strings, NULL-terminated, may be NULL) and capture its output. */
int ov_test_exec(char *const argv[], char *const env[], ov_test_run *r);
void ov_test_run_free(ov_test_run *r);
/* Run the CLI under test ($OV_CLI) with `args` (NULL-terminated, without
 * argv[0]) and extra environment `env` (may be NULL); fails the test when it
 * cannot be started. Returns its exit status (also in r->status). */
int ov_test_octavo_argv(ov_test_run *r, char *const env[], char *const args[]);
/* The same with the arguments listed, NULL-terminated. */
int ov_test_octavo(ov_test_run *r, char *const env[], ...);
/* valgrind, as scripts/install-deps installs it. */
#define OV_TEST_VALGRIND "/usr/bin/valgrind"
/*
 * Instructions the CLI's own process executes for `args` (NULL-terminated,
 * without argv[0]), counted by valgrind's callgrind: deterministic to a
 * fraction of a percent, so a test can compare the work of two input sizes
 * without a timer. Processes it forks (the cover) are not counted. Skips the
 * test when valgrind is not installed; fails it when the run exits with a
 * status other than 0 or 3. The run's output is in *r when r is not NULL.
 */
long long ov_test_cli_instructions(char *const args[], ov_test_run *r);
/* Run epubcheck --failonwarnings on `path`; returns its exit status (0 = clean)
 * and puts the output in *report when not NULL (caller frees). */
int ov_test_epubcheck(const char *path, char **report);
/* Contents (NUL-terminated, caller frees) of the first entry of the zip at
 * `path` whose name ends with `suffix` ("EPUB/package.opf", ".opf",
 * "nav.xhtml"), and its length in *len when not NULL; NULL when none. */
char *ov_test_zip_entry(const char *path, const char *suffix, size_t *len);
/* A loopback TCP port nothing listens on now (bound to port 0, read back,
 * closed); fails the test when no socket can be bound. */
int ov_test_free_port(void);
/* Write `len` bytes of `data` to "<dir>/<name>"; fails the test when it cannot. */
void ov_test_write(const char *dir, const char *name, const void *data, size_t len);
/* Copy the repository file `rel` (e.g. "tests/fixtures/fetch/tiny.png") to
 * "<dir>/<name>"; fails the test when it cannot. */
void ov_test_copy_source(const char *rel, const char *dir, const char *name);
/* Malloc'd file contents (NUL-terminated) and length; NULL on error. */
char *ov_test_slurp(const char *path, size_t *len);

#endif
