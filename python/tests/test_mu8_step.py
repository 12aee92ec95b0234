"""Tests of the MU8 step reference (logbtq.mu8_step and the modules it uses) on
small chains, against the rules of docs/Quantization.md."""
import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

from logbtq import barrier, libm, models, mu8, mu8_chain, mu8_compare, mu8_loss, mu8_step
from logbtq.mu8_store import (ACTIVATION, GRADIENT, MOMENTUM, WEIGHT, range_exponent)

F32 = np.float32
B = 4


def _model(nodes, inits, shape, classes):
    graph = helper.make_graph(
        nodes, "t", [helper.make_tensor_value_info("input", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [shape[0], classes])],
        initializer=[numpy_helper.from_array(v, n) for n, v in inits.items()])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])


def tiny_mlp(seed=0):
    """Flatten, Gemm 16->5, Relu, Gemm 5->3."""
    rng = np.random.default_rng(seed)
    inits = {"w1": rng.uniform(-0.5, 0.5, (5, 16)).astype(F32),
             "b1": rng.uniform(-0.5, 0.5, 5).astype(F32),
             "w2": rng.uniform(-0.5, 0.5, (3, 5)).astype(F32),
             "b2": rng.uniform(-0.5, 0.5, 3).astype(F32)}
    nodes = [helper.make_node("Flatten", ["input"], ["f"], name="flat"),
             helper.make_node("Gemm", ["f", "w1", "b1"], ["z"], name="fc1", transB=1),
             helper.make_node("Relu", ["z"], ["r"], name="relu"),
             helper.make_node("Gemm", ["r", "w2", "b2"], ["logits"], name="fc2", transB=1)]
    return _model(nodes, inits, [B, 1, 4, 4], 3)


def _step(model, seed=1):
    chain = mu8_chain.Chain(model)
    cfg = mu8_step.Config()
    rng = np.random.default_rng(seed)
    x = rng.random((B, 1, 4, 4), dtype=F32)
    y = rng.integers(0, 3, B)
    return chain, cfg, mu8_step.Step(chain, cfg, mu8_step.initial_codes(chain, cfg), x, y)


# ------------------------------------------------------------------ storage rules
@pytest.mark.parametrize("value, e", [(1.0, 0), (0.75, 0), (0.5, -1), (0.0, -32), (3e-40, -32),
                                      (2.0 ** 40, 32), (np.inf, 32), (-6.0, 3)])
def test_range_exponent(value, e):
    assert range_exponent([F32(value), F32(0)]) == e


def test_range_exponent_skips_nan():
    assert range_exponent([np.nan, 0.3]) == -1


def test_counters_follow_the_storage_rules():
    """Activations: x, its flatten, each layer output and relu result, the logits.
    Gradients: CE, logits, and per Gemm the bias sum and total, the weight product and
    total, the input product (and its total where the input has a barrier term),
    relu_grad and its total. Products: every integer kernel output."""
    _, _, s = _step(tiny_mlp())
    s.backward()
    s.update({n: g.stored.value for n, g in s.grads.items()},
             {n: np.zeros_like(c.codes) for n, c in s.params.items()},
             {n: 0 for n in s.params}, 3)
    c = s.counters
    params = 5 * 16 + 5 + 3 * 5 + 3
    assert c.encoded[ACTIVATION] == B * (16 + 16 + 5 + 5 + 3)
    assert c.encoded[GRADIENT] == 2 * B * 3 + (3 + 3 + 15 + 15) + 4 * B * 5 + (5 + 5 + 80 + 80)
    assert c.encoded[WEIGHT] == c.encoded[MOMENTUM] == params
    assert c.outputs == B * 5 + B * 3 + 15 + B * 5 + 80
    assert c.saturated[GRADIENT] == c.saturated[MOMENTUM] == 0
    zeros = sum(int(np.count_nonzero(v.stored.codes == 0))
                for v in [s.input] + [out for _, _, out in s.values])
    assert c.zeros == zeros
    assert s.num_terms == 4 + 1 + 3  # parameters, input, fc1, relu, logits


