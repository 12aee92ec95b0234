"""Comparisons of a compiled MU8 step with the reference, and what explains a
difference.

Codes are compared exactly. A gradient code may differ only where the
reference says a reassociated sum leaves it open (mu8_step.Gradient's lo and
hi codes), and then it must be one of those codes. Stochastically rounded
codes must match exactly; when they do not, `explain_draws` looks for the
seed whose draws give the compiled codes, which names the broken part of the
seed scheme. A stats entry that holds another entry's reference value
(`explain_stat`) points at a swapped slot.
"""
import numpy as np

from logbtq import mu8
from logbtq.mu8_step import STREAM_STRIDE
from logbtq.mu8_store import STAT_NAMES


class Result:
    """The outcome of one comparison: counts and the first few differences."""

    def __init__(self, kind, name, size):
        self.kind, self.name, self.size = kind, name, size
        self.exact = 0       # elements equal to the reference
        self.open = 0        # elements a reassociated sum leaves open
        self.open_other = 0  # of those, how many took the other code
        self.bad = 0         # elements that differ without an explanation
        self.notes = []

    @property
    def ok(self):
        return self.bad == 0

    def note(self, text):
        self.notes.append(text)


def _first(mask, limit=3):
    return [tuple(int(i) for i in idx) for idx in zip(*np.nonzero(mask))][:limit]


def compare_codes(kind, name, compiled, expected):
    """Exact comparison of two integer arrays (codes or exponents)."""
    compiled, expected = np.asarray(compiled), np.asarray(expected)
    r = Result(kind, name, expected.size)
    if compiled.shape != expected.shape:
        r.bad = expected.size
        r.note("shape %s, expected %s" % (list(compiled.shape), list(expected.shape)))
        return r
    differ = compiled != expected
    r.bad = int(np.count_nonzero(differ))
    r.exact = expected.size - r.bad
    for idx in _first(differ):
        r.note("at %s: trainer %d, reference %d" % (idx, compiled[idx], expected[idx]))
    return r


def compare_gradient(name, compiled, gradient):
    """The trainer's decoded gradient against a mu8_step.Gradient. Returns the result
    and the codes the trainer holds (the reference's where it does not match)."""
    e = gradient.stored.exponent
    compiled = np.asarray(compiled, dtype=np.float32)
    r = Result("grad", name, gradient.stored.codes.size)
    if compiled.shape != gradient.stored.codes.shape:
        r.bad = r.size
        r.note("shape %s, expected %s" % (list(compiled.shape),
                                          list(gradient.stored.codes.shape)))
        return r, gradient.stored.codes
    codes, _, _ = mu8.encode(compiled, e)
    is_level = mu8.decode(codes, e) == compiled
    same = is_level & (codes == gradient.stored.codes)
    inside = is_level & (codes >= gradient.lo) & (codes <= gradient.hi)
    open_ = gradient.ambiguous
    r.exact = int(np.count_nonzero(same))
    r.open = int(np.count_nonzero(open_))
    r.open_other = int(np.count_nonzero(open_ & inside & ~same))
    bad = ~same & ~(open_ & inside)
    r.bad = int(np.count_nonzero(bad))
    for idx in _first(bad):
        r.note("at %s: trainer %r, reference %r (code %d at range 2^%d)%s"
               % (idx, float(compiled[idx]), float(gradient.stored.value[idx]),
                  gradient.stored.codes[idx], e,
                  "" if is_level[idx] else "; not an MU8 level at 2^%d" % e))
    return r, np.where(bad, gradient.stored.codes, codes).astype(np.int8)


def explain_draws(compiled_codes, value, exponent, step, stream, streams):
    """The seed whose stochastic rounding of `value` gives `compiled_codes`, among the
    likely mistakes of the seed scheme (another stream, another stride, a step off
    by one), as text; None if none does."""
    tried = [(step * STREAM_STRIDE + s, "stream %d instead of %d" % (s, stream))
             for s in range(streams) if s != stream]
    tried += [(step * (STREAM_STRIDE + 1) + stream, "seed step * 65537 + stream"),
              (step * STREAM_STRIDE - stream, "seed step * 65536 - stream"),
              ((step + 1) * STREAM_STRIDE + stream, "step %d instead of %d" % (step + 1, step)),
              ((step - 1) * STREAM_STRIDE + stream, "step %d instead of %d" % (step - 1, step)),
              (stream, "step 0 instead of %d" % step)]
    # Several mistakes can give one seed (step 6 * 65537 + 0 is stream 6 of
    # step 6): name them all.
    names = {}
    for seed, what in tried:
        if seed >= 0:
            names.setdefault(seed, []).append(what)
    # A small tensor may match more than one seed by chance: name every match.
    found = []
    for seed, what in names.items():
        codes, _, _ = mu8.encode_stochastic(value, exponent, seed)
        if np.array_equal(codes, compiled_codes):
            found.append("seed %d (%s)" % (seed, ", or ".join(what)))
    if not found:
        return None
    return "the trainer's codes are the draws of " + "; or of ".join(found)


def decided_by_draw(value, exponent):
    """How many elements of `value` lie strictly between two levels at `exponent`
    (so the draw decides their code)."""
    nearest, _, _ = mu8.encode(value, exponent)
    return int(np.count_nonzero(mu8.decode(nearest, exponent) != np.asarray(value, np.float32)))


def explain_stat(index, compiled_value, reference):
    """Which other reference entries equal the trainer's value of entry `index` (not
    for 0, which many counters hold)."""
    if compiled_value == 0:
        return None
    same = [STAT_NAMES[i] for i, v in reference.items()
            if i != index and v == compiled_value and not isinstance(v, set)]
    if not same:
        return None
    return "the trainer's value is the reference's %s" % " or ".join(same)
