/* octavo/octavo.h - umbrella header: everything in the public API. */
#ifndef OCTAVO_OCTAVO_H
#define OCTAVO_OCTAVO_H

#include "octavo/version.h"
#include "octavo/error.h"
#include "octavo/model.h"

#endif
