"""The trainer's order of the training samples (lib/Runtime/Shuffle.cpp), in
Python: a std::mt19937_64 seeded with SplitMix64(seed + (epoch + 1) * golden)
drives a Fisher-Yates shuffle from the end with rejection sampling. A
PyTorch run that reads its batches in this order sees exactly the trainer's
batches (bench_pytorch.py --trainer-order)."""

MASK = (1 << 64) - 1


class MT19937_64:
    """std::mt19937_64, written out from the C++ standard's parameters."""

    N, M = 312, 156

    def __init__(self, seed):
        self.mt = [0] * self.N
        self.mt[0] = seed & MASK
        for i in range(1, self.N):
            prev = self.mt[i - 1]
            self.mt[i] = (6364136223846793005 * (prev ^ (prev >> 62)) + i) & MASK
        self.index = self.N

    def _twist(self):
        mt = self.mt
        for i in range(self.N):
            y = (mt[i] & 0xFFFFFFFF80000000) | (mt[(i + 1) % self.N] & 0x7FFFFFFF)
            v = mt[(i + self.M) % self.N] ^ (y >> 1)
            if y & 1:
                v ^= 0xB5026F5AA96619E9
            mt[i] = v
        self.index = 0

    def __call__(self):
        if self.index >= self.N:
            self._twist()
        y = self.mt[self.index]
        self.index += 1
        y ^= (y >> 29) & 0x5555555555555555
        y ^= (y << 17) & 0x71D67FFFEDA60000
        y ^= (y << 37) & 0xFFF7EEE000000000
        y ^= y >> 43
        return y & MASK


def epoch_seed(seed, epoch):
    z = (seed + (epoch + 1) * 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def uniform_below(rng, bound):
    threshold = (-bound) % bound  # 2^64 mod bound
    while True:
        r = rng()
        if r >= threshold:
            return r % bound


def epoch_order(n, seed, epoch):
    """The trainer's order of `n` samples in `epoch` (0-based) for `seed`."""
    order = list(range(n))
    rng = MT19937_64(epoch_seed(seed, epoch))
    for i in range(n, 1, -1):
        j = uniform_below(rng, i)
        order[i - 1], order[j] = order[j], order[i - 1]
    return order
