/* State store: schema, seen/unseen, issue counter, recording, listings, run locks. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "octavo/state.h"
#include "ov_test.h"

static char *db_path(const char *tag)
{
    char *dir = ov_test_tmpdir(tag), *p = NULL;
    cr_assert(asprintf(&p, "%s/nested/dir/state.db", dir) > 0);
    free(dir);
    return p;
}

static ov_state *open_ok(const char *path)
{
    ov_state *st = NULL;
    ov_error err;
    cr_assert_eq(ov_state_open(path, &st, &err), 0, "%s", err.message);
    return st;
}

Test(state, new_db_counter_seen_record)
{
    char *path = db_path("state-basic");
    ov_state *st = open_ok(path);
    struct stat sb;
    cr_assert_eq(stat(path, &sb), 0, "database file created with its directories");
    ov_error err;
    cr_assert_eq(ov_state_next_issue(st, "daily", &err), 1);
    cr_assert_eq(ov_state_seen(st, "daily", "http://x.test/a", "h1", &err), 0);

    ov_state_article arts[] = {{"http://x.test/a", "h1", "A", 0}, {"http://x.test/b", NULL, "B", 0}};
    ov_state_issue is = {"daily", "The Daily", 1, 1700000000, 1700000100, "/books/d1.epub", 0, NULL};
    cr_assert_eq(ov_state_record_issue(st, &is, arts, 2, &err), 0, "%s", err.message);
    cr_assert_eq(ov_state_next_issue(st, "daily", &err), 2);
    cr_assert_eq(ov_state_next_issue(st, "other", &err), 1, "counters are per recipe");
    cr_assert_eq(ov_state_seen(st, "daily", "http://x.test/a", NULL, &err), 1);
    cr_assert_eq(ov_state_seen(st, "daily", "http://x.test/moved", "h1", &err), 1,
                 "same body under a new URL is seen");
    cr_assert_eq(ov_state_seen(st, "daily", "http://x.test/c", "h9", &err), 0);
    cr_assert_eq(ov_state_seen(st, "other", "http://x.test/a", "h1", &err), 0);

    cr_assert_eq(ov_state_record_issue(st, &is, arts, 2, &err), OV_EINVAL, "issue 1 twice");
    cr_assert(strstr(err.message, "already recorded"), "%s", err.message);

    ov_state_article arts2[] = {{"http://x.test/a", "h1", "A", 0}, {"http://x.test/c", "h3", "C", 0}};
    ov_state_issue is2 = {"daily", NULL, 2, 1700086400, 1700086500, "/books/d2.epub", 0, NULL};
    cr_assert_eq(ov_state_record_issue(st, &is2, arts2, 2, &err), 0, "%s", err.message);
    ov_state_close(st);

    /* Reopen: everything persisted. */
    st = open_ok(path);
    cr_assert_eq(ov_state_next_issue(st, "daily", &err), 3);
    ov_state_listing *l = NULL;
    cr_assert_eq(ov_state_list(st, NULL, 1, &l, &err), 0, "%s", err.message);
    cr_assert_eq(l->n, 2);
    cr_assert_str_eq(l->issues[0].recipe_id, "daily");
    cr_assert_str_eq(l->issues[0].recipe_title, "The Daily", "title kept when later NULL");
    cr_assert_eq(l->issues[0].number, 1);
    cr_assert_eq(l->issues[0].date, 1700000000);
    cr_assert_eq(l->issues[0].created_at, 1700000100);
    cr_assert_str_eq(l->issues[0].path, "/books/d1.epub");
    cr_assert_eq(l->issues[0].article_count, 2);
    cr_assert_str_eq(l->issues[0].articles[1].url, "http://x.test/b");
    cr_assert_eq(l->issues[1].article_count, 1, "issue 2 first carried only c");
    cr_assert_str_eq(l->issues[1].articles[0].title, "C");
    ov_state_list_free(l);
    cr_assert_eq(ov_state_list(st, "nope", 0, &l, &err), 0);
    cr_assert_eq(l->n, 0);
    ov_state_list_free(l);
    ov_state_close(st);
    free(path);
}

