"""Time per step of data-parallel training on N machines, on paper.

    /usr/bin/python3 python/tools/scaling_model.py [--markdown]

A step of the whole job takes batch B samples; on N machines each computes
B / N of them (t_sample each, the one-machine time per sample measured with
both cores) and then the gradients are exchanged:

- MU8 all-gather (the default): a ring all-gather moves every rank's P code
  bytes to every other rank, (N - 1) messages of P bytes per rank, and each
  rank then sums N x P codes exactly (t_code per code, measured);
- MU8 scatter (--exchange scatter): every rank sends each other rank the
  codes of that rank's share, (N - 1) messages of P / N bytes, the owner
  sums its share exactly (P codes in all, whatever N), and a ring
  all-gather brings the f32 sums back, (N - 1) messages of 4 P / N bytes;
- float32 ring all-reduce: 2 (N - 1) messages of 4 P / N bytes per rank
  (reduce-scatter, then all-gather); the additions are negligible.

A message costs alpha + bytes / bandwidth. The inputs are the measurements
in docs/Distributed.md; alpha and the bandwidths are stated assumptions.
The model ignores overlap of communication with computation (the trainer
does not overlap) and the parameter-size independent parts of a step.
"""
import argparse

BATCH = 64
T_CODE = 0.75e-9  # s per code summed (CodeMean.h), measured: 0.58-0.85 ns
# Measured on the project machine (2 cores, MU8, --threads 2, batch 64):
# one machine's samples/s and the parameter count.
MODELS = {
    "mlp": (26743.0, 235146),
    "cnn": (3486.0, 215370),
    "resnet8": (670.0, 78426),
}
# Bandwidth (bytes/s) and per-message latency (s).
NETWORKS = {
    "10 Gb/s": (10e9 / 8, 20e-6),
    "100 Gb/s": (100e9 / 8, 3e-6),
}
RANKS = [1, 2, 4, 8, 16, 32, 64]


def compute(samples_per_s, n):
    return BATCH / n / samples_per_s


def gather_mu8(p, n, bandwidth, alpha):
    if n == 1:
        return 0.0
    return (n - 1) * (alpha + p / bandwidth) + n * p * T_CODE


def scatter_mu8(p, n, bandwidth, alpha):
    if n == 1:
        return 0.0
    share = p / n
    return ((n - 1) * (alpha + share / bandwidth) + p * T_CODE +
            (n - 1) * (alpha + 4 * share / bandwidth))


def allreduce_f32(p, n, bandwidth, alpha):
    if n == 1:
        return 0.0
    return 2 * (n - 1) * (alpha + 4 * p / n / bandwidth)


def table(markdown):
    for net, (bandwidth, alpha) in NETWORKS.items():
        print(f"\n{net} (latency {alpha * 1e6:g} us per message); ms per "
              "step: compute + exchange, MU8 gather / MU8 scatter / f32 "
              "all-reduce")
        head = "| model | " + " | ".join(f"N={n}" for n in RANKS) + " |"
        print(head)
        print("|" + "---|" * (len(RANKS) + 1))
        for name, (rate, p) in MODELS.items():
            cells = []
            for n in RANKS:
                c = compute(rate, n)
                g = c + gather_mu8(p, n, bandwidth, alpha)
                s = c + scatter_mu8(p, n, bandwidth, alpha)
                f = c + allreduce_f32(p, n, bandwidth, alpha)
                cells.append(f"{g * 1e3:.2f} / {s * 1e3:.2f} / {f * 1e3:.2f}")
            print(f"| {name} | " + " | ".join(cells) + " |")


def crossovers():
    print("\nLargest N whose exchange takes less than its compute, and the "
          "fastest N (MU8 gather; MU8 scatter; f32 all-reduce):")
    for net, (bandwidth, alpha) in NETWORKS.items():
        for name, (rate, p) in MODELS.items():
            out = []
            for exchange in (gather_mu8, scatter_mu8, allreduce_f32):
                under = [n for n in RANKS
                         if exchange(p, n, bandwidth, alpha) <= compute(rate, n)]
                best = min(RANKS, key=lambda n: compute(rate, n) +
                           exchange(p, n, bandwidth, alpha))
                out.append(f"{max(under)} (fastest {best})")
            print(f"  {net}, {name}: " + "; ".join(out))
    print("\nWhere the MU8 gather moves fewer bytes per rank than the f32 "
          "all-reduce: (N - 1) P < 8 (N - 1) P / N, i.e. N < 8.")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    table(args.markdown)
    crossovers()
