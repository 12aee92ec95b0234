"""The ONNX model zoo (logbtq.models), its torch twins (logbtq.torch_models)
and the importer's test-model generator (test/Target/ONNX/Inputs/onnx_gen.py)."""
import importlib.util
import math
import os
import subprocess
import sys

import numpy as np
import onnx
import pytest
from onnx import numpy_helper

from logbtq import models

torch = pytest.importorskip("torch")
from logbtq import torch_models  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
GEN_PATH = os.path.join(ROOT, "test", "Target", "ONNX", "Inputs", "onnx_gen.py")

def BN(prefix, channels):
    return [(prefix + "." + k, [channels])
            for k in ("weight", "bias", "running_mean", "running_var")]


EXPECTED = {
    "mlp": ([("fc1.weight", [256, 784]), ("fc1.bias", [256]),
             ("fc2.weight", [128, 256]), ("fc2.bias", [128]),
             ("fc3.weight", [10, 128]), ("fc3.bias", [10])], 235146),
    "cnn": ([("conv1.weight", [16, 1, 5, 5]), ("conv1.bias", [16]),
             ("conv2.weight", [32, 16, 5, 5]), ("conv2.bias", [32]),
             ("fc1.weight", [128, 1568]), ("fc1.bias", [128]),
             ("fc2.weight", [10, 128]), ("fc2.bias", [10])], 215370),
    "lenet5": ([("conv1.weight", [6, 1, 5, 5]), ("conv1.bias", [6]),
                ("conv2.weight", [16, 6, 5, 5]), ("conv2.bias", [16]),
                ("fc1.weight", [120, 400]), ("fc1.bias", [120]),
                ("fc2.weight", [84, 120]), ("fc2.bias", [84]),
                ("fc3.weight", [10, 84]), ("fc3.bias", [10])], 61706),
    "resnet-tiny": ([("conv1.weight", [16, 1, 3, 3]), ("conv1.bias", [16])] +
                    [(f"layer{i}.conv{j}.{p}", [16, 16, 3, 3] if p == "weight" else [16])
                     for i in (1, 2) for j in (1, 2) for p in ("weight", "bias")] +
                    [("layer3.conv1.weight", [32, 16, 3, 3]), ("layer3.conv1.bias", [32]),
                     ("layer3.conv2.weight", [32, 32, 3, 3]), ("layer3.conv2.bias", [32]),
                     ("layer3.downsample.weight", [32, 16, 1, 1]),
                     ("layer3.downsample.bias", [32]),
                     ("fc.weight", [10, 32]), ("fc.bias", [10])], 24202),
    "resnet8": ([("conv1.weight", [16, 1, 3, 3])] + BN("bn1", 16) +
                [(f"layer1.{m}", s) for j in (1, 2)
                 for m, s in [(f"conv{j}.weight", [16, 16, 3, 3])] + BN(f"bn{j}", 16)] +
                [(f"layer2.{m}", s) for m, s in
                 [("conv1.weight", [32, 16, 3, 3])] + BN("bn1", 32) +
                 [("conv2.weight", [32, 32, 3, 3])] + BN("bn2", 32) +
                 [("downsample.0.weight", [32, 16, 1, 1])] + BN("downsample.1", 32)] +
                [(f"layer3.{m}", s) for m, s in
                 [("conv1.weight", [64, 32, 3, 3])] + BN("bn1", 64) +
                 [("conv2.weight", [64, 64, 3, 3])] + BN("bn2", 64) +
                 [("downsample.0.weight", [64, 32, 1, 1])] + BN("downsample.1", 64)] +
                [("fc.weight", [10, 64]), ("fc.bias", [10])], 78426),
}
OPS = {
    "mlp": "Flatten Gemm Relu Gemm Relu Gemm",
    "cnn": "Conv Relu MaxPool Conv Relu MaxPool Flatten Gemm Relu Gemm",
    "lenet5": "Conv Relu MaxPool Conv Relu MaxPool Flatten Gemm Relu Gemm Relu Gemm",
    "resnet-tiny": "Conv Relu " + "Conv Relu Conv Add Relu " * 2 +
                   "Conv Relu Conv Conv Add Relu GlobalAveragePool Flatten Gemm",
    "resnet8": "Conv BatchNormalization Relu " +
               "Conv BatchNormalization Relu Conv BatchNormalization Add Relu " +
               "Conv BatchNormalization Relu Conv BatchNormalization "
               "Conv BatchNormalization Add Relu " * 2 +
               "GlobalAveragePool Flatten Gemm",
}


