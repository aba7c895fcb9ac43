// The RocksDB C API, exposed to Swift through the CRocksDB system module.
// Only the RocksDB target imports this module.
#ifndef CROCKSDB_SHIM_H
#define CROCKSDB_SHIM_H

#include <rocksdb/c.h>

#endif
