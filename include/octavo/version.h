/* octavo/version.h - library version. */
#ifndef OCTAVO_VERSION_H
#define OCTAVO_VERSION_H

#define OV_VERSION_MAJOR 0
#define OV_VERSION_MINOR 1
#define OV_VERSION_PATCH 0
/** Version as a string literal. */
#define OV_VERSION_STRING "0.1.0"

#endif
