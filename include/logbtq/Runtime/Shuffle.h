//===- Shuffle.h - Deterministic shuffling of the training set --*- C++ -*-===//
//
// The order of the training samples in each epoch is a function of the seed
// and the epoch only, and the same on every platform: std::shuffle and
// std::uniform_int_distribution are implementation-defined, so the runtime
// runs its own Fisher-Yates on the raw output of std::mt19937_64 (which the
// standard fixes bit for bit).
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_RUNTIME_SHUFFLE_H
#define LOGBTQ_RUNTIME_SHUFFLE_H

#include <cstdint>
#include <random>
#include <vector>

namespace logbtq::runtime {

/// A uniform integer in [0, bound) from `rng` by rejection (no modulo bias):
/// draws r until r >= 2^64 mod bound, returns r mod bound. `bound` > 0.
uint64_t uniformBelow(std::mt19937_64 &rng, uint64_t bound);

/// Fisher-Yates: for i = n-1 down to 1, swap element i with element
/// uniformBelow(rng, i + 1).
void shuffle(std::vector<int64_t> &order, std::mt19937_64 &rng);

/// The seed of epoch `epoch`'s generator: SplitMix64's finalizer applied to
/// seed + (epoch + 1) * 0x9e3779b97f4a7c15, so that neighbouring seeds and
/// epochs give unrelated streams.
uint64_t epochSeed(uint64_t seed, uint64_t epoch);

/// The order of the `n` training samples in epoch `epoch` (0-based): the
/// identity shuffled by a std::mt19937_64 seeded with epochSeed(seed, epoch).
/// Depends only on (n, seed, epoch), so a resumed run sees the same order.
std::vector<int64_t> epochOrder(int64_t n, uint64_t seed, uint64_t epoch);

} // namespace logbtq::runtime

#endif // LOGBTQ_RUNTIME_SHUFFLE_H
