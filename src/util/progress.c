/* progress - the terminal progress bar; see progress.h. */
#include "util/progress.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

/* Width of the bar itself, in cells, on a wide terminal. */
#define OV__PROGRESS_BAR 20

static int drawn;

static void clock_str(double s, char *out, size_t size)
{
    /* at most 999 hours: the text always fits */
    int t = s < 0 ? 0 : s > 3599999.0 ? 3599999 : (int)(s + 0.5);
    if (t >= 3600)
        snprintf(out, size, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(out, size, "%d:%02d", t / 60, t % 60);
}

void ov__progress_format(const ov__progress_state *s, int width, char *out, size_t size)
{
    size_t done = s->pages_done + s->images_done, total = s->pages_total + s->images_total;
    char el[32], eta[48] = "", tail[192];
    clock_str(s->elapsed, el, sizeof el);
    if (done && total > done && s->elapsed > 0) {
        char t[32];
        clock_str(s->elapsed * (double)(total - done) / (double)done, t, sizeof t);
        snprintf(eta, sizeof eta, " ETA %s", t);
    }
    snprintf(tail, sizeof tail, " articles %zu/%zu  images %zu/%zu  %.1f MiB  %s%s",
             s->pages_done, s->pages_total, s->images_done, s->images_total,
             (double)s->bytes / (1024.0 * 1024.0), el, eta);
    if (s->failed) {
        size_t n = strlen(tail);
        snprintf(tail + n, sizeof tail - n, "  %zu failed", s->failed);
    }
    if (width < 1)
        width = 80;
    if (size > OV__PROGRESS_MAX + 1)
        size = OV__PROGRESS_MAX + 1;
    size_t limit = (size_t)width - 1 < size - 1 ? (size_t)width - 1 : size - 1; /* no wrap */
    /* the bar shrinks first, then the text is cut */
    int cells = (int)limit - (int)strlen(tail) - 2;
    cells = cells > OV__PROGRESS_BAR ? OV__PROGRESS_BAR : cells;
    char line[OV__PROGRESS_MAX + 64];
    size_t n = 0;
    if (cells >= 5) {
        int full = total ? (int)((double)cells * (double)done / (double)total) : 0;
        full = full > cells ? cells : full;
        line[n++] = '[';
        for (int i = 0; i < cells; i++)
            line[n++] = i < full ? '#' : '.';
        line[n++] = ']';
    }
    snprintf(line + n, sizeof line - n, "%s", cells >= 5 ? tail : tail + 1);
    size_t len = strlen(line);
    if (len > limit)
        len = limit;
    memcpy(out, line, len);
    out[len] = '\0';
}

static double now_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double ov__progress_elapsed(void)
{
    static double start = -1;
    double t = now_mono();
    if (start < 0)
        start = t;
    return t - start;
}

static int term_width(FILE *f)
{
    struct winsize ws;
    if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    const char *c = getenv("COLUMNS");
    int w = c ? atoi(c) : 0;
    return w > 0 ? w : 80;
}

void ov__progress_draw(FILE *f, ov__progress_state s)
{
    char line[OV__PROGRESS_MAX + 1];
    if (s.elapsed < 0)
        s.elapsed = ov__progress_elapsed();
    ov__progress_format(&s, term_width(f), line, sizeof line);
    fprintf(f, "\r%s\033[K", line);
    fflush(f);
    drawn = 1;
}

void ov__progress_clear(FILE *f)
{
    if (!drawn)
        return;
    fputs("\r\033[K", f);
    drawn = 0;
}

void ov__progress_end(FILE *f)
{
    if (drawn)
        fputc('\n', f);
    drawn = 0;
}
