/*
 * vips_dl.c - load libvips on first use (see vips_dl.h).
 */
#define OV__VIPS_DL_NO_REDIRECT
#include "package/image/vips_dl.h"
#include "package/image/vips_loaded.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#if !defined OV_VIPS_SONAME && !defined OV_VIPS_LINKED
#error "OV_VIPS_SONAME (the soname of the libvips we build against) is set by CMakeLists.txt"
#endif

/* Longest loader message kept for the error (dlerror's text). */
#define OV__VIPS_DL_MAX_REASON 512

ov__vips_api ov__vips;

static pthread_once_t ov__vips_once = PTHREAD_ONCE_INIT;
static int ov__vips_rc = -1;
/* set as ov__vips_load starts: a load that failed half-way may have run
 * constructors of libvips's libraries */
static int ov__vips_tried;
static char ov__vips_reason[OV__VIPS_DL_MAX_REASON];

#ifndef OV_VIPS_LINKED
static void ov__vips_reason_set(const char *what, const char *why)
{
    snprintf(ov__vips_reason, sizeof ov__vips_reason, "%s: %s", what,
             why ? why : "no reason given");
}
#endif

#ifdef OV_VIPS_LINKED
/* Sanitizer builds (OV_SANITIZE) link libvips instead: LeakSanitizer's
 * exit-time tracer crashes (signal 11) in a process that dlopened libvips
 * and its ~64 libraries. The table is filled from the linked symbols, so
 * every call still goes through it and the same list is checked. */
static void ov__vips_do_load(void)
{
#define OV__VIPS_BIND(name) ov__vips.name = name;
    OV__VIPS_FUNCS(OV__VIPS_BIND)
#undef OV__VIPS_BIND
    ov__vips_rc = 0;
}
#else
static void ov__vips_do_load(void)
{
    /* RTLD_LOCAL: nothing else in the process resolves against libvips's
     * dependencies by accident; dlsym on the handle still searches them
     * (glib, gobject and gmodule come with libvips). The handle is never
     * closed: libvips cannot be unloaded once it has started. RTLD_LAZY:
     * binding each of the ~60 libraries' functions up front costs a few ms
     * of CPU per process that draws, for the few hundred we reach; the 53
     * we call are looked up below all the same, so a libvips without one
     * is still refused here, not at its first call. */
    void *h = dlopen(OV_VIPS_SONAME, RTLD_LAZY | RTLD_LOCAL);
    void *sym;
    if (!h) {
        ov__vips_reason_set("cannot load " OV_VIPS_SONAME, dlerror());
        return;
    }
#define OV__VIPS_BIND(name)                                                                       \
    if (!(sym = dlsym(h, #name))) {                                                               \
        ov__vips_reason_set(OV_VIPS_SONAME " has no " #name, dlerror());                          \
        memset(&ov__vips, 0, sizeof ov__vips);                                                    \
        return;                                                                                   \
    }                                                                                             \
    memcpy(&ov__vips.name, &sym, sizeof sym);
    OV__VIPS_FUNCS(OV__VIPS_BIND)
#undef OV__VIPS_BIND
    ov__vips_rc = 0;
}
#endif

int ov__vips_loaded(void)
{
    return __atomic_load_n(&ov__vips_tried, __ATOMIC_RELAXED);
}

int ov__vips_load(ov_error *err)
{
    __atomic_store_n(&ov__vips_tried, 1, __ATOMIC_RELAXED);
    pthread_once(&ov__vips_once, ov__vips_do_load);
    if (ov__vips_rc != 0)
        return ov_error_set(err, OV_ERROR, "", "libvips is not available (%s)", ov__vips_reason);
    return 0;
}
