/* `octavo issues`: what the state store knows (recipes, issues, articles). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "octavo/state.h"
#include "util/buf.h"

static void issues_usage(FILE *f)
{
    fprintf(f,
            "usage: octavo issues [--state PATH] [--recipe ID] [--articles] [--json]\n\n"
            "List the issues recorded in the state store, oldest first per recipe.\n\n"
            "  --state PATH   state database (default $XDG_STATE_HOME/octavo/state.db,\n"
            "                 else ~/.local/state/octavo/state.db)\n"
            "  --recipe ID    only this recipe (the recipe's id)\n"
            "  --articles     also list each issue's new articles\n"
            "  --json         one JSON object on stdout\n"
            "  -h, --help     this help\n\n"
            "exit codes: 0 success, 1 failure, 2 usage error\n");
}

static void day(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm))
        memset(&tm, 0, sizeof tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int print_text(const ov_state_listing *l, int with_articles)
{
    const char *last = NULL;
    if (!l->n)
        printf("no issues recorded\n");
    for (size_t i = 0; i < l->n; i++) {
        const ov_state_issue *is = &l->issues[i];
        char date[32];
        if (!last || strcmp(last, is->recipe_id))
            printf("%s%s%s%s\n", i ? "\n" : "", is->recipe_id, is->recipe_title ? " - " : "",
                   is->recipe_title ? is->recipe_title : "");
        last = is->recipe_id;
        day(is->date, date);
        printf("  #%-4d %s  %3zu articles  %s\n", is->number, date, is->article_count,
               is->path ? is->path : "-");
        for (size_t j = 0; with_articles && j < is->article_count; j++)
            printf("        %s%s%s\n", is->articles[j].url, is->articles[j].title ? "  " : "",
                   is->articles[j].title ? is->articles[j].title : "");
    }
    return 0;
}

static int put_issue_json(ov__buf *b, const ov_state_issue *is, int with_articles)
{
    char date[32], created[32];
    day(is->date, date);
    day(is->created_at, created);
    int rc = ov__buf_puts(b, "{\"recipe\":") || ov__buf_put_json(b, is->recipe_id) ||
             ov__buf_puts(b, ",\"title\":") || ov__buf_put_json(b, is->recipe_title) ||
             ov__buf_printf(b, ",\"number\":%d,\"date\":\"%s\",\"created_at\":\"%s\",\"path\":",
                            is->number, date, created) ||
             ov__buf_put_json(b, is->path) ||
             ov__buf_printf(b, ",\"article_count\":%zu", is->article_count);
    if (!rc && with_articles) {
        rc = ov__buf_puts(b, ",\"articles\":[");
        for (size_t j = 0; !rc && j < is->article_count; j++)
            rc = ov__buf_puts(b, j ? ",{\"url\":" : "{\"url\":") ||
                 ov__buf_put_json(b, is->articles[j].url) || ov__buf_puts(b, ",\"title\":") ||
                 ov__buf_put_json(b, is->articles[j].title) ||
                 ov__buf_puts(b, ",\"body_hash\":") ||
                 ov__buf_put_json(b, is->articles[j].body_hash) || ov__buf_putc(b, '}');
        if (!rc)
            rc = ov__buf_putc(b, ']');
    }
    return rc || ov__buf_putc(b, '}');
}

static int print_json(const ov_state_listing *l, int with_articles)
{
    ov__buf b = OV__BUF_INIT;
    int rc = ov__buf_puts(&b, "{\"issues\":[");
    for (size_t i = 0; !rc && i < l->n; i++)
        rc = (i && ov__buf_putc(&b, ',')) || put_issue_json(&b, &l->issues[i], with_articles);
    if (!rc)
        rc = ov__buf_puts(&b, "]}\n");
    if (!rc)
        fputs(b.data, stdout);
    ov__buf_free(&b);
    return rc ? -1 : 0;
}

int ov__cmd_issues(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"state", required_argument, NULL, 's'}, {"recipe", required_argument, NULL, 'r'},
        {"articles", no_argument, NULL, 'a'},    {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
    const char *state_path = NULL, *recipe = NULL;
    char *def = NULL;
    int json = 0, articles = 0, c, rc = OV_EXIT_FAIL;
    ov_state *st = NULL;
    ov_state_listing *l = NULL;
    ov_error err;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 's': state_path = optarg; break;
        case 'r': recipe = optarg; break;
        case 'a': articles = 1; break;
        case 'j': json = 1; break;
        case 'h': issues_usage(stdout); return OV_EXIT_OK;
        default: issues_usage(stderr); return OV_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "octavo issues: unexpected argument '%s'\n", argv[optind]);
        issues_usage(stderr);
        return OV_EXIT_USAGE;
    }
    if (!state_path) {
        if (ov_state_default_path(&def, &err)) {
            fprintf(stderr, "octavo issues: %s\n", err.message);
            return OV_EXIT_USAGE;
        }
        state_path = def;
    }
    if (access(state_path, F_OK) != 0) { /* listing must not create a database */
        if (json)
            fputs("{\"issues\":[]}\n", stdout);
        else
            printf("no issues recorded (no state database at %s)\n", state_path);
        rc = OV_EXIT_OK;
        goto cleanup;
    }
    if (ov_state_open(state_path, &st, &err) ||
        ov_state_list(st, recipe, articles || json, &l, &err)) {
        fprintf(stderr, "octavo issues: %s\n", err.message);
        goto cleanup;
    }
    if ((json ? print_json(l, articles) : print_text(l, articles)) == 0)
        rc = OV_EXIT_OK;
cleanup:
    ov_state_list_free(l);
    ov_state_close(st);
    free(def);
    return rc;
}
