#pragma once
#include <sqlite3.h>

// sqlite3_config is variadic; Swift cannot import it.
static inline int CSQLite3_config_multithread(void) { return sqlite3_config(SQLITE_CONFIG_MULTITHREAD); }
