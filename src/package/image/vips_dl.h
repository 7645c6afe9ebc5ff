/*
 * vips_dl.h - libvips, loaded on first use instead of at start-up.
 *
 * Linking libvips brings about 64 shared libraries (glib, pango, cairo,
 * fontconfig, poppler, ImageMagick, ...) that the dynamic loader maps and
 * relocates in every run, about two thirds of the start-up of `octavo
 * extract` on one page, which never touches an image. So liboctavo does not
 * link libvips: ov__vips_load dlopens it (its soname, OV_VIPS_SONAME, taken
 * from the library we were built against) and fills ov__vips with the
 * functions listed below; the macros at the end send each call in the image
 * module through that table.
 *
 * A function used here and missing from OV__VIPS_FUNCS is an undefined
 * symbol at link time (liboctavo has no libvips to find it in), so the list
 * cannot silently fall behind the code.
 *
 * Include this after every system header: the macros rename the functions,
 * and a prototype read after them would not parse.
 */
#ifndef OV_VIPS_DL_H
#define OV_VIPS_DL_H

#include <gmodule.h>
#include <vips/vips.h>

#include "octavo/error.h"

#define OV__VIPS_FUNCS(X)                                                                         \
    X(g_dir_close)                                                                                \
    X(g_dir_open)                                                                                 \
    X(g_dir_read_name)                                                                            \
    X(g_free)                                                                                     \
    X(g_getenv)                                                                                   \
    X(g_log)                                                                                      \
    X(g_markup_escape_text)                                                                       \
    X(g_module_open)                                                                              \
    X(g_module_supported)                                                                         \
    X(g_object_ref)                                                                               \
    X(g_object_unref)                                                                             \
    X(g_setenv)                                                                                   \
    X(vips_area_unref)                                                                            \
    X(vips_array_double_new)                                                                      \
    X(vips_autorot)                                                                               \
    X(vips_bandjoin2)                                                                             \
    X(vips_black)                                                                                 \
    X(vips_cache_set_max)                                                                         \
    X(vips_cache_set_max_files)                                                                   \
    X(vips_cache_set_max_mem)                                                                     \
    X(vips_cast)                                                                                  \
    X(vips_colourspace)                                                                           \
    X(vips_composite2)                                                                            \
    X(vips_concurrency_set)                                                                       \
    X(vips_copy)                                                                                  \
    X(vips_error)                                                                                 \
    X(vips_error_buffer)                                                                          \
    X(vips_error_clear)                                                                           \
    X(vips_extract_area)                                                                          \
    X(vips_extract_band)                                                                          \
    X(vips_flatten)                                                                               \
    X(vips_foreign_find_load_buffer)                                                              \
    X(vips_identity)                                                                              \
    X(vips_gifsave_buffer)                                                                        \
    X(vips_image_get_bands)                                                                       \
    X(vips_image_get_height)                                                                      \
    X(vips_image_get_int)                                                                         \
    X(vips_image_get_interpretation)                                                              \
    X(vips_image_get_typeof)                                                                      \
    X(vips_image_copy_memory)                                                                     \
    X(vips_image_get_width)                                                                       \
    X(vips_image_hasalpha)                                                                        \
    X(vips_image_new_from_buffer)                                                                 \
    X(vips_image_new_from_file)                                                                   \
    X(vips_image_new_from_image)                                                                  \
    X(vips_init)                                                                                  \
    X(vips_insert)                                                                                \
    X(vips_jpegsave_buffer)                                                                       \
    X(vips_maplut)                                                                                \
    X(vips_pngsave_buffer)                                                                        \
    X(vips_text)                                                                                  \
    X(vips_thumbnail)                                                                             \
    X(vips_thumbnail_buffer)                                                                      \
    X(vips_thumbnail_image)                                                                       \
    X(vips_version)

/* One pointer per function, of the function's own type. */
typedef struct ov__vips_api {
#define OV__VIPS_MEMBER(name) __typeof__(&name) name;
    OV__VIPS_FUNCS(OV__VIPS_MEMBER)
#undef OV__VIPS_MEMBER
} ov__vips_api;