Test(state, lock_second_connection)
{
    char *path = db_path("state-lock");
    ov_state *a = open_ok(path), *b = open_ok(path);
    ov_error err;
    cr_assert_eq(ov_state_lock(a, "daily", &err), 0, "%s", err.message);
    cr_assert_eq(ov_state_lock(b, "daily", &err), OV_ELOCKED);
    char want[128];
    snprintf(want, sizeof want, "another octavo run for recipe daily is in progress (pid %ld)",
             (long)getpid());
    cr_assert_str_eq(err.message, want);
    cr_assert_eq(ov_state_lock(b, "weekly", &err), 0, "other recipes are independent");
    ov_state_unlock(b);
    ov_state_unlock(a);
    cr_assert_eq(ov_state_lock(b, "daily", &err), 0, "free again after unlock");
    ov_state_close(b);
    ov_state_close(a);
    free(path);
}

Test(state, lock_from_other_process)
{
    char *path = db_path("state-lock-proc");
    int to_child[2], to_parent[2];
    cr_assert_eq(pipe(to_child), 0);
    cr_assert_eq(pipe(to_parent), 0);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        ov_state *st = NULL;
        char c;
        if (ov_state_open(path, &st, NULL) || ov_state_lock(st, "daily", NULL))
            _exit(1);
        if (write(to_parent[1], "L", 1) != 1 || read(to_child[0], &c, 1) != 1)
            _exit(2);
        ov_state_close(st);
        _exit(0);
    }
    char c = 0;
    cr_assert_eq(read(to_parent[0], &c, 1), 1);
    ov_state *st = open_ok(path);
    ov_error err;
    cr_assert_eq(ov_state_lock(st, "daily", &err), OV_ELOCKED);
    char want[64];
    snprintf(want, sizeof want, "(pid %ld)", (long)pid);
    cr_assert(strstr(err.message, want), "%s", err.message);
    cr_assert_eq(write(to_child[1], "x", 1), 1);
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    cr_assert_eq(ov_state_lock(st, "daily", &err), 0, "lock released when the holder exits");
    ov_state_close(st);
    free(path);
}

Test(state, not_an_octavo_db)
{
    char *dir = ov_test_tmpdir("state-foreign"), *p = NULL;
    cr_assert(asprintf(&p, "%s/foreign.db", dir) > 0);
    char *cmd = NULL;
    cr_assert(asprintf(&cmd, "sqlite3 '%s' 'CREATE TABLE t(x);' 2>/dev/null", p) > 0);
    if (system(cmd) != 0)
        cr_skip_test("sqlite3 CLI not installed");
    ov_state *st = NULL;
    ov_error err;
    cr_assert_eq(ov_state_open(p, &st, &err), OV_EPARSE);
    cr_assert(strstr(err.message, "not an octavo state database"), "%s", err.message);
    cr_assert_null(st);
    free(cmd);
    free(p);
    free(dir);
}

Test(state, default_path)
{
    char *p = NULL;
    ov_error err;
    setenv("XDG_STATE_HOME", "/srv/state", 1);
    cr_assert_eq(ov_state_default_path(&p, &err), 0);
    cr_assert_str_eq(p, "/srv/state/octavo/state.db");
    free(p);
    unsetenv("XDG_STATE_HOME");
    setenv("HOME", "/home/u", 1);
    cr_assert_eq(ov_state_default_path(&p, &err), 0);
    cr_assert_str_eq(p, "/home/u/.local/state/octavo/state.db");
    free(p);
}

/* Several processes creating the same fresh database at once all succeed. */
Test(state, concurrent_first_open)
{
    char *path = db_path("state-race");
    pid_t kids[4];
    for (int i = 0; i < 4; i++) {
        kids[i] = fork();
        cr_assert_geq(kids[i], 0);
        if (kids[i] == 0) {
            ov_state *st = NULL;
            ov_error e = {0};
            int rc = ov_state_open(path, &st, &e);
            if (!rc) {
                int n = ov_state_next_issue(st, "daily", &e);
                if (n != 1) {
                    fprintf(stderr, "child %d: next issue %d: %s\n", i, n, e.message);
                    rc = 1;
                }
            } else {
                fprintf(stderr, "child %d: open: %s\n", i, e.message);
            }
            ov_state_close(st);
            _exit(rc ? 1 : 0);
        }
    }
    for (int i = 0; i < 4; i++) {
        int status = 0;
        cr_assert_eq(waitpid(kids[i], &status, 0), kids[i]);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %d failed", i);
    }
    free(path);
}
