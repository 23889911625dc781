// One writer per results store: an advisory lock (flock) on "<store>.lock"
// beside it, held while a run, merge or export uses the store. A second
// process that wants the same store is refused at once with a message
// naming the holder; shard stores have locks of their own, so the tasks of
// a Slurm array never wait on each other. The lock dies with its process
// (even on SIGKILL), so a killed run never leaves a stale lock behind; the
// file itself is removed when its holder lets go.
#pragma once

#include <filesystem>
#include <string>

namespace expertlab {

class StoreLock {
 public:
  // Takes the lock of `store` for `purpose` (e.g. "run hedge_regret"), or
  // throws Error naming the process that holds it. Re-entrant within one
  // process: a run that exports its own CSV takes the lock once.
  StoreLock(const std::filesystem::path& store, const std::string& purpose);
  ~StoreLock();
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;

 private:
  std::string path_;
};

}  // namespace expertlab
