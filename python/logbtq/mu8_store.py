"""How an MU8 trainer stores a tensor, and the counters that go with it.

docs/Quantization.md: every computed tensor becomes codes at a range -- a
fixed exponent (weights, activations, logits) or, for gradients and momenta,
`range_exponent`, the smallest 2^e (clamped to [-32, 32]) that holds the
largest magnitude. Each store adds its saturations (NaN included) and its
size to the counters of its kind; activation stores also count codes equal
to 0; every integer kernel adds its int32 overflows and its outputs. The
counters become entries 4..14 of the stats vector (TrainerABI.h's
LogbtqStat).
"""
import numpy as np

from logbtq import mu8, reassociated

F32 = np.float32
WEIGHT, ACTIVATION, GRADIENT, MOMENTUM = range(4)
KIND_NAMES = ("weights", "activations", "gradients", "momentum")

# TrainerABI.h, LogbtqStat.
STAT_NAMES = ("LOSS", "CORRECT", "CE", "BARRIER", "SAT_WEIGHTS", "SAT_ACTIVATIONS",
              "SAT_GRADIENTS", "SAT_MOMENTUM", "ACC_OVERFLOW", "ENC_WEIGHTS",
              "ENC_ACTIVATIONS", "ENC_GRADIENTS", "ENC_MOMENTUM", "ACC_OUTPUTS",
              "ZERO_ACTIVATIONS", "RESERVED")
NUM_STATS = len(STAT_NAMES)


class Ambiguous(Exception):
    """A range exponent that a reassociated sum leaves open."""


def range_exponent(values):
    """The smallest e in [-32, 32] with max |v| <= 2^e; NaN skipped, 0 gives -32."""
    a = np.abs(np.asarray(values, dtype=F32).ravel())
    a = a[~np.isnan(a)]
    largest = float(a.max()) if a.size else 0.0
    if largest == 0.0:
        return mu8.MIN_EXPONENT
    if np.isinf(largest):
        return mu8.MAX_EXPONENT
    mantissa, e = np.frexp(largest)  # largest = mantissa * 2^e, mantissa in [0.5, 1)
    if mantissa == 0.5:
        e -= 1
    return int(min(max(e, mu8.MIN_EXPONENT), mu8.MAX_EXPONENT))


class Stored:
    """Codes at a range exponent, and the float32 values they decode to."""

    def __init__(self, codes, exponent):
        self.codes = np.asarray(codes, dtype=np.int8)
        self.exponent = int(exponent)
        self.value = mu8.decode(self.codes, self.exponent)

    @property
    def shape(self):
        return self.codes.shape


class Counters:
    """Entries 4..14 of the stats vector, summed over one step."""

    def __init__(self):
        self.saturated = [0, 0, 0, 0]
        self.encoded = [0, 0, 0, 0]
        self.zeros = 0
        self.overflows = 0
        self.outputs = 0

    def copy(self):
        c = Counters()
        c.saturated, c.encoded = list(self.saturated), list(self.encoded)
        c.zeros, c.overflows, c.outputs = self.zeros, self.overflows, self.outputs
        return c

    def add_encode(self, kind, codes, saturated, invalid):
        self.saturated[kind] += saturated + invalid
        self.encoded[kind] += int(np.asarray(codes).size)
        if kind == ACTIVATION:
            self.zeros += int(np.count_nonzero(np.asarray(codes) == 0))

    def add_kernel(self, kernel):
        self.overflows += kernel.overflows
        self.outputs += kernel.outputs

    def entries(self):
        """{stat index: exact count} for entries 4..15."""
        s = self.saturated + [self.overflows] + self.encoded + [self.outputs, self.zeros, 0]
        return {4 + i: v for i, v in enumerate(s)}


def store(counters, values, kind, exponent=None):
    """Round to nearest at `exponent`, or at the tensor's own range when None."""
    values = np.asarray(values, dtype=F32)
    e = range_exponent(values) if exponent is None else exponent
    codes, saturated, invalid = mu8.encode(values, e)
    counters.add_encode(kind, codes, saturated, invalid)
    return Stored(codes, e)


def store_interval(counters, interval, kind):
    """A dynamic-range store of a value known as an Interval: (Stored of the nominal
    value, lowest codes, highest codes). Raises Ambiguous if the interval leaves the
    range exponent open."""
    smallest, largest = reassociated.max_magnitude_bounds(interval)
    e, e_high = range_exponent([smallest]), range_exponent([largest])
    if e != e_high:
        raise Ambiguous("the largest magnitude lies in [%r, %r]: range exponent %d or %d"
                        % (float(smallest), float(largest), e, e_high))
    stored = store(counters, interval.nominal, kind, e)
    lo, hi = reassociated.codes(interval, e)
    return stored, lo, hi
