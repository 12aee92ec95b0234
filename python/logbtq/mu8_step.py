"""One MU8 training step of a chain model in numpy: the MU8 step test's reference.

It follows docs/Quantization.md (what -logbtq-quantize stores and how) and
docs/MU8.md (the numerics), not the compiler's code, on the layers of
mu8_chain.py, and reproduces a compiled `train_step` from the state the
trainer's step dump wrote before it:

Forward. The input is encoded at the activation range. Every layer output
(the biased product of a Gemm, a Conv) is stored at the activation range, the
logits at the output range; integer kernels (mu8_kernels.py) compute the
products from codes. Relu, MaxPool and Flatten only move or select codes, so
their results are encoded again at their input's range (exact, but counted).
Barrier terms (InsertBarriers): every parameter (decoded), the raw input,
then every op result except reshapes and a product whose only user adds a
bias, in program order; the logits' bound is the output bound.

Backward, in reverse-mode order (Autodiff.cpp, the VJPs of LogBTQGradients):
every gradient an op produces is stored at its own range (range_exponent).
A value's gradient is the gradient from its user plus, where the value has
a barrier term, the barrier gradient (read from the decoded value), added in
float32 and stored once more. A Gemm's weight gradient is dY^T A, its input
gradient dY W, its bias gradient the sum of dY over the batch; a Conv's are
conv2d_grad_filter, conv2d_grad_input and the sum over (N, H, W); Relu
passes the gradient where its decoded input is > 0; MaxPool sends each
window's gradient to its first maximum; Flatten reshapes it (encoded again).
The input gets no gradient.

Update (SGD with momentum, no float32 master copy): m' = m * momentum + g,
p' = p - lr * m' in float32 from the decoded codes, then stochastic
rounding: parameter i at its range with seed step * 65536 + 2i, its momentum
at range_exponent(m') with seed step * 65536 + 2i + 1; the draw of element
j is uniform24(seed, j).

Sums the compiler may reorder (reassociated.py) make the convolutions' bias
gradients Intervals, so every parameter gradient comes with the lowest and
highest codes it can have. The cross-entropy gradient's sums are in order;
were its codes ever open, Step raises Ambiguous rather than guess.
"""
from collections import OrderedDict

import numpy as np

from logbtq import mu8, mu8_kernels as kernels, mu8_loss as loss, reassociated
from logbtq.mu8_store import (ACTIVATION, GRADIENT, MOMENTUM, WEIGHT, Ambiguous, Counters,
                              Stored, range_exponent, store, store_interval)

F32 = np.float32
STREAM_STRIDE = 65536


class Config:
    """The options a default `logbtq-compile` build has (docs/Quantization.md,
    logbtq-compile --help), as float32 where the program holds float32."""

    def __init__(self, lam=0.3, bound=1.0, output_bound=16.0, t=5.0, lr=0.05, momentum=0.9,
                 weight_decay=0.0, weight_range=0, activation_range=0, output_range=4):
        self.lam, self.bound, self.output_bound = F32(lam), F32(bound), F32(output_bound)
        self.t, self.lr, self.momentum = F32(t), F32(lr), F32(momentum)
        self.weight_decay = F32(weight_decay)
        self.weight_range = weight_range
        self.activation_range = activation_range
        self.output_range = output_range


def weight_exponent(initial, floor):
    """A parameter's range: the weight range, widened until it holds the initial
    values."""
    largest = float(np.max(np.abs(initial))) if np.size(initial) else 0.0
    e = floor
    while e < mu8.MAX_EXPONENT and largest > 2.0 ** e:
        e += 1
    return e


class Value:
    """A forward value: how it is stored, what its barrier term reads, and whether
    a parameter lies upstream (only then does it get a gradient)."""

    def __init__(self, stored, raw, term, active):
        self.stored, self.raw, self.term, self.active = stored, raw, term, active


class Gradient:
    """A parameter's gradient: the reference's codes and the lowest and highest
    codes the compiled program may hold (equal where certain)."""

    def __init__(self, stored, lo, hi):
        self.stored = stored
        self.lo, self.hi = np.asarray(lo, np.int8), np.asarray(hi, np.int8)

    @property
    def ambiguous(self):
        return self.lo != self.hi


