"""The loss of a training step and the gradients it starts, in the arithmetic of
the compiled program (lib/Conversion/LogBTQToLinalg: LowerLoss.cpp,
LowerGradSoftmax.cpp, LowerGradElementwise.cpp).

- Cross-entropy: per row the max m, S = sum exp(x - m) in float32, and
  (m + log S) - x[label] in float64, averaged over rows in float64, rounded
  to float32 once.
- Barrier term: the mean of psi_t(|x| - bound) (docs/MU8.md) summed in
  float64 (psi itself in float64 for decoded codes, in float32 per element
  for a float32 tensor), rounded to float32 once; penalty = lambda * (((T1 + T2) + T3) + ...) and
  loss = CE + penalty in float32.
- Cross-entropy gradient: (exp((x - m) - log S) * k), minus k at the label,
  k = scale / rows, all float32.
- Barrier gradient: scale / n * sign(x) * slope, float32, with slope
  -1 / (t z) on the log branch and t past it.

The sums over a tensor's elements (float64) are reductions whose order the
compiler may change (reassociated.py), so the loss is a set of float32
candidates (almost always one); the per-row sums of exp run in class order.
exp and log are the C library's (libm.py), as in the compiled program.
"""
import numpy as np

from logbtq import barrier, libm, reassociated

F32 = np.float32


class Softmax:
    """The shared front of the cross-entropy and its gradient."""

    def __init__(self, logits):
        self.logits = np.asarray(logits, dtype=F32)
        self.max = self.logits.max(axis=1)
        self.shifted = self.logits - self.max[:, None]
        # -logbtq-order-loops makes the rows the innermost (parallel) loop of
        # this reduction, since the row max is read contiguously along them:
        # each row adds its classes in order.
        self.sum = reassociated.sum_f32(libm.expf(self.shifted), axes=[1], width=1)


def _candidates_between(lo, hi):
    """The float32 roundings of every float64 in [lo, hi]."""
    return reassociated.f64_candidates((lo + hi) / 2, (hi - lo) / 2 * (1 + 1e-12))


def cross_entropy(logits, labels):
    """The float32 values the mean cross-entropy can take."""
    s = Softmax(logits)
    rows = s.logits.shape[0]
    picked = s.logits[np.arange(rows), labels].astype(np.float64)
    m = s.max.astype(np.float64)

    def total(sums):
        log_sum = libm.log(sums.astype(np.float64))
        per_row = (m + log_sum) - picked
        return float(np.sum(per_row)), float(np.sum(np.abs(m) + np.abs(log_sum) + np.abs(picked)))

    # The total grows with S; each row rounds twice and the rows add in any order.
    (lo, size_lo), (hi, size_hi) = total(s.sum.lo), total(s.sum.hi)
    slack = (2 * rows + 2) * reassociated.U64 * max(size_lo, size_hi)
    return _candidates_between((lo - slack) / rows, (hi + slack) / rows)


def barrier_term(x, bound, t, per_element_f32=False):
    """The float32 values one barrier term (a tensor's mean psi) can take.

    The program computes psi in float64 for decoded codes (a 256-entry
    table), and per element in float32 for a float32 tensor
    (`per_element_f32`): z = |x| - bound rounded to float32, then psi with a
    float32 log, each operation rounded to float32."""
    t = float(F32(t))
    if per_element_f32:
        z = (np.abs(np.asarray(x, dtype=F32)) - F32(bound)).astype(np.float64)
    else:
        z = np.abs(np.asarray(x, dtype=np.float64)) - float(F32(bound))
    psi = barrier.psi(z, t)
    n = psi.size
    total = float(np.sum(psi))
    # Any order of the float64 sum, and numpy's log against the C library's
    # (1 ulp each).
    slack = (n + 4) * 2 * reassociated.U64 * float(np.sum(np.abs(psi)))
    if per_element_f32:
        # z is the program's own (float32 subtraction, as above). Log
        # branch: the float32 log (within 1 ulp: 2 unit roundoffs), the
        # coefficient -1/t rounded to float32 and the product's rounding.
        # Linear branch t z - shift + 1/t: 4 unit roundoffs of each part.
        # (Near the switch point, which the program rounds to float32, the
        # branches agree to first order.)
        on_log = z <= barrier.switch_point(t)
        shift = abs((1.0 / t) * np.log(1.0 / (t * t)))
        with np.errstate(invalid="ignore"):
            log_slack = 4 * np.abs(psi)
            linear_slack = 4 * (np.abs(t * z) + shift + 1.0 / t)
        slack += reassociated.U32 * float(
            np.sum(np.where(on_log, log_slack, linear_slack)))
    return _candidates_between((total - slack) / n, (total + slack) / n)


def penalty_and_loss(terms, lam, ce):
    """(penalty candidates, loss candidates) from each term's candidates, summed in
    order in float32, times lambda, plus the cross-entropy's candidates."""
    sums = set(terms[0]) if terms else {F32(0)}
    for term in terms[1:]:
        sums = {F32(a + b) for a in sums for b in term}
    penalty = {F32(F32(lam) * s) for s in sums}
    loss = {F32(c + p) for c in ce for p in penalty}
    return penalty, loss


def cross_entropy_grad(logits, labels, scale=1.0):
    """The cross-entropy gradient as an Interval (it falls as S grows)."""
    s = Softmax(logits)
    rows, classes = s.logits.shape
    k = F32(scale) / F32(rows)
    is_label = np.arange(classes)[None, :] == np.asarray(labels)[:, None]

    def grad(sums):
        logp = s.shifted - libm.logf(sums)[:, None]
        scaled = libm.expf(logp) * k
        return np.where(is_label, scaled - k, scaled).astype(F32)

    return s.sum.map(grad, decreasing=True)


def barrier_grad(x, bound, t, scale):
    """d (scale * barrier term) / dx in float32."""
    x = np.asarray(x, dtype=F32)
    t, bound, scale = F32(t), F32(bound), F32(scale)
    switch = -(F32(1) / (t * t))
    coefficient = scale / F32(x.size)
    z = np.abs(x) - bound
    with np.errstate(divide="ignore"):
        log_slope = -(F32(1) / (t * z))
    slope = np.where(z <= switch, log_slope, t).astype(F32)
    sign = np.where(x > 0, F32(1), np.where(x < 0, F32(-1), x)).astype(F32)
    return (coefficient * (sign * slope)).astype(F32)


def correct(logits, labels):
    """Rows whose first maximum is at the label."""
    return int(np.count_nonzero(np.argmax(logits, axis=1) == np.asarray(labels)))