def dims(value_info):
    return [d.dim_param or d.dim_value for d in value_info.type.tensor_type.shape.dim]


def node_signature(model):
    return [(n.name, n.op_type, list(n.input), list(n.output),
             sorted((a.name, str(onnx.helper.get_attribute_value(a))) for a in n.attribute))
            for n in model.graph.node]


# ------------------------------------------------------------------- zoo

def test_model_list():
    assert list(models.MODELS) == ["mlp", "cnn", "lenet5", "resnet-tiny", "resnet8"]
    # The ViT exists only as a PyTorch module (exported, not built by hand).
    assert set(torch_models.MODULES) == set(models.MODELS) | torch_models.TORCH_ONLY


@pytest.mark.parametrize("name", list(models.MODELS))
def test_zoo_checker_every_opset(name):
    for opset in range(models.MIN_OPSET, models.MAX_OPSET + 1):
        m = models.build(name, opset=opset)
        onnx.checker.check_model(m, full_check=True)
        assert [o.version for o in m.opset_import if o.domain in ("", "ai.onnx")] == [opset]


@pytest.mark.parametrize("name", list(models.MODELS))
def test_zoo_structure(name):
    m = models.build(name)
    names, count = EXPECTED[name]
    assert [(t.name, list(t.dims)) for t in m.graph.initializer] == names
    assert models.parameter_count(m) == count
    assert all(t.data_type == onnx.TensorProto.FLOAT for t in m.graph.initializer)
    assert [(i.name, dims(i)) for i in m.graph.input] == [("input", ["batch", 1, 28, 28])]
    assert [(o.name, dims(o)) for o in m.graph.output] == [("logits", ["batch", 10])]
    assert " ".join(n.op_type for n in m.graph.node) == OPS[name]
    for n in m.graph.node:
        assert n.name.startswith("/") and n.name.endswith("/" + n.op_type)
    assert m.graph.node[-1].output[0] == "logits"


def test_zoo_node_names_mlp():
    m = models.build("mlp")
    assert [n.name for n in m.graph.node] == [
        "/flatten/Flatten", "/fc1/Gemm", "/relu1/Relu", "/fc2/Gemm", "/relu2/Relu", "/fc3/Gemm"]
    gemm = m.graph.node[1]
    assert list(gemm.input) == ["/flatten/Flatten_output_0", "fc1.weight", "fc1.bias"]
    assert {a.name: onnx.helper.get_attribute_value(a) for a in gemm.attribute}["transB"] == 1


@pytest.mark.parametrize("name", list(models.MODELS))
def test_zoo_init_bounds_and_seed(name):
    a = models.build(name, seed=0)
    b = models.build(name, seed=0)
    c = models.build(name, seed=1)
    assert a.SerializeToString() == b.SerializeToString()
    assert a.graph.initializer[0] != c.graph.initializer[0]
    weights = {t.name: numpy_helper.to_array(t) for t in a.graph.initializer}
    for key, w in weights.items():
        layer = key.rsplit(".", 1)[0]
        fan_in = int(np.prod(weights[layer + ".weight"].shape[1:]))
        bound = 1.0 / math.sqrt(fan_in)
        assert np.all(np.abs(w) <= bound), key
        if w.size >= 100:  # uniform: spread over most of the interval
            assert w.max() > 0.8 * bound and w.min() < -0.8 * bound, key
            assert abs(float(w.mean())) < 0.1 * bound, key


@pytest.mark.parametrize("name", list(models.MODELS))
def test_zoo_other_input_shape(name):
    # CIFAR-10's 3x32x32: the first layer takes 3 channels, the flattened
    # size follows the spatial size, and onnx's shape inference agrees.
    m = models.build(name, input_shape=(3, 32, 32))
    assert [(i.name, dims(i)) for i in m.graph.input] == [("input", ["batch", 3, 32, 32])]
    first = {t.name: list(t.dims) for t in m.graph.initializer}[m.graph.initializer[0].name]
    assert first[1] == (3 if len(first) == 4 else 3 * 32 * 32)
    onnx.checker.check_model(onnx.shape_inference.infer_shapes(m, strict_mode=True),
                             full_check=True)


def test_zoo_rejects_bad_arguments():
    with pytest.raises(KeyError):
        models.build("vgg")
    for opset in (10, 18):
        with pytest.raises(ValueError):
            models.build("mlp", opset=opset)
    with pytest.raises(ValueError):
        models.build("cnn", input_shape=(28, 28))


