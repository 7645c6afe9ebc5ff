/* octavo/octavo.h - umbrella header: everything in the public API.
 *
 *   version.h    version numbers
 *   error.h      error codes and the ov_error message object
 *   model.h      book, article, resource (the data model)
 *   fetch.h      libcurl multi fetcher, feeds, sitemaps, discovery
 *   transform.h  page bytes to article (metadata + clean XHTML)
 *   image.h      e-reader image preparation (libvips)
 *   package.h    EPUB 3 writer
 *   warc.h       WARC 1.1 recorder and reader
 *   recipe.h     recipe files
 *   state.h      issue state store (SQLite)
 *   deliver.h    OPDS catalog and SMTP delivery
 *   build.h      one build end to end (ov_build), exit codes
 */
#ifndef OCTAVO_OCTAVO_H
#define OCTAVO_OCTAVO_H

#include "octavo/version.h"
#include "octavo/error.h"
#include "octavo/model.h"
#include "octavo/fetch.h"
#include "octavo/transform.h"
#include "octavo/image.h"
#include "octavo/package.h"
#include "octavo/warc.h"
#include "octavo/recipe.h"
#include "octavo/state.h"
#include "octavo/deliver.h"
#include "octavo/build.h"

#endif
