// A result computed once per process per key and shared by every cell that
// asks for it: a trained model that several cells of one replicate
// evaluate, a trace that every policy of a replicate replays. The key must
// name everything the result depends on (e.g. a DataStream fingerprint and
// the keys the computation reads), so which cell computes it never shows
// in the results. Cells may run on several threads: the first caller
// computes, the others wait; a failure reaches every waiter and is not
// cached.
#pragma once

#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace expertlab::experiments {

template <class T>
std::shared_ptr<const T> OncePerProcess(const std::string& key,
                                        const std::function<std::shared_ptr<const T>()>& make) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_future<std::shared_ptr<const T>>> results;
  std::promise<std::shared_ptr<const T>> promise;
  std::shared_future<std::shared_ptr<const T>> future;
  bool mine = false;
  {
    const std::lock_guard<std::mutex> lock(mutex);
    const auto it = results.find(key);
    mine = it == results.end();
    future = mine ? promise.get_future().share() : it->second;
    if (mine) results.emplace(key, future);
  }
  if (mine) {
    try {
      promise.set_value(make());
    } catch (...) {
      promise.set_exception(std::current_exception());
      const std::lock_guard<std::mutex> lock(mutex);
      results.erase(key);
    }
  }
  return future.get();
}

}  // namespace expertlab::experiments
