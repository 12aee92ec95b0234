//===- Shuffle.cpp - Deterministic shuffling of the training set ----------===//

#include "logbtq/Runtime/Shuffle.h"

#include <cassert>
#include <numeric>
#include <utility>

namespace logbtq::runtime {

uint64_t uniformBelow(std::mt19937_64 &rng, uint64_t bound) {
  assert(bound > 0);
  uint64_t threshold = (0 - bound) % bound; // 2^64 mod bound
  while (true) {
    uint64_t r = rng();
    if (r >= threshold)
      return r % bound;
  }
}

void shuffle(std::vector<int64_t> &order, std::mt19937_64 &rng) {
  for (size_t i = order.size(); i > 1; --i) {
    size_t j = size_t(uniformBelow(rng, i));
    std::swap(order[i - 1], order[j]);
  }
}

uint64_t epochSeed(uint64_t seed, uint64_t epoch) {
  uint64_t z = seed + (epoch + 1) * 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::vector<int64_t> epochOrder(int64_t n, uint64_t seed, uint64_t epoch) {
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), int64_t(0));
  std::mt19937_64 rng(epochSeed(seed, epoch));
  shuffle(order, rng);
  return order;
}

} // namespace logbtq::runtime