def test_zoo_cli(tmp_path):
    out = tmp_path / "cnn.onnx"
    r = subprocess.run([sys.executable, "-m", "logbtq.models", "cnn", "-o", str(out),
                        "--opset", "13", "--seed", "5"],
                       cwd=os.path.join(ROOT, "python"), capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    m = onnx.load(str(out))
    assert m.opset_import[0].version == 13
    assert m.SerializeToString() == models.build("cnn", opset=13, seed=5).SerializeToString()


# ----------------------------------------------------------------- torch

@pytest.mark.parametrize("name", list(models.MODELS))
def test_torch_module_matches_zoo(name):
    zoo = models.build(name, seed=3)
    module = torch_models.MODULES[name]()
    state = [k for k in module.state_dict() if not k.endswith("num_batches_tracked")]
    assert state == [t.name for t in zoo.graph.initializer]
    torch_models.load_onnx_weights(module, zoo)
    module.eval()
    for t in zoo.graph.initializer:
        np.testing.assert_array_equal(module.state_dict()[t.name].numpy(),
                                      numpy_helper.to_array(t))
    x = torch.from_numpy(np.random.default_rng(0).standard_normal((4, 1, 28, 28))
                         .astype(np.float32))
    with torch.no_grad():
        y = module(x)
    assert tuple(y.shape) == (4, 10)
    assert torch.isfinite(y).all()


@pytest.mark.parametrize("name", list(models.MODELS))
def test_torch_export_equals_zoo(name, tmp_path):
    path = tmp_path / (name + ".onnx")
    exported = torch_models.export(name, str(path), opset=14)
    onnx.checker.check_model(onnx.load(str(path)), full_check=True)
    zoo = models.build(name, opset=14)
    assert [t.name for t in exported.graph.initializer] == [t.name for t in zoo.graph.initializer]
    for a, b in zip(exported.graph.initializer, zoo.graph.initializer):
        np.testing.assert_array_equal(numpy_helper.to_array(a), numpy_helper.to_array(b))
    # PyTorch 1.13 emits exactly the zoo's graph (names, order, attributes).
    assert node_signature(exported) == node_signature(zoo)
    assert [(i.name, dims(i)) for i in exported.graph.input] == [("input", ["batch", 1, 28, 28])]
    assert [(o.name, dims(o)) for o in exported.graph.output] == [("logits", ["batch", 10])]


def test_torch_export_static_batch():
    m = torch_models.export("mlp", None, batch=3, dynamic_batch=False)
    assert dims(m.graph.input[0]) == [3, 1, 28, 28]
    assert dims(m.graph.output[0]) == [3, 10]


def test_load_onnx_weights_errors():
    zoo = models.build("mlp")
    with pytest.raises(KeyError):
        torch_models.load_onnx_weights(torch_models.CNN(), zoo)
    del zoo.graph.initializer[-1]
    with pytest.raises(KeyError):
        torch_models.load_onnx_weights(torch_models.MLP(), zoo)
    bad = models.build("mlp")
    bad.graph.initializer[1].CopyFrom(numpy_helper.from_array(np.zeros(3, np.float32), "fc1.bias"))
    with pytest.raises(ValueError):
        torch_models.load_onnx_weights(torch_models.MLP(), bad)


# ------------------------------------------------------------- onnx_gen.py

@pytest.fixture(scope="module")
def gen():
    spec = importlib.util.spec_from_file_location("onnx_gen", GEN_PATH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


REQUIRED_CASES = """gemm gemm_transa gemm_nobias matmul matmul_3d conv conv_nobias conv_dilated
relu sigmoid tanh maxpool maxpool_pads maxpool_ceil avgpool avgpool_pads_count_include
globalavgpool add_broadcast sub mul_scalar reshape reshape_zero flatten flatten_axis2 transpose
concat softmax softmax_opset11 log_softmax batchnorm dropout identity constant clip_opset11
clip_no_max squeeze_opset13 squeeze_opset11 unsqueeze_opset13 unsqueeze_opset11
reshape_shape_subgraph symbolic_batch zoo_mlp zoo_cnn zoo_resnet_tiny torch_mlp torch_cnn
torch_resnet_tiny frozen_params initializer_as_input""".split()
REQUIRED_ERRORS = """unsupported_op unconvertible_opset unsupported_opset18 missing_initializer
unknown_input_shape bad_attribute bad_attribute_perm shape_mismatch truncated random_bytes empty
no_graph dynamic_reshape non_float_input""".split()


def test_gen_case_names(gen):
    valid = [n for n, (_, err, _) in gen.CASES.items() if not err]
    errors = [n for n, (_, err, _) in gen.CASES.items() if err]
    assert set(REQUIRED_CASES) <= set(valid)
    assert set(REQUIRED_ERRORS) <= set(errors)
    assert any(n.startswith("torch_layer_") for n in valid)
    assert all(doc for _, _, doc in gen.CASES.values())


def test_gen_valid_cases_pass_checker(gen):
    for name, (_, error, _) in gen.CASES.items():
        if error:
            continue
        m = onnx.load_from_string(gen.generate(name))
        onnx.checker.check_model(m, full_check=True)
        assert m.graph.node, name
        # Exporter copies and `unnamed_nodes` (which tests the importer's
        # fallback names) keep their own naming; every other case names all.
        if not name.startswith(("torch_", "zoo_", "reshape_shape_subgraph",
                                "unnamed_nodes")):
            assert all(n.name for n in m.graph.node), name


def test_gen_error_cases(gen):
    def loads(name):
        return onnx.load_from_string(gen.generate(name))

    for name in ("truncated", "random_bytes"):
        with pytest.raises(Exception):
            loads(name)
    assert gen.generate("empty") == b""
    assert len(gen.generate("random_bytes")) == 1000
    assert gen.generate("random_bytes") == gen.generate("random_bytes")
    assert not loads("no_graph").HasField("graph")
    assert loads("unconvertible_opset").opset_import[0].version == 9
    assert loads("unsupported_opset18").opset_import[0].version == 18
    assert loads("unsupported_op").graph.node[0].name == "bad_node"
    m = loads("missing_initializer")
    assert "missing_w" in m.graph.node[0].input
    assert "missing_w" not in [t.name for t in m.graph.initializer]
    assert not loads("unknown_input_shape").graph.input[0].type.tensor_type.HasField("shape")
    assert loads("non_float_input").graph.input[0].type.tensor_type.elem_type == \
        onnx.TensorProto.INT64
    # These are rejected by ONNX itself. unsupported_op, bad_attribute and dynamic_reshape
    # are valid ONNX that the importer does not support, and onnx 1.12's shape inference
    # does not check Gemm's inner dimensions, so shape_mismatch passes its checker.
    for name in ("unsupported_custom_op", "missing_initializer", "bad_attribute_perm"):
        with pytest.raises(Exception):
            onnx.checker.check_model(loads(name), full_check=True)


def test_gen_reshape_subgraph_matches_torch(gen):
    hand = onnx.load_from_string(gen.generate("reshape_shape_subgraph"))
    exported = onnx.load_from_string(gen.generate("torch_layer_view_dynamic"))
    assert [n.op_type for n in hand.graph.node] == [n.op_type for n in exported.graph.node]
    def sig(m):
        return [(n.name, n.op_type, list(n.input), list(n.output)) for n in m.graph.node]
    assert sig(hand) == sig(exported)
    # Same Constant values (tensor names aside) and attributes.
    for a, b in zip(hand.graph.node, exported.graph.node):
        for x, y in zip(a.attribute, b.attribute):
            if x.type == onnx.AttributeProto.TENSOR:
                np.testing.assert_array_equal(numpy_helper.to_array(x.t),
                                              numpy_helper.to_array(y.t))
                assert x.t.data_type == y.t.data_type and list(x.t.dims) == list(y.t.dims)
            else:
                assert x == y
    assert [(i.name, dims(i)) for i in hand.graph.input] == \
        [("input", ["batch", 3, 4, 4])]


def test_gen_cli(gen, tmp_path):
    r = subprocess.run([sys.executable, GEN_PATH, "--list"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == list(gen.CASES)
    r = subprocess.run([sys.executable, GEN_PATH, "--list", "--errors"],
                       capture_output=True, text=True)
    assert set(r.stdout.split()) == {n for n, c in gen.CASES.items() if c[1]}
    out = tmp_path / "gemm.onnx"
    r = subprocess.run([sys.executable, GEN_PATH, "gemm", "-o", str(out)],
                       capture_output=True, text=True, cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert out.read_bytes() == gen.generate("gemm")
    r = subprocess.run([sys.executable, GEN_PATH, "no_such_case", "-o", str(out)],
                       capture_output=True, text=True)
    assert r.returncode != 0
