#include "theory/offload_cost.h"

#include <cmath>

#include "sim/check.h"

namespace expertlab::theory {

const std::vector<TransferTier>& TransferTiers() {
  static const std::vector<TransferTier> tiers = {
      {"pcie4", 25.0, 10.0}, {"pcie3", 12.0, 10.0}, {"nvme", 5.0, 20.0}, {"flash", 1.5, 50.0}};
  return tiers;
}

const TransferTier& FindTier(const std::string& name) {
  for (const TransferTier& tier : TransferTiers())
    if (tier.name == name) return tier;
  EXPERTLAB_CHECK(false) << "tier: expected one of pcie4, pcie3, nvme, flash, got '" << name << "'";
  return TransferTiers().front();
}

double MissSeconds(double bytes, const TransferTier& tier) {
  return tier.latency_us * 1e-6 + bytes / (tier.bandwidth_gbps * 1e9);
}

double DemandTokensPerSecond(int layers, double layer_seconds, double loads_per_token,
                             double miss_seconds) {
  return 1.0 / (layers * layer_seconds + loads_per_token * miss_seconds);
}

double LruHitRatioChe(const std::vector<double>& q, double capacity) {
  double support = 0;
  for (double p : q) support += p > 0;
  EXPERTLAB_CHECK(capacity > 0 && capacity < support)
      << "LruHitRatioChe: capacity must be in (0, " << support << "), got " << capacity;
  const auto occupancy = [&](double t) {
    double sum = 0;
    for (double p : q) sum += 1 - std::exp(-p * t);
    return sum;
  };
  double low = 0, high = 1;
  while (occupancy(high) < capacity) high *= 2;
  for (int i = 0; i < 200 && high - low > 1e-12 * high; ++i) {
    const double mid = 0.5 * (low + high);
    (occupancy(mid) < capacity ? low : high) = mid;
  }
  const double t = 0.5 * (low + high);
  double hit = 0;
  for (double p : q) hit += p * (1 - std::exp(-p * t));
  return hit;
}

}  // namespace expertlab::theory
