/* The terminal progress bar (issue 11, item 11): one line, cut to the width. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/progress.h"

Test(progress, bar_counts_elapsed_and_eta)
{
    ov__progress_state s = {3, 10, 5, 10, 3 * 1024 * 1024 / 2, 0, 8.0};
    char line[OV__PROGRESS_MAX + 1];
    ov__progress_format(&s, 120, line, sizeof line);
    /* 8 of 20 done in 8 s: 12 left, 12 s */
    cr_assert_str_eq(line, "[########............] articles 3/10  images 5/10  1.5 MiB  0:08 ETA 0:12");
    s.failed = 2;
    s.elapsed = 3725;
    ov__progress_format(&s, 200, line, sizeof line);
    cr_assert(strstr(line, " 1:02:05 ETA 1:33:08  2 failed"), "%s", line);
}

Test(progress, never_wider_than_the_terminal)
{
    ov__progress_state s = {123, 456, 789, 1011, 99u * 1024 * 1024, 7, 65.0};
    char line[OV__PROGRESS_MAX + 1];
    for (int w = 1; w <= 200; w++) {
        ov__progress_format(&s, w, line, sizeof line);
        cr_assert_lt(strlen(line), (size_t)(w > 1 ? w : 2), "width %d: '%s'", w, line);
    }
    /* narrow: the bar goes before the numbers */
    ov__progress_format(&s, 60, line, sizeof line);
    cr_assert_eq(line[0], 'a', "%s", line);
    ov__progress_format(&s, 100, line, sizeof line);
    cr_assert_eq(line[0], '[', "%s", line);
    /* nothing to do yet: no ETA, an empty bar */
    ov__progress_state z = {0, 0, 0, 0, 0, 0, 0.0};
    ov__progress_format(&z, 80, line, sizeof line);
    cr_assert(strstr(line, "[....................] articles 0/0"), "%s", line);
    cr_assert_null(strstr(line, "ETA"));
}

Test(progress, messages_print_above_the_bar)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert(f);
    ov__progress_state s = {1, 2, 0, 0, 0, 0, 1.0};
    ov__progress_draw(f, s);
    ov__progress_clear(f);
    fputs("octavo: skipped x: gone\n", f);
    s.pages_done = 2;
    ov__progress_draw(f, s);
    ov__progress_end(f);
    fclose(f);
    /* bar, cleared, the message on its own line, the bar again, a final newline */
    cr_assert(strstr(buf, "\r\033[Koctavo: skipped x: gone\n\r[####################] articles 2/2"),
              "%s", buf);
    cr_assert_eq(buf[len - 1], '\n');
    free(buf);
}
