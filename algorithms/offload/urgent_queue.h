// The one transfer channel's queue rule, shared by the engine's loader
// (expert_loader.h) and the simulator (simulator.h) so that both order
// loads alike: urgent items (an expert the current layer waits for) in
// submission order ahead of the others, which follow in submission order,
// as MoE-Infinity (Xue et al., arXiv 2401.14361, §5) gives on-demand
// fetches the highest priority. Items have an int `key` and a bool
// `urgent`; the queue holds the items not yet started.
#pragma once

#include <algorithm>

namespace expertlab::offload {

// Inserts `item` behind the queued urgent items if it is urgent, else last.
template <class Queue>
void EnqueueUrgentFirst(Queue& queue, const typename Queue::value_type& item) {
  auto at = queue.end();
  if (item.urgent)
    at = std::find_if(queue.begin(), queue.end(), [](const auto& q) { return !q.urgent; });
  queue.insert(at, item);
}

// Makes `key`'s queued, not urgent item urgent (moved behind the queued
// urgent items); returns whether it moved.
template <class Queue>
bool ExpediteQueued(Queue& queue, int key) {
  const auto it =
      std::find_if(queue.begin(), queue.end(), [&](const auto& q) { return q.key == key; });
  if (it == queue.end() || it->urgent) return false;
  auto item = *it;
  queue.erase(it);
  item.urgent = true;
  EnqueueUrgentFirst(queue, item);
  return true;
}

}  // namespace expertlab::offload
