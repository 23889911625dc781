#include "algorithms/offload/expert_loader.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

#include "algorithms/offload/urgent_queue.h"
#include "sim/check.h"

namespace expertlab::offload {

ExpertLoader::ExpertLoader(const std::string& path, const ExpertFileHeader& header, bool direct_io,
                           bool background, Arrival on_arrival)
    : path_(path),
      header_(header),
      background_(background),
      on_arrival_(std::move(on_arrival)),
      outstanding_(static_cast<size_t>(header.keys()), 0),
      errors_(static_cast<size_t>(header.keys())) {
  fd_ = ::open(path.c_str(), O_RDONLY | (direct_io ? O_DIRECT : 0));
  EXPERTLAB_CHECK(fd_ >= 0) << "expert file " << path << ": cannot open"
                            << (direct_io ? " with O_DIRECT (direct_io=false avoids it)" : "")
                            << ": " << std::strerror(errno);
  if (background_) worker_ = std::thread([this] { Work(); });
}

ExpertLoader::~ExpertLoader() {
  if (worker_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    worker_.join();
  }
  ::close(fd_);
}

std::string ExpertLoader::Load(const Job& job) {
  const auto start = std::chrono::steady_clock::now();
  int64_t done = 0;
  std::string error;
  while (done < header_.stride && error.empty()) {
    const ssize_t r = ::pread(fd_, job.buffer + done, static_cast<size_t>(header_.stride - done),
                              header_.Offset(job.key) + done);
    if (r < 0)
      error = std::string("expert file ") + path_ + ": read failed: " + std::strerror(errno);
    else if (r == 0)
      error = "expert file " + path_ + ": truncated at layer " +
              std::to_string(job.key / header_.experts) + " expert " +
              std::to_string(job.key % header_.experts);
    done += r > 0 ? r : 0;
  }
  const auto read_end = std::chrono::steady_clock::now();
  if (error.empty()) {
    try {
      VerifyExpert(header_, job.key, {job.buffer, static_cast<size_t>(header_.stride)}, path_);
      if (on_arrival_) on_arrival_(job.key, job.buffer);
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  const auto end = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mutex_);
  read_seconds_ += std::chrono::duration<double>(read_end - start).count();
  load_seconds_ += std::chrono::duration<double>(end - start).count();
  bytes_read_ += done;
  return error;
}

void ExpertLoader::Submit(int key, uint8_t* buffer, bool urgent) {
  EXPERTLAB_CHECK(!Outstanding(key)) << "expert loader: key " << key << " already loading";
  if (!background_) {
    errors_[static_cast<size_t>(key)] = Load({key, buffer, urgent});
    outstanding_[static_cast<size_t>(key)] = 1;
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    EnqueueUrgentFirst(queue_, Job{key, buffer, urgent});
    outstanding_[static_cast<size_t>(key)] = 1;
  }
  changed_.notify_all();
}

bool ExpertLoader::Expedite(int key) {
  std::lock_guard<std::mutex> lock(mutex_);
  ExpediteQueued(queue_, key);
  return PendingLocked(key);
}

void ExpertLoader::Work() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    changed_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    const Job job = queue_.front();
    queue_.pop_front();
    in_flight_ = job.key;
    lock.unlock();
    std::string error = Load(job);
    lock.lock();
    in_flight_ = -1;
    errors_[static_cast<size_t>(job.key)] = std::move(error);
    changed_.notify_all();
  }
}

void ExpertLoader::Wait(int key) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (!outstanding_[static_cast<size_t>(key)]) return;
  changed_.wait(lock, [&] { return !PendingLocked(key); });
  outstanding_[static_cast<size_t>(key)] = 0;
  const std::string error = std::move(errors_[static_cast<size_t>(key)]);
  errors_[static_cast<size_t>(key)].clear();
  EXPERTLAB_CHECK(error.empty()) << error;
}

void ExpertLoader::Drain() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return queue_.empty() && in_flight_ < 0; });
}

bool ExpertLoader::PendingLocked(int key) const {
  return in_flight_ == key || std::any_of(queue_.begin(), queue_.end(),
                                          [key](const Job& job) { return job.key == key; });
}

bool ExpertLoader::Outstanding(int key) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return outstanding_[static_cast<size_t>(key)] != 0;
}

double ExpertLoader::ReadSeconds() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return read_seconds_;
}

double ExpertLoader::LoadSeconds() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return load_seconds_;
}

int64_t ExpertLoader::BytesRead() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return bytes_read_;
}

}  // namespace expertlab::offload