def test_update_rounds_with_the_streams_of_the_step():
    _, cfg, s = _step(tiny_mlp())
    grads = s.backward()
    mom = {n: np.zeros_like(p.codes) for n, p in s.params.items()}
    params, momentum, ranges = s.update({n: g.stored.value for n, g in grads.items()}, mom,
                                        {n: 0 for n in s.params}, 9)
    for i, n in enumerate(s.params):
        p_new, m_new = s.updated[n]
        assert np.array_equal(p_new, s.params[n].value - cfg.lr * grads[n].stored.value)
        want, _, _ = mu8.encode_stochastic(p_new, 0, 9 * 65536 + 2 * i)
        assert np.array_equal(params[n], want)
        want, _, _ = mu8.encode_stochastic(m_new, ranges[n], 9 * 65536 + 2 * i + 1)
        assert np.array_equal(momentum[n], want)
        assert ranges[n] == range_exponent(m_new)


def test_no_gradient_no_change():
    _, _, s = _step(tiny_mlp())
    zero = {n: np.zeros(p.shape, F32) for n, p in s.params.items()}
    mom = {n: np.zeros(p.shape, np.int8) for n, p in s.params.items()}
    params, momentum, ranges = s.update(zero, mom, {n: 0 for n in s.params}, 5)
    for n, p in s.params.items():
        assert np.array_equal(params[n], p.codes)
        assert not momentum[n].any() and ranges[n] == mu8.MIN_EXPONENT


def test_gradients_are_certain_without_reassociated_sums():
    _, _, s = _step(tiny_mlp())
    assert all(not g.ambiguous.any() for g in s.backward().values())


def test_gradients_approach_float_autodiff():
    """Quantized gradients are close to float32 ones: a sanity check of the rules."""
    chain, cfg, s = _step(tiny_mlp())
    g = s.backward()
    # The last layer's bias gradient: the mean of (softmax - onehot) plus the barrier.
    logits = s.logits.stored.value
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    p[np.arange(B), s.labels] -= 1
    want = p.mean(0) + cfg.lam * barrier.gradient(s.params["b2"].value, 1.0, 5.0)
    assert np.allclose(g["b2"].stored.value, want, rtol=0.05, atol=1e-3)


# ------------------------------------------------------------------ loss pieces
def test_barrier_grad_is_the_float32_derivative():
    x = np.array([-0.99, -0.5, 0.0, 0.3, 0.999, 1.5, -4.0], F32)
    got = mu8_loss.barrier_grad(x, 1.0, 5.0, 0.3)
    want = 0.3 * barrier.gradient(x.astype(np.float64), 1.0, 5.0)
    assert got.dtype == F32
    assert np.allclose(got, want, rtol=1e-6)
    assert got[2] == 0


def test_cross_entropy_and_its_gradient():
    rng = np.random.default_rng(3)
    logits = rng.standard_normal((5, 10)).astype(F32) * 3
    labels = rng.integers(0, 10, 5)
    z = logits.astype(np.float64)
    lse = np.log(np.exp(z - z.max(1, keepdims=True)).sum(1)) + z.max(1)
    ce = np.mean(lse - z[np.arange(5), labels])
    # float32 exp sums: a few float32 ulps from the float64 value.
    assert any(abs(c - ce) <= 1e-6 for c in mu8_loss.cross_entropy(logits, labels))
    g = mu8_loss.cross_entropy_grad(logits, labels)
    p = np.exp(z - lse[:, None])
    p[np.arange(5), labels] -= 1
    assert np.allclose(g.nominal, p / 5, atol=1e-7)


def test_penalty_adds_terms_in_order():
    terms = [[F32(1e8)], [F32(1.0)], [F32(-1e8)]]
    penalty, loss = mu8_loss.penalty_and_loss(terms, 0.5, [F32(2.0)])
    assert penalty == {F32(0.0)} and loss == {F32(2.0)}


def test_libm_wrappers():
    assert libm.expf(np.array([0.0]))[0] == 1 and libm.logf(np.array([1.0]))[0] == 0
    x = np.linspace(-5, 5, 101, dtype=F32)
    assert np.allclose(libm.expf(x), np.exp(x), rtol=2e-7)
    assert libm.log(np.array([np.e]))[0] == pytest.approx(1.0, abs=1e-15)


