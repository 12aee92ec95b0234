"""Tests of the PyTorch reference used by the gradient checks (logbtq.torch_reference)."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

from logbtq import barrier, models, torch_models
from logbtq import torch_reference as tr


# ---------------------------------------------------------------- psi_t


def _psi(z, t):
    return tr.psi(torch.as_tensor(np.asarray(z, dtype=np.float64)), t).numpy()


def test_psi_known_values_from_the_formula():
    # docs/MU8.md: -(1/t) log(-z) for z <= -1/t^2, t z - (1/t) log(1/t^2) + 1/t beyond.
    t = 5.0
    assert _psi(-1.0, t) == pytest.approx(0.0, abs=1e-15)
    assert _psi(-math.e, t) == pytest.approx(-0.2, rel=1e-14)
    assert _psi(-0.04, t) == pytest.approx(-0.2 * math.log(0.04), rel=1e-14)  # the switch point
    assert _psi(0.0, t) == pytest.approx(0.2 * math.log(25.0) + 0.2, rel=1e-14)
    assert _psi(1.0, t) == pytest.approx(5.0 + 0.2 * math.log(25.0) + 0.2, rel=1e-14)
    # Negative far inside the bound: a barrier, not a distance.
    assert _psi(-10.0, t) == pytest.approx(-0.2 * math.log(10.0), rel=1e-14)
    t = 1.0
    assert _psi(-1.0, t) == pytest.approx(0.0, abs=1e-15)  # switch point at -1
    assert _psi(0.5, t) == pytest.approx(0.5 + 0.0 + 1.0, rel=1e-14)


@pytest.mark.parametrize("t", [0.5, 1.0, 5.0, 20.0, 1000.0])
def test_psi_and_slope_match_the_numpy_reference(t):
    z = np.concatenate([np.linspace(-20, 5, 2001), [-1 / t ** 2, 0.0, -1e-9, 1e-9]])
    zt = torch.tensor(z, requires_grad=True)
    value = tr.psi(zt, t)
    np.testing.assert_allclose(value.detach().numpy(), barrier.psi(z, t), rtol=1e-12, atol=1e-14)
    (grad,) = torch.autograd.grad(value.sum(), zt)
    assert np.all(np.isfinite(grad.numpy()))
    np.testing.assert_allclose(grad.numpy(), barrier.dpsi(z, t), rtol=1e-12, atol=1e-14)


def test_penalty_and_gradient_match_the_numpy_reference():
    rng = np.random.default_rng(1)
    x = rng.normal(0, 1.5, size=(7, 5))
    x[0, 0] = 0.0  # sign(0) = 0: no gradient
    x[1, 1] = 1.0  # exactly at the bound
    for bound, t in [(1.0, 5.0), (16.0, 5.0), (0.5, 20.0)]:
        xt = torch.tensor(x, requires_grad=True)
        p = tr.barrier_penalty(xt, bound, t)
        assert float(p) == pytest.approx(barrier.penalty(x, bound, t), rel=1e-12)
        (g,) = torch.autograd.grad(p, xt)
        np.testing.assert_allclose(g.numpy(), barrier.gradient(x, bound, t), rtol=1e-12,
                                   atol=1e-15)
        assert g[0, 0] == 0.0


# ------------------------------------------------------- targets and parameters


def _mlp_terms(targets=None, lam=0.3, batch=4):
    m = models.build("mlp")
    x = np.random.default_rng(0).random((batch, 1, 28, 28), dtype=np.float32)
    r = tr.loss_and_grads(m, x, np.arange(batch) % 10, lam, 1.0, 16.0, 5.0, targets)
    return r["terms"]


def test_mlp_target_list():
    terms = _mlp_terms()
    assert len(terms) == 12
    assert [(k, s, b) for k, _, _, s, b in terms] == [
        ("weight", (256, 784), 1.0), ("weight", (256,), 1.0),
        ("weight", (128, 256), 1.0), ("weight", (128,), 1.0),
        ("weight", (10, 128), 1.0), ("weight", (10,), 1.0),
        ("input", (4, 1, 28, 28), 1.0),
        ("activation", (4, 256), 1.0), ("activation", (4, 256), 1.0),
        ("activation", (4, 128), 1.0), ("activation", (4, 128), 1.0),
        ("activation", (4, 10), 16.0),
    ]
    # Gemm is a matmul and an add of the bias: the layer's output is the
    # add's (one term); Flatten (a reshape) has none.
    assert [op for _, _, op, _, _ in terms[7:]] == ["add", "relu"] * 2 + ["add"]
    assert [n for k, n, _, _, _ in terms if k == "weight"] == [
        "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"]


def test_product_without_parameter_bias_keeps_its_term():
    # A MatMul whose output is added to a constant, not a parameter, is a
    # layer output of its own.
    nodes = [helper.make_node("MatMul", ["x", "w"], ["a"]),
             helper.make_node("Add", ["a", "c"], ["y"])]
    c = helper.make_node("Constant", [], ["c"], value=numpy_helper.from_array(
        np.ones((3,), np.float32), "c"))
    m = _tiny_model([c] + nodes, [_init("w", (4, 3))], [2, 4], [2, 3])
    x = np.random.default_rng(0).random((2, 4), dtype=np.float32)
    r = tr.loss_and_grads(m, x, np.array([1, 2]), 0.3, 1.0, 16.0, 5.0)
    assert [t[2] for t in r["terms"] if t[0] == "activation"] == ["matmul", "add"]


def test_target_subsets_and_lambda_zero():
    assert len(_mlp_terms(["weights"])) == 6
    assert len(_mlp_terms(["inputs"])) == 1
    assert len(_mlp_terms(["activations"])) == 5
    assert len(_mlp_terms(["weights", "inputs"])) == 7
    assert _mlp_terms(lam=0.0) == []
    with pytest.raises(ValueError):
        _mlp_terms(["biases"])


@pytest.mark.parametrize("name,count", [("cnn", 18), ("resnet-tiny", 39)])
def test_zoo_term_counts(name, count):
    m = models.build(name)
    x = np.random.default_rng(0).random((2, 1, 28, 28), dtype=np.float32)
    r = tr.loss_and_grads(m, x, np.array([1, 2]), 0.3, 1.0, 16.0, 5.0)
    assert len(r["terms"]) == count
    assert [b for *_, b in r["terms"]].count(16.0) == 1
    assert r["terms"][-1][2] == "add" and r["terms"][-1][4] == 16.0


def _tiny_model(nodes, inits, xshape, yshape, opset=14):
    g = helper.make_graph(nodes, "t", [helper.make_tensor_value_info("x", TensorProto.FLOAT, xshape)],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, yshape)],
                          initializer=inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])


def _init(name, shape, seed=0, low=-1.0, high=1.0):
    a = np.random.default_rng(seed).uniform(low, high, size=shape).astype(np.float32)
    return numpy_helper.from_array(a, name)


def test_parameters_constants_and_frozen_statistics():
    nodes = [
        helper.make_node("Identity", ["w"], ["w_copy"]),
        helper.make_node("MatMul", ["x", "w"], ["a"]),
        helper.make_node("MatMul", ["x", "w_copy"], ["b"]),
        helper.make_node("Add", ["a", "b"], ["s"]),
        helper.make_node("Div", ["s", "d"], ["q"]),
        helper.make_node("Clip", ["q", "lo", "hi"], ["c"]),
        helper.make_node("BatchNormalization", ["c", "scale", "bias", "mean", "var"], ["y"]),
    ]
    inits = [_init("w", [4, 3]), numpy_helper.from_array(np.float32([2, 4, 8]), "d"),
             numpy_helper.from_array(np.float32(-0.5), "lo"),
             numpy_helper.from_array(np.float32(0.5), "hi"),
             _init("scale", [3], 1), _init("bias", [3], 2), _init("mean", [3], 3),
             _init("var", [3], 4, 0.5, 1.5)]
    ref = tr.Reference(_tiny_model(nodes, inits, [2, 4], [2, 3]))
    # Initializers read only where the importer needs a constant are not parameters.
    assert ref.param_names == ["w", "scale", "bias", "mean", "var", "w_copy"]
    assert ref.frozen == {"mean", "var"}
    assert ref.trainable == ["w", "scale", "bias", "w_copy"]
    x = np.random.default_rng(5).random((2, 4), dtype=np.float32)
    r = ref.loss_and_grads(x, np.array([0, 2]), 0.3, 1.0, 16.0, 5.0)
    assert set(r["grads"]) == {"w", "scale", "bias", "w_copy"}
    # weights (4, the statistics are frozen), input, matmul, matmul, add, mul (the Div),
    # batch_norm (the output: bound 16). The batch norm trains (scale and bias do), so
    # the clip, its input, gets no term; its statistics move.
    assert [(k, op) for k, _, op, _, _ in r["terms"]] == (
        [("weight", None)] * 4 + [("input", None)]
        + [("activation", o) for o in ["matmul", "matmul", "add", "mul", "batch_norm"]])
    assert r["terms"][-1][4] == 16.0
    assert list(r["statistics"]) == ["mean", "var"]
    # Frozen statistics keep the stored form and do not move; the input still gets no
    # term (-logbtq-insert-barriers decides before the statistics are frozen).
    frozen = tr.Reference(_tiny_model(nodes, inits, [2, 4], [2, 3]),
                          freeze_batch_norm_stats=True)
    f = frozen.loss_and_grads(x, np.array([0, 2]), 0.3, 1.0, 16.0, 5.0)
    assert [t[:3] for t in f["terms"]] == [t[:3] for t in r["terms"]]
    assert not f["statistics"]
    assert f["loss"] != r["loss"]


# ------------------------------------------------------------ finite differences


def test_finite_differences_of_a_small_model():
    nodes = [
        helper.make_node("Conv", ["x", "cw", "cb"], ["c"], kernel_shape=[3, 3], pads=[1, 0, 0, 1],
                         strides=[1, 2]),
        helper.make_node("Tanh", ["c"], ["h"]),
        helper.make_node("AveragePool", ["h"], ["p"], kernel_shape=[2, 2], strides=[2, 1],
                         ceil_mode=1),
        helper.make_node("Flatten", ["p"], ["f"]),
        helper.make_node("Gemm", ["f", "w", "b"], ["y"], transB=1, alpha=0.5, beta=2.0),
    ]
    # conv [2,1,5,6] -> [2,2,4,3]; avgpool ceil -> [2,2,2,2]; flatten 8; gemm -> 3 classes
    inits = [_init("cw", [2, 1, 3, 3], 1), _init("cb", [2], 2), _init("w", [3, 8], 3),
             _init("b", [3], 4)]
    model = _tiny_model(nodes, inits, [2, 1, 5, 6], [2, 3])
    ref = tr.Reference(model)
    x = np.random.default_rng(7).uniform(-1.5, 1.5, size=(2, 1, 5, 6)).astype(np.float32)
    y = np.array([0, 2])
    args = (0.3, 1.0, 16.0, 5.0)
    r = ref.loss_and_grads(x, y, *args)
    # 4 weights, the input; conv2d, tanh, avg_pool2d, matmul, mul (alpha), mul (beta C), add.
    assert [op for *_, op, _, _ in r["terms"][5:]] == [
        "conv2d", "tanh", "avg_pool2d", "matmul", "mul", "mul", "add"]
    params = {n: v.astype(np.float64) for n, v in ref.initial.items()}
    h = 1e-6
    for name in ref.trainable:
        fd = np.zeros_like(params[name])
        for i in np.ndindex(*fd.shape):
            plus = {n: v.copy() for n, v in params.items()}
            minus = {n: v.copy() for n, v in params.items()}
            plus[name][i] += h
            minus[name][i] -= h
            fd[i] = (ref.loss_and_grads(x, y, *args, params=plus)["loss"]
                     - ref.loss_and_grads(x, y, *args, params=minus)["loss"]) / (2 * h)
        np.testing.assert_allclose(r["grads"][name], fd, rtol=1e-6,
                                   atol=1e-7 * np.max(np.abs(fd)))


# ------------------------------------------------- independent torch implementations


@pytest.mark.parametrize("name", ["mlp", "cnn", "resnet-tiny"])
def test_zoo_matches_the_torch_modules(name):
    """Without barrier terms the reference is the zoo's nn.Module with cross-entropy."""
    module = torch_models.build(name).double()
    x = np.random.default_rng(3).random((3, 1, 28, 28), dtype=np.float32)
    y = np.array([1, 7, 3])
    xt = torch.tensor(x, dtype=torch.float64)
    logits = module(xt)
    loss = F.cross_entropy(logits, torch.tensor(y))
    grads = torch.autograd.grad(loss, list(module.parameters()))
    r = tr.loss_and_grads(models.build(name), x, y, 0.0, 1.0, 16.0, 5.0)
    np.testing.assert_allclose(r["logits"], logits.detach().numpy(), rtol=1e-12, atol=1e-12)
    assert r["loss"] == pytest.approx(float(loss), rel=1e-12)
    assert r["penalty"] == 0.0
    for (pname, _), g in zip(module.named_parameters(), grads):
        np.testing.assert_allclose(r["grads"][pname], g.numpy(), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("k,s,p,ceil", [(2, 2, 0, False), (3, 2, 1, True), (3, 1, 1, False),
                                        (2, 2, 0, True), (3, 3, 1, True)])
@pytest.mark.parametrize("size", [7, 8])
def test_pooling_matches_torch(k, s, p, ceil, size):
    x = torch.randn(2, 3, size, size, generator=torch.Generator().manual_seed(size),
                    dtype=torch.float64)
    pads = [p] * 4
    np.testing.assert_allclose(tr.max_pool2d(x, [k, k], [s, s], pads, ceil).numpy(),
                               F.max_pool2d(x, k, s, p, ceil_mode=ceil).numpy(), rtol=0, atol=0)
    for cip in (False, True):
        np.testing.assert_allclose(
            tr.avg_pool2d(x, [k, k], [s, s], pads, ceil, cip).numpy(),
            F.avg_pool2d(x, k, s, p, ceil_mode=ceil, count_include_pad=cip).numpy(),
            rtol=1e-14, atol=1e-15)


def test_conv_with_asymmetric_pads():
    x = torch.randn(2, 3, 6, 7, generator=torch.Generator().manual_seed(0),
                    dtype=torch.float64)
    w = torch.randn(4, 3, 3, 2, generator=torch.Generator().manual_seed(1),
                    dtype=torch.float64)
    b = torch.randn(4, generator=torch.Generator().manual_seed(2),
                    dtype=torch.float64)
    y = tr.conv2d(x, w, b, [2, 1], [1, 0, 2, 1], [1, 2])
    # [top, left, bottom, right] = [1, 0, 2, 1]: F.pad takes (left, right, top, bottom).
    expected = F.conv2d(F.pad(x, (0, 1, 1, 2)), w, b, stride=(2, 1), dilation=(1, 2))
    np.testing.assert_allclose(y.numpy(), expected.numpy(), rtol=1e-14)
    assert tuple(y.shape) == (2, 4, (6 + 3 - 3) // 2 + 1, (7 + 1 - 3) // 1 + 1)


def test_sgd_step_matches_torch_optim():
    # logbtq decays weights (rank >= 2) only: torch.optim.SGD with a parameter
    # group without decay for the rank-1 "b"; with decay_all, plain SGD.
    rng = np.random.default_rng(0)
    params = {"a": rng.normal(size=(3, 4)), "b": rng.normal(size=(4,)), "s": rng.normal(size=(2,))}
    grads = {"a": rng.normal(size=(3, 4)), "b": rng.normal(size=(4,))}
    for decay_all in (False, True):
        new, bufs = tr.sgd_step(params, grads, 0.125, momentum=0.5, weight_decay=0.25,
                                frozen={"s"}, decay_all=decay_all)
        tp = [torch.tensor(params[n], requires_grad=True) for n in ("a", "b")]
        opt = torch.optim.SGD([{"params": [tp[0]]},
                               {"params": [tp[1]], "weight_decay": 0.25 if decay_all else 0.0}],
                              lr=0.125, momentum=0.5, weight_decay=0.25)
        for p, n in zip(tp, ("a", "b")):
            p.grad = torch.tensor(grads[n])
        opt.step()
        for p, n in zip(tp, ("a", "b")):
            np.testing.assert_allclose(new[n], p.detach().numpy(), rtol=1e-15)
        np.testing.assert_array_equal(new["s"], params["s"])
        # A second step from the returned buffers.
        new2, _ = tr.sgd_step(new, grads, 0.125, momentum=0.5, weight_decay=0.25,
                              momentum_buffers=bufs, frozen={"s"}, decay_all=decay_all)
        opt.step()
        for p, n in zip(tp, ("a", "b")):
            np.testing.assert_allclose(new2[n], p.detach().numpy(), rtol=1e-14)


def test_sanitize():
    assert tr.sanitize("/conv1/W") == "_conv1_W"
    assert tr.sanitize("layer3.downsample.bias") == "layer3.downsample.bias"
    assert tr.sanitize("onnx::Gemm_12") == "onnx__Gemm_12"