/* Filled by ov__vips_load; read only after it returned 0. */
extern ov__vips_api ov__vips;

/* Loads libvips once per process (thread-safe). 0, or OV_ERROR with the
 * loader's reason in `err` (may be NULL); a failure is remembered. */
int ov__vips_load(ov_error *err);

/* gobject.h makes g_object_ref a macro of its own; ours replaces it. */
#undef g_object_ref
#ifndef OV__VIPS_DL_NO_REDIRECT
#define g_dir_close (ov__vips.g_dir_close)
#define g_dir_open (ov__vips.g_dir_open)
#define g_dir_read_name (ov__vips.g_dir_read_name)
#define g_free (ov__vips.g_free)
#define g_getenv (ov__vips.g_getenv)
#define g_log (ov__vips.g_log)
#define g_markup_escape_text (ov__vips.g_markup_escape_text)
#define g_module_open (ov__vips.g_module_open)
#define g_module_supported (ov__vips.g_module_supported)
#define g_object_ref (ov__vips.g_object_ref)
#define g_object_unref (ov__vips.g_object_unref)
#define g_setenv (ov__vips.g_setenv)
#define vips_area_unref (ov__vips.vips_area_unref)
#define vips_array_double_new (ov__vips.vips_array_double_new)
#define vips_autorot (ov__vips.vips_autorot)
#define vips_bandjoin2 (ov__vips.vips_bandjoin2)
#define vips_black (ov__vips.vips_black)
#define vips_cache_set_max (ov__vips.vips_cache_set_max)
#define vips_cache_set_max_files (ov__vips.vips_cache_set_max_files)
#define vips_cache_set_max_mem (ov__vips.vips_cache_set_max_mem)
#define vips_cast (ov__vips.vips_cast)
#define vips_colourspace (ov__vips.vips_colourspace)
#define vips_composite2 (ov__vips.vips_composite2)
#define vips_concurrency_set (ov__vips.vips_concurrency_set)
#define vips_copy (ov__vips.vips_copy)
#define vips_error (ov__vips.vips_error)
#define vips_error_buffer (ov__vips.vips_error_buffer)
#define vips_error_clear (ov__vips.vips_error_clear)
#define vips_extract_area (ov__vips.vips_extract_area)
#define vips_extract_band (ov__vips.vips_extract_band)
#define vips_flatten (ov__vips.vips_flatten)
#define vips_foreign_find_load_buffer (ov__vips.vips_foreign_find_load_buffer)
#define vips_identity (ov__vips.vips_identity)
#define vips_gifsave_buffer (ov__vips.vips_gifsave_buffer)
#define vips_image_get_bands (ov__vips.vips_image_get_bands)
#define vips_image_get_height (ov__vips.vips_image_get_height)
#define vips_image_get_int (ov__vips.vips_image_get_int)
#define vips_image_get_interpretation (ov__vips.vips_image_get_interpretation)
#define vips_image_get_typeof (ov__vips.vips_image_get_typeof)
#define vips_image_copy_memory (ov__vips.vips_image_copy_memory)
#define vips_image_get_width (ov__vips.vips_image_get_width)
#define vips_image_hasalpha (ov__vips.vips_image_hasalpha)
#define vips_image_new_from_buffer (ov__vips.vips_image_new_from_buffer)
#define vips_image_new_from_file (ov__vips.vips_image_new_from_file)
#define vips_image_new_from_image (ov__vips.vips_image_new_from_image)
#define vips_init (ov__vips.vips_init)
#define vips_insert (ov__vips.vips_insert)
#define vips_jpegsave_buffer (ov__vips.vips_jpegsave_buffer)
#define vips_maplut (ov__vips.vips_maplut)
#define vips_pngsave_buffer (ov__vips.vips_pngsave_buffer)
#define vips_text (ov__vips.vips_text)
#define vips_thumbnail (ov__vips.vips_thumbnail)
#define vips_thumbnail_buffer (ov__vips.vips_thumbnail_buffer)
#define vips_thumbnail_image (ov__vips.vips_thumbnail_image)
#define vips_version (ov__vips.vips_version)
#endif

#endif