class Step:
    """Forward and backward of one batch from a state; update() then gives the
    next state."""

    def __init__(self, chain, config, params, x, labels):
        """params: name -> int8 codes (at weight_exponent of the initial values)."""
        self.chain, self.config = chain, config
        self.labels = np.asarray(labels, dtype=np.int64)
        self.exponents = OrderedDict((n, weight_exponent(v, config.weight_range))
                                     for n, v in chain.initial.items())
        self.params = OrderedDict((n, Stored(params[n], self.exponents[n]))
                                  for n in chain.param_names)
        self.counters = Counters()
        self._forward(np.asarray(x, dtype=F32))
        s = loss.cross_entropy_grad(self.logits.stored.value, self.labels)
        self.ce_stored, lo, hi = store_interval(self.counters, s, GRADIENT)
        if np.any(lo != hi):
            # Everything downstream reads these codes: no comparison would be exact.
            raise Ambiguous("%d codes of the cross-entropy gradient lie within the bound "
                            "of a reassociated sum of a threshold"
                            % int(np.count_nonzero(lo != hi)))
        self.forward_counters = self.counters.copy()

    # ------------------------------------------------------------------ forward
    def _forward(self, x):
        cfg = self.config
        a = Value(store(self.counters, x, ACTIVATION, cfg.activation_range), x, True, False)
        self.input = a
        self.values = []  # (layer, input Value, output Value), in program order
        for i, layer in enumerate(self.chain.layers):
            last = i == len(self.chain.layers) - 1
            out = self._layer(layer, a, last)
            self.values.append((layer, a, out))
            a = out
        self.logits = a
        logits = a.stored.value
        terms = [loss.barrier_term(p.value, cfg.bound, cfg.t) for p in self.params.values()]
        # The input and the activations are float32 tensors in the program
        # (the parameters' terms read decoded codes).
        terms.append(loss.barrier_term(x, cfg.bound, cfg.t, per_element_f32=True))
        for layer, _, out in self.values:
            if out.term:
                bound = cfg.output_bound if out is self.logits else cfg.bound
                terms.append(loss.barrier_term(out.raw, bound, cfg.t,
                                               per_element_f32=True))
        self.num_terms = len(terms)
        self.ce = loss.cross_entropy(logits, self.labels)
        self.penalty, self.loss = loss.penalty_and_loss(terms, cfg.lam, self.ce)
        self.correct = loss.correct(logits, self.labels)

    def _layer(self, layer, a, last):
        cfg, counters = self.config, self.counters
        if layer.op in ("flatten", "relu", "maxpool"):
            v = a.stored.value
            if layer.op == "flatten":
                raw = v.reshape(v.shape[0], -1)
            elif layer.op == "relu":
                raw = np.maximum(v, F32(0))
            else:
                n, ch, h, w = v.shape
                k = layer.kernel
                raw = v[:, :, :h // k * k, :w // k * k].reshape(
                    n, ch, h // k, k, w // k, k).max(axis=(3, 5))
            stored = store(counters, raw, ACTIVATION, a.stored.exponent)
            return Value(stored, raw, layer.op != "flatten", a.active)
        w, b = self.params[layer.weight], self.params[layer.bias]
        if layer.op == "gemm":
            k = kernels.matmul(a.stored.codes, a.stored.exponent, w.codes, w.exponent,
                               transpose_b=True)
            raw = (k.value + b.value[None, :]).astype(F32)
        else:
            k = kernels.conv2d(a.stored.codes, a.stored.exponent, w.codes, w.exponent,
                               layer.pad, bias=b.value)
            raw = k.value
        counters.add_kernel(k)
        e = cfg.output_range if last else cfg.activation_range
        return Value(store(counters, raw, ACTIVATION, e), raw, True, True)

    # ----------------------------------------------------------------- backward
    def _barrier_grad(self, value, bound):
        cfg = self.config
        return loss.barrier_grad(value, bound, cfg.t, cfg.lam)

    def _accumulate(self, value, incoming, bound=None):
        """The stored gradient of `value` given its user's gradient (a Stored)."""
        if not value.term:
            return incoming
        bound = self.config.bound if bound is None else bound
        total = (self._barrier_grad(value.stored.value, bound) + incoming.value).astype(F32)
        return store(self.counters, total, GRADIENT)

    def _param_grad(self, name, contribution, lo=None, hi=None):
        """Barrier gradient of the decoded parameter plus `contribution` (a Stored whose
        codes may lie anywhere in [lo, hi])."""
        bg = self._barrier_grad(self.params[name].value, self.config.bound)
        e = contribution.exponent
        lo = contribution.codes if lo is None else lo
        hi = contribution.codes if hi is None else hi
        total = reassociated.Interval((bg + contribution.value).astype(F32),
                                      (bg + mu8.decode(lo, e)).astype(F32),
                                      (bg + mu8.decode(hi, e)).astype(F32))
        stored, glo, ghi = store_interval(self.counters, total, GRADIENT)
        return Gradient(stored, glo, ghi)

    def _bias_grad(self, name, dy, axes):
        """The bias gradient: the sum of dy over `axes`, stored, plus the bias's
        barrier gradient. Over the batch ([N, C] -> [C]) the channel loop is
        innermost and parallel, so the sum is in batch order; over (N, H, W)
        the innermost loop sums a row of W in an order LLVM chooses."""
        width = dy.shape[-1] if len(axes) > 1 and axes[-1] == dy.value.ndim - 1 else 1
        rs, lo, hi = store_interval(self.counters,
                                    reassociated.sum_f32(dy.value, axes, width), GRADIENT)
        return self._param_grad(name, rs, lo, hi)

    def backward(self):
        """Gradients (name -> Gradient); the counters then hold the forward's and
        the backward's stores and kernels."""
        self.counters = self.forward_counters.copy()
        g = self._accumulate(self.logits, self.ce_stored, self.config.output_bound)
        grads = OrderedDict()
        for layer, a, out in reversed(self.values):
            g_in = self._layer_grad(layer, a, out, g, grads)
            if g_in is None:
                break
            g = self._accumulate(a, g_in)
        self.grads = OrderedDict((n, grads[n]) for n in self.chain.param_names)
        return self.grads

    def _layer_grad(self, layer, a, out, g, grads):
        """Records the layer's parameter gradients in `grads`; returns the stored
        gradient its input receives from it (None if the input is not active)."""
        counters = self.counters
        if layer.op == "flatten":
            if not a.active:
                return None
            return store(counters, g.value.reshape(a.stored.shape), GRADIENT, g.exponent)
        if layer.op == "relu":
            passed = np.where(a.stored.value > 0, g.value, F32(0)).astype(F32)
            return store(counters, passed, GRADIENT) if a.active else None
        if layer.op == "maxpool":
            return store(counters, self._maxpool_grad(a.stored.value, g.value, layer.kernel),
                         GRADIENT) if a.active else None
        w = self.params[layer.weight]
        if layer.op == "gemm":
            dw = kernels.matmul(g.codes, g.exponent, a.stored.codes, a.stored.exponent,
                                transpose_a=True)
            grads[layer.bias] = self._bias_grad(layer.bias, g, [0])
        else:
            dw = kernels.conv2d_grad_filter(g.codes, g.exponent, a.stored.codes,
                                            a.stored.exponent, layer.pad, w.shape)
            grads[layer.bias] = self._bias_grad(layer.bias, g, [0, 2, 3])
        counters.add_kernel(dw)
        grads[layer.weight] = self._param_grad(
            layer.weight, store(counters, dw.value, GRADIENT))
        if not a.active:
            return None
        if layer.op == "gemm":
            dx = kernels.matmul(g.codes, g.exponent, w.codes, w.exponent)
        else:
            dx = kernels.conv2d_grad_input(g.codes, g.exponent, w.codes, w.exponent,
                                           layer.pad, a.stored.shape)
        counters.add_kernel(dx)
        return store(counters, dx.value, GRADIENT)

    @staticmethod
    def _maxpool_grad(x, dy, k):
        """Each window's gradient to its first maximum (row-major); 0 elsewhere."""
        n, c, h, w = x.shape
        oh, ow = dy.shape[2], dy.shape[3]
        windows = x[:, :, :oh * k, :ow * k].reshape(n, c, oh, k, ow, k)
        windows = windows.transpose(0, 1, 2, 4, 3, 5).reshape(n, c, oh, ow, k * k)
        first = np.argmax(windows, axis=-1)
        dx = np.zeros((n, c, oh, ow, k * k), dtype=F32)
        np.put_along_axis(dx, first[..., None], dy[..., None], axis=-1)
        dx = dx.reshape(n, c, oh, ow, k, k).transpose(0, 1, 2, 4, 3, 5).reshape(
            n, c, oh * k, ow * k)
        out = np.zeros_like(x)
        out[:, :, :oh * k, :ow * k] = dx
        return out

    # ------------------------------------------------------------------- update
    def update(self, grads, momentum, ranges, step):
        """The next state from decoded gradients (name -> float32 array), momentum
        codes and range exponents (name -> codes, name -> int) at step `step`:
        (params, momentum, ranges) as name -> codes / exponent, with the
        counters of the update added. `self.updated` keeps the float32 values that
        were rounded: name -> (p', m')."""
        cfg = self.config
        new_params, new_momentum, new_ranges = OrderedDict(), OrderedDict(), OrderedDict()
        self.updated = OrderedDict()
        for i, name in enumerate(self.chain.param_names):
            p = self.params[name]
            m = mu8.decode(momentum[name], ranges[name])
            g = np.asarray(grads[name], dtype=F32)
            if cfg.weight_decay != 0:
                g = (g + cfg.weight_decay * p.value).astype(F32)
            m_new = (m * cfg.momentum + g).astype(F32)
            p_new = (p.value - cfg.lr * m_new).astype(F32)
            codes, sat, invalid = mu8.encode_stochastic(
                p_new, p.exponent, seed_of(step, 2 * i))
            self.counters.add_encode(WEIGHT, codes, sat, invalid)
            e = range_exponent(m_new)
            mcodes, sat, invalid = mu8.encode_stochastic(m_new, e, seed_of(step, 2 * i + 1))
            self.counters.add_encode(MOMENTUM, mcodes, sat, invalid)
            new_params[name], new_momentum[name], new_ranges[name] = codes, mcodes, e
            self.updated[name] = (p_new, m_new)
        return new_params, new_momentum, new_ranges


def seed_of(step, stream):
    """The seed of stochastic-rounding stream `stream` at step `step`."""
    return (int(step) * STREAM_STRIDE + int(stream)) & 0xFFFFFFFFFFFFFFFF


def initial_codes(chain, config):
    """The codes a trainer starts from: round to nearest at each parameter's range."""
    return OrderedDict((n, mu8.encode(v, weight_exponent(v, config.weight_range))[0])
                       for n, v in chain.initial.items())
