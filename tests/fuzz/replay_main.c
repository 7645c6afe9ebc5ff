/*
 * replay_main.c - run a fuzz target over a corpus without libFuzzer.
 *
 * Usage: replay_<target> DIR|FILE...  Each regular file (directories are
 * read one level deep, in sorted order) is passed once to
 * LLVMFuzzerTestOneInput(). A property violation abort()s, which fails the
 * ctest; sanitizer builds add ASan/UBSan checks. Files above REPLAY_MAX_BYTES
 * are an error, not silently skipped.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_BYTES (4u * 1024u * 1024u)

static int run_file(const char *path)
{
    int rc = -1;
    unsigned char *buf = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        goto cleanup;
    }
    buf = malloc(REPLAY_MAX_BYTES + 1);
    if (!buf) goto cleanup;
    size_t n = fread(buf, 1, REPLAY_MAX_BYTES + 1, f);
    if (ferror(f) || n > REPLAY_MAX_BYTES) {
        fprintf(stderr, "%s: unreadable or larger than %u bytes\n", path, REPLAY_MAX_BYTES);
        goto cleanup;
    }
    /* An exact-size copy, so ASan sees reads past the end of the input. */
    unsigned char *exact = malloc(n ? n : 1);
    if (!exact) goto cleanup;
    memcpy(exact, buf, n);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    rc = 0;
cleanup:
    free(buf);
    if (f) fclose(f);
    return rc;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, size_t *count)
{
    int rc = 0;
    struct dirent **list = NULL;
    int n = scandir(dir, &list, NULL, NULL);
    if (n < 0) {
        perror(dir);
        return -1;
    }
    char **names = calloc((size_t)n + 1, sizeof *names);
    for (int i = 0; names && i < n; i++) names[i] = list[i]->d_name;
    if (names) qsort(names, (size_t)n, sizeof *names, cmp_names);
    for (int i = 0; names && i < n && rc == 0; i++) {
        char path[4096];
        struct stat st;
        if (names[i][0] == '.') continue;
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, names[i]) >= sizeof path) {
            rc = -1;
            break;
        }
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) continue;
        rc = run_file(path);
        (*count)++;
    }
    if (!names) rc = -1;
    for (int i = 0; i < n; i++) free(list[i]);
    free(list);
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    size_t count = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            perror(argv[i]);
            return 1;
        }
        int rc = S_ISDIR(st.st_mode) ? run_dir(argv[i], &count) : run_file(argv[i]);
        if (!S_ISDIR(st.st_mode) && rc == 0) count++;
        if (rc != 0) return 1;
    }
    if (count == 0) {
        fprintf(stderr, "no corpus files found\n");
        return 1;
    }
    printf("replayed %zu inputs\n", count);
    return 0;
}