# ------------------------------------------------------------------ the chain
def test_zoo_chains_and_their_parameter_order():
    mlp = mu8_chain.Chain(models.build("mlp"))
    assert [l.op for l in mlp.layers] == ["flatten", "gemm", "relu", "gemm", "relu", "gemm"]
    assert mlp.param_names == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias",
                               "fc3.weight", "fc3.bias"]
    cnn = mu8_chain.Chain(models.build("cnn"))
    assert [l.op for l in cnn.layers] == ["conv", "relu", "maxpool", "conv", "relu",
                                          "maxpool", "flatten", "gemm", "relu", "gemm"]
    assert cnn.layers[0].pad == 2 and cnn.layers[2].kernel == 2
    codes = mu8_step.initial_codes(cnn, mu8_step.Config())
    assert all(mu8_step.weight_exponent(v, 0) == 0 for v in cnn.initial.values())
    assert np.array_equal(codes["conv1.bias"], mu8.encode(cnn.initial["conv1.bias"], 0)[0])


def test_unsupported_models_are_refused():
    m = tiny_mlp()
    m.graph.node[2].op_type = "Sigmoid"
    with pytest.raises(mu8_chain.UnsupportedModel, match="not an op"):
        mu8_chain.Chain(m)
    m = tiny_mlp()
    m.graph.node[1].attribute[0].i = 0  # transB
    with pytest.raises(mu8_chain.UnsupportedModel, match="transB"):
        mu8_chain.Chain(m)


def test_weight_exponent_widens_for_large_initial_values():
    assert mu8_step.weight_exponent(np.array([0.5, -1.0], F32), 0) == 0
    assert mu8_step.weight_exponent(np.array([0.5, -1.5], F32), 0) == 1
    assert mu8_step.weight_exponent(np.array([5.0], F32), 0) == 3


# ------------------------------------------------------------------ comparisons
def _gradient(codes, lo=None, hi=None, e=-3):
    from logbtq.mu8_store import Stored
    codes = np.asarray(codes, np.int8)
    return mu8_step.Gradient(Stored(codes, e), codes if lo is None else lo,
                             codes if hi is None else hi)


def test_an_open_gradient_code_may_take_the_other_code_only():
    g = _gradient([10, 20, 30], lo=np.array([10, 19, 30], np.int8),
                  hi=np.array([10, 20, 30], np.int8))
    r, codes = mu8_compare.compare_gradient("g", mu8.decode([10, 19, 30], -3), g)
    assert r.ok and (r.exact, r.open, r.open_other) == (2, 1, 1)
    assert list(codes) == [10, 19, 30]
    r, _ = mu8_compare.compare_gradient("g", mu8.decode([11, 20, 30], -3), g)
    assert not r.ok and r.bad == 1 and "at (0,)" in r.notes[0]
    r, _ = mu8_compare.compare_gradient("g", mu8.decode([10, 20, 30], -3) * F32(1.001), g)
    assert r.bad == 3 and "not an MU8 level" in r.notes[0]


def test_explain_draws_names_a_swapped_stream():
    value = np.random.default_rng(5).uniform(-0.5, 0.5, 500).astype(F32)
    codes, _, _ = mu8.encode_stochastic(value, 0, mu8_step.seed_of(7, 4))
    why = mu8_compare.explain_draws(codes, value, 0, 7, 5, 8)
    assert why and "stream 4 instead of 5" in why
    codes, _, _ = mu8.encode_stochastic(value, 0, 7 * 65537 + 5)
    assert "65537" in mu8_compare.explain_draws(codes, value, 0, 7, 5, 8)
    assert mu8_compare.decided_by_draw(value, 0) > 400


def test_explain_stat_points_at_the_entry_with_that_value():
    ref = {5: 17, 6: 0, 14: 99}
    assert "SAT_ACTIVATIONS" in mu8_compare.explain_stat(14, 17.0, ref)
    assert mu8_compare.explain_stat(14, 5.0, ref) is None
