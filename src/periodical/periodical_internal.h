/* Internal helpers shared by the periodical sources. */
#ifndef OV_PERIODICAL_INTERNAL_H
#define OV_PERIODICAL_INTERNAL_H

#include <sqlite3.h>

#include "octavo/state.h"

/* The connection behind a state handle (borrowed). */
sqlite3 *ov__state_db(ov_state *st);

#endif
