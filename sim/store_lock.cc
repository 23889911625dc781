#include "sim/store_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <map>
#include <mutex>

#include "sim/check.h"

namespace expertlab {
namespace {

// Locks this process holds: path -> (descriptor, holders).
struct Held {
  int fd = -1;
  int count = 0;
};
std::mutex& HeldMutex() {
  static std::mutex mutex;
  return mutex;
}
std::map<std::string, Held>& HeldLocks() {
  static auto* locks = new std::map<std::string, Held>();
  return *locks;
}

std::string ReadAll(int fd) {
  std::string text;
  char buffer[512];
  ssize_t n;
  lseek(fd, 0, SEEK_SET);
  while ((n = read(fd, buffer, sizeof(buffer))) > 0) text.append(buffer, static_cast<size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

}  // namespace

StoreLock::StoreLock(const std::filesystem::path& store, const std::string& purpose)
    : path_(store.string() + ".lock") {
  std::lock_guard<std::mutex> guard(HeldMutex());
  Held& held = HeldLocks()[path_];
  if (held.count > 0) {
    ++held.count;
    return;
  }
  std::error_code ignored;  // open() below reports a directory that cannot be made
  std::filesystem::create_directories(store.parent_path(), ignored);
  int fd = -1;
  while (true) {
    fd = open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      const int error = errno;
      HeldLocks().erase(path_);
      throw Error("cannot create lock file '" + path_ + "': " + std::strerror(error));
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int error = errno;
      const std::string holder = ReadAll(fd);
      close(fd);
      HeldLocks().erase(path_);
      if (error == EWOULDBLOCK)
        throw Error("results store '" + store.string() + "' is in use by another expertlab (" +
                    (holder.empty() ? std::string("holder unknown") : holder) +
                    "); wait for it to finish or choose another --out");
      throw Error("cannot lock '" + path_ + "': " + std::strerror(error));
    }
    // The holder removes the file when it lets go: a lock on a file that
    // is no longer at the path locks nothing, so open it again.
    struct stat locked {
    }, current{};
    if (fstat(fd, &locked) == 0 && stat(path_.c_str(), &current) == 0 &&
        locked.st_dev == current.st_dev && locked.st_ino == current.st_ino)
      break;
    close(fd);
  }
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  const std::time_t now = std::time(nullptr);
  char when[32];
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
  const std::string text =
      "pid " + std::to_string(getpid()) + " on " + host + ": " + purpose + ", since " + when + "\n";
  // Best effort: the description only helps the message above.
  if (ftruncate(fd, 0) == 0) {
    [[maybe_unused]] const ssize_t written = pwrite(fd, text.data(), text.size(), 0);
  }
  held.fd = fd;
  held.count = 1;
}

StoreLock::~StoreLock() {
  std::lock_guard<std::mutex> guard(HeldMutex());
  auto it = HeldLocks().find(path_);
  if (it == HeldLocks().end() || --it->second.count > 0) return;
  // Removed while still locked (see the constructor), so no results
  // directory keeps a lock file once its writers are done.
  unlink(path_.c_str());
  close(it->second.fd);
  HeldLocks().erase(it);
}

}  // namespace expertlab
