#include "algorithms/debate/world.h"

#include <cmath>

#include "sim/check.h"
#include "sim/samplers.h"

namespace expertlab::debate {

namespace {

void CheckProbability(double p, const char* key) {
  EXPERTLAB_CHECK(p >= 0.0 && p <= 1.0) << key << " = " << p << ": expected a probability in [0, 1]";
}

}  // namespace

void CheckWorld(const WorldParams& world) {
  EXPERTLAB_CHECK(world.lambda_true >= 0.0 && world.lambda_true <= 100.0)
      << "lambda_true = " << world.lambda_true << ": expected a mean in [0, 100]";
  EXPERTLAB_CHECK(world.lambda_false >= 0.0 && world.lambda_false <= 100.0)
      << "lambda_false = " << world.lambda_false << ": expected a mean in [0, 100]";
  EXPERTLAB_CHECK(world.sigma >= 0.0 && std::isfinite(world.sigma))
      << "sigma = " << world.sigma << ": expected a finite value >= 0";
  CheckProbability(world.refutable_false, "refutable_false");
  CheckProbability(world.refutable_true, "refutable_true");
  CheckProbability(world.verifiable, "verifiable");
}

int64_t Poisson(Rng& rng, double mean) {
  EXPERTLAB_CHECK(mean >= 0.0 && mean <= 100.0) << "Poisson: mean " << mean << " outside [0, 100]";
  const double u = rng.Uniform();
  double term = std::exp(-mean), cdf = term;
  int64_t k = 0;
  while (u > cdf && term > 0.0) {
    ++k;
    term *= mean / static_cast<double>(k);
    cdf += term;
  }
  return k;
}

Question DrawQuestion(const WorldParams& world, Rng& rng) {
  Question question;
  for (Side side : {kTruth, kFalse}) {
    const int64_t count =
        1 + Poisson(rng, side == kTruth ? world.lambda_true : world.lambda_false);
    const double refutable = side == kTruth ? world.refutable_true : world.refutable_false;
    for (int64_t i = 0; i < count; ++i) {
      Item item;
      item.side = side;
      item.strength = std::exp(Normal(rng, 0.0, world.sigma));
      item.refutable = Bernoulli(rng, refutable);
      item.verifiable = Bernoulli(rng, world.verifiable);
      question.items.push_back(item);
    }
  }
  return question;
}

void Transcript::Show(const Question& question, int item) {
  const Item& source = question.items[static_cast<size_t>(item)];
  quotes[source.side].push_back({item, source.strength, source.verifiable, false});
  shown[static_cast<size_t>(item)] = true;
}

}  // namespace expertlab::debate
