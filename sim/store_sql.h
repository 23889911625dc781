// Internals shared by the results store's files (store.cc, store_items.cc):
// checked SQLite statements, errors in the user's words, hash conversion.
// Not part of the store's interface.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <limits>
#include <string>

#include "sim/store.h"

namespace expertlab::store_sql {

// SQLite integers are signed; hashes round-trip through the same bits.
inline int64_t ToSql(uint64_t hash) { return static_cast<int64_t>(hash); }
inline uint64_t FromSql(int64_t value) { return static_cast<uint64_t>(value); }

// What a SQLite result code means for a results store, in the user's words.
std::string Cause(int rc);

// Throws an Error naming the store, what was being done and the cause.
[[noreturn]] void Fail(const std::string& path, sqlite3* db, int rc, const std::string& what);

// A prepared statement whose every step is checked: SQLITE_ROW and
// SQLITE_DONE are the only answers that are not errors.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql, const std::string& path) : db_(db), path_(path) {
    const int rc = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
    if (rc != SQLITE_OK) Fail(path_, db_, rc, "reading");
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int col, int64_t value) { return Check(sqlite3_bind_int64(stmt_, col, value)); }
  Statement& Bind(int col, double value) { return Check(sqlite3_bind_double(stmt_, col, value)); }
  Statement& Bind(int col, const std::string& text) {
    return Check(sqlite3_bind_text(stmt_, col, text.c_str(), static_cast<int>(text.size()),
                                   SQLITE_TRANSIENT));
  }
  Statement& BindBlob(int col, const std::string& bytes) {
    return Check(sqlite3_bind_blob64(stmt_, col, bytes.data(), bytes.size(), SQLITE_TRANSIENT));
  }

  // True for a row, false when done; throws on anything else.
  bool Step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    Fail(path_, db_, rc, "reading");
  }
  // Runs a statement that returns no rows, then readies it for reuse.
  void Run(const std::string& what) {
    const int rc = sqlite3_step(stmt_);
    if (rc != SQLITE_DONE) Fail(path_, db_, rc, what);
    sqlite3_reset(stmt_);
  }

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  double Double(int col) const {
    // SQLite stores NaN as NULL; read it back as NaN.
    return sqlite3_column_type(stmt_, col) == SQLITE_NULL ? std::numeric_limits<double>::quiet_NaN()
                                                          : sqlite3_column_double(stmt_, col);
  }
  std::string Text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
             : "";
  }
  std::string Blob(int col) const {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : "";
  }

 private:
  Statement& Check(int rc) {
    if (rc != SQLITE_OK) Fail(path_, db_, rc, "binding a value");
    return *this;
  }
  sqlite3* db_;
  const std::string& path_;
  sqlite3_stmt* stmt_ = nullptr;
};

// "cell <params or #hash> replicate <r>", for messages about one item.
std::string Describe(const ItemKey& key, const std::string& params_json);

}  // namespace expertlab::store_sql
