#include "sim/store_sql.h"

#include "sim/check.h"

namespace expertlab::store_sql {

std::string Cause(int rc) {
  // I/O errors that are failed memory maps or allocations (the WAL index
  // is a shared mapping): a low address-space limit, not the disk.
  if (rc == SQLITE_IOERR_NOMEM || rc == SQLITE_IOERR_SHMMAP || rc == SQLITE_IOERR_MMAP)
    return "out of memory (SQLite could not map or allocate memory)";
  switch (rc & 0xff) {
    case SQLITE_CORRUPT:
      return "the file is damaged (malformed database); move it aside and rerun "
             "(`sqlite3 FILE .recover` salvages the intact rows)";
    case SQLITE_NOTADB:
      return "the file is not an SQLite database (a foreign file, or a damaged header)";
    case SQLITE_FULL: return "the disk is full";
    case SQLITE_NOMEM: return "out of memory";
    case SQLITE_READONLY: return "the store or its directory is read-only";
    case SQLITE_CANTOPEN:
      return "cannot open the file or its write-ahead log (missing or read-only directory, "
             "no permission)";
    case SQLITE_IOERR: return "I/O error (disk full, file removed while open, or failing storage)";
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return "another process holds the store";
    case SQLITE_PERM:
    case SQLITE_AUTH: return "permission denied";
    case SQLITE_CONSTRAINT: return "an item is stored twice (constraint failed)";
    default: return sqlite3_errstr(rc);
  }
}

[[noreturn]] void Fail(const std::string& path, sqlite3* db, int rc, const std::string& what) {
  std::string message = "results store '" + path + "': " + what + ": " + Cause(rc);
  const char* detail = db ? sqlite3_errmsg(db) : nullptr;
  if (detail && *detail && Cause(rc) != detail) message += " (SQLite: " + std::string(detail) + ")";
  throw Error(message);
}

std::string Describe(const ItemKey& key, const std::string& params_json) {
  // Appended piece by piece: GCC 12 at -O3 misreads `"#" + std::to_string(...)`
  // here as an overlapping copy (-Wrestrict).
  std::string text = "cell ";
  if (params_json.empty()) {
    text += '#';
    text += std::to_string(key.first);
  } else {
    text += params_json;
  }
  text += " replicate ";
  text += std::to_string(key.second);
  return text;
}

}  // namespace expertlab::store_sql
