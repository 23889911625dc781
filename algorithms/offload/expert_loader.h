// Reads expert blobs of an expert file (expert_file.h) with pread, on a
// background thread or inline, one at a time (one transfer channel, the
// simulator's model): urgent loads (an expert the current layer waits for)
// ahead of queued prefetches (urgent_queue.h); a load in progress is never
// interrupted. Each blob's checksum is verified
// as it arrives and then handing it to an arrival callback (the engine
// installs the expert there), all on the loading thread. With direct_io
// the file is opened with O_DIRECT (page cache bypassed; buffers, offsets
// and sizes are 4096-byte aligned).
//
// A load's error (I/O, checksum, or thrown by the callback) is raised by
// Wait on the caller's thread, never swallowed.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "algorithms/offload/expert_file.h"

namespace expertlab::offload {

class ExpertLoader {
 public:
  // Called with a verified blob, on the loading thread.
  using Arrival = std::function<void(int key, const uint8_t* blob)>;
  // background = false loads inside Submit.
  ExpertLoader(const std::string& path, const ExpertFileHeader& header, bool direct_io,
               bool background, Arrival on_arrival = {});
  ~ExpertLoader();
  ExpertLoader(const ExpertLoader&) = delete;
  ExpertLoader& operator=(const ExpertLoader&) = delete;

  // Queues a load of `key`'s stride bytes into `buffer` (aligned, stride
  // bytes, untouched until Wait(key) returns): urgent after the queued
  // urgent loads, otherwise last.
  void Submit(int key, uint8_t* buffer, bool urgent = false);
  // Makes `key`'s queued, not yet started load urgent (no-op otherwise);
  // returns whether its load is queued or in progress (not yet finished).
  bool Expedite(int key);
  // Blocks until `key`'s load has finished; throws its error if it failed.
  // No-op when no load of `key` is outstanding.
  void Wait(int key);
  bool Outstanding(int key) const;
  // Blocks until every submitted load has finished (errors stay for Wait).
  void Drain();

  // Over all loads so far: seconds inside pread; seconds of whole loads
  // (read, verify, arrival callback); bytes read.
  double ReadSeconds() const;
  double LoadSeconds() const;
  int64_t BytesRead() const;

 private:
  struct Job {
    int key;
    uint8_t* buffer;
    bool urgent;
  };
  // Reads and verifies one blob; returns the error message or "".
  std::string Load(const Job& job);
  bool PendingLocked(int key) const;
  void Work();

  std::string path_;
  const ExpertFileHeader& header_;
  int fd_ = -1;
  bool background_;
  Arrival on_arrival_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Job> queue_;            // not started
  int in_flight_ = -1;               // the key being loaded on the worker
  std::vector<char> outstanding_;    // per key
  std::vector<std::string> errors_;  // per key, of the last finished load
  double read_seconds_ = 0;
  double load_seconds_ = 0;
  int64_t bytes_read_ = 0;
  bool stop_ = false;
  std::thread worker_;
};

}  // namespace expertlab::offload
