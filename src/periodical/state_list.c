/* State store listings for `octavo issues`, and the default database path. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "octavo/state.h"
#include "periodical_internal.h"

/* Cap on rows one listing holds (bounded everything). */
#define STATE_LIST_MAX_ROWS 1000000u

static char *dup_col(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? strdup((const char *)t) : NULL;
}

static int list_articles(sqlite3 *db, ov_state_issue *is)
{
    sqlite3_stmt *s = NULL;
    size_t cap = 0;
    int rc = sqlite3_prepare_v2(db,
                                "SELECT url, body_hash, title, first_issue FROM articles"
                                " WHERE recipe_id=?1 AND first_issue=?2 ORDER BY rowid",
                                -1, &s, NULL);
    if (rc != SQLITE_OK)
        return OV_EIO;
    sqlite3_bind_text(s, 1, is->recipe_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, is->number);
    rc = 0;
    while (!rc && sqlite3_step(s) == SQLITE_ROW) {
        if (is->article_count >= STATE_LIST_MAX_ROWS) {
            rc = OV_ELIMIT;
            break;
        }
        if (is->article_count == cap) {
            cap = cap ? cap * 2 : 16;
            ov_state_article *na = realloc(is->articles, cap * sizeof *na);
            if (!na) {
                rc = OV_ENOMEM;
                break;
            }
            is->articles = na;
        }
        ov_state_article *a = &is->articles[is->article_count++];
        a->url = dup_col(s, 0);
        a->body_hash = dup_col(s, 1);
        a->title = dup_col(s, 2);
        a->first_issue = sqlite3_column_int(s, 3);
    }
    sqlite3_finalize(s);
    return rc;
}

int ov_state_list(ov_state *st, const char *recipe_id, int with_articles,
                  ov_state_listing **out, ov_error *err)
{
    sqlite3_stmt *s = NULL;
    ov_state_listing *l = calloc(1, sizeof *l);
    size_t cap = 0;
    int rc = 0;
    *out = NULL;
    if (!l)
        return ov_error_set(err, OV_ENOMEM, NULL, "out of memory");
    if (sqlite3_prepare_v2(ov__state_db(st),
                           "SELECT i.recipe_id, r.title, i.number, i.date, i.created_at, i.path,"
                           " i.article_count FROM issues i LEFT JOIN recipes r ON r.id=i.recipe_id"
                           " WHERE ?1 IS NULL OR i.recipe_id=?1 ORDER BY i.recipe_id, i.number",
                           -1, &s, NULL) != SQLITE_OK) {
        rc = ov_error_set(err, OV_EIO, NULL, "state database: %s",
                          sqlite3_errmsg(ov__state_db(st)));
        goto cleanup;
    }
    sqlite3_bind_text(s, 1, recipe_id, -1, SQLITE_STATIC);
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (l->n >= STATE_LIST_MAX_ROWS) {
            rc = ov_error_set(err, OV_ELIMIT, NULL, "more than %u issues", STATE_LIST_MAX_ROWS);
            goto cleanup;
        }
        if (l->n == cap) {
            cap = cap ? cap * 2 : 16;
            ov_state_issue *ni = realloc(l->issues, cap * sizeof *ni);
            if (!ni) {
                rc = ov_error_set(err, OV_ENOMEM, NULL, "out of memory");
                goto cleanup;
            }
            l->issues = ni;
        }
        ov_state_issue *is = &l->issues[l->n++];
        memset(is, 0, sizeof *is);
        is->recipe_id = dup_col(s, 0);
        is->recipe_title = dup_col(s, 1);
        is->number = sqlite3_column_int(s, 2);
        is->date = sqlite3_column_int64(s, 3);
        is->created_at = sqlite3_column_int64(s, 4);
        is->path = dup_col(s, 5);
        is->article_count = (size_t)sqlite3_column_int64(s, 6);
        if (!is->recipe_id) {
            rc = ov_error_set(err, OV_ENOMEM, NULL, "out of memory");
            goto cleanup;
        }
        if (with_articles) {
            is->article_count = 0;
            if ((rc = list_articles(ov__state_db(st), is))) {
                rc = ov_error_set(err, rc, NULL, "cannot list the articles of issue %d",
                                  is->number);
                goto cleanup;
            }
        }
    }
    *out = l;
    l = NULL;
cleanup:
    sqlite3_finalize(s);
    ov_state_list_free(l);
    return rc;
}

void ov_state_list_free(ov_state_listing *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        ov_state_issue *is = &l->issues[i];
        for (size_t j = 0; is->articles && j < is->article_count; j++) {
            free((char *)is->articles[j].url);
            free((char *)is->articles[j].body_hash);
            free((char *)is->articles[j].title);
        }
        free(is->articles);
        free((char *)is->recipe_id);
        free((char *)is->recipe_title);
        free((char *)is->path);
    }
    free(l->issues);
    free(l);
}

int ov_state_default_path(char **out, ov_error *err)
{
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    int n;
    *out = NULL;
    if (xdg && *xdg == '/')
        n = asprintf(out, "%s/octavo/state.db", xdg);
    else if (home && *home)
        n = asprintf(out, "%s/.local/state/octavo/state.db", home);
    else
        return ov_error_set(err, OV_ENOTFOUND, NULL,
                            "neither XDG_STATE_HOME nor HOME is set: pass --state PATH");
    if (n < 0) {
        *out = NULL;
        return ov_error_set(err, OV_ENOMEM, NULL, "out of memory");
    }
    return 0;
}
