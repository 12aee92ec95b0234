"""The model zoo's architectures as torch.nn.Module classes (logbtq.models).

Layer attribute names match the zoo's initializer names ("fc1.weight",
"layer3.downsample.bias", ...), so `load_onnx_weights` copies a zoo model's
seeded initial weights into a module and `export` writes what PyTorch 1.13's
exporter makes of the same network with the same weights.

    /usr/bin/python3 -m logbtq.torch_models NAME -o out.onnx [--opset N] [--seed S]
"""
import argparse
import io

import numpy as np
import onnx
import onnx.numpy_helper
import torch
from torch import nn


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(784, 256)
        self.relu1 = nn.ReLU()
        self.fc2 = nn.Linear(256, 128)
        self.relu2 = nn.ReLU()
        self.fc3 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.relu1(self.fc1(self.flatten(x)))
        x = self.relu2(self.fc2(x))
        return self.fc3(x)


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 5, padding=2)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(16, 32, 5, padding=2)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(2, 2)
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(32 * 7 * 7, 128)
        self.relu3 = nn.ReLU()
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.pool1(self.relu1(self.conv1(x)))
        x = self.pool2(self.relu2(self.conv2(x)))
        x = self.relu3(self.fc1(self.flatten(x)))
        return self.fc2(x)


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(2, 2)
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.relu3 = nn.ReLU()
        self.fc2 = nn.Linear(120, 84)
        self.relu4 = nn.ReLU()
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool1(self.relu1(self.conv1(x)))
        x = self.pool2(self.relu2(self.conv2(x)))
        x = self.relu3(self.fc1(self.flatten(x)))
        x = self.relu4(self.fc2(x))
        return self.fc3(x)


class BasicBlock(nn.Module):
    """conv3x3 - relu - conv3x3, plus the input (through a 1x1 conv when the
    shape changes), then relu. Convolutions carry biases (no batch norm)."""

    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.downsample = (nn.Conv2d(cin, cout, 1, stride=stride)
                           if stride != 1 or cin != cout else None)
        self.relu2 = nn.ReLU()

    def forward(self, x):
        out = self.conv2(self.relu1(self.conv1(x)))
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu2(out + identity)


class ResNetTiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.relu = nn.ReLU()
        self.layer1 = BasicBlock(16, 16)
        self.layer2 = BasicBlock(16, 16)
        self.layer3 = BasicBlock(16, 32, stride=2)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = self.relu(self.conv1(x))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(self.flatten(self.pool(x)))


class BNBlock(nn.Module):
    """torchvision's BasicBlock: conv3x3-bn-relu-conv3x3-bn, plus the input
    (through a strided 1x1 conv and bn when the shape changes), then relu."""

    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = (nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False),
                                         nn.BatchNorm2d(cout))
                           if stride != 1 or cin != cout else None)
        self.relu2 = nn.ReLU()

    def forward(self, x):
        out = self.bn2(self.conv2(self.relu1(self.bn1(self.conv1(x)))))
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu2(out + identity)


class ResNet8(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.relu = nn.ReLU()
        self.layer1 = BNBlock(16, 16)
        self.layer2 = BNBlock(16, 32, stride=2)
        self.layer3 = BNBlock(32, 64, stride=2)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(self.flatten(self.pool(x)))


class Attention(nn.Module):
    """Multi-head self-attention with separate q, k, v projections (their
    export is MatMuls and Reshapes; a fused qkv would need a Gather of a
    computed tensor, which logbtq does not import yet)."""

    def __init__(self, dim, heads):
        super().__init__()
        self.heads, self.head_dim = heads, dim // heads
        self.q, self.k, self.v = nn.Linear(dim, dim), nn.Linear(dim, dim), nn.Linear(dim, dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, t, c = x.shape

        def split(y):  # [B,T,C] -> [B,heads,T,head_dim]
            return y.reshape(b, t, self.heads, self.head_dim).transpose(1, 2)

        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        a = torch.softmax((q @ k.transpose(-2, -1)) * (self.head_dim ** -0.5), dim=-1)
        return self.proj((a @ v).transpose(1, 2).reshape(b, t, c))


class TransformerBlock(nn.Module):
    """Pre-norm: x + attn(norm1(x)), then x + mlp(norm2(x)) with an exact GELU."""

    def __init__(self, dim, heads, hidden):
        super().__init__()
        self.norm1, self.attn = nn.LayerNorm(dim), Attention(dim, heads)
        self.norm2, self.fc1, self.fc2 = nn.LayerNorm(dim), nn.Linear(dim, hidden), nn.Linear(hidden, dim)
        self.act = nn.GELU()

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.fc2(self.act(self.fc1(self.norm2(x))))


class ViT(nn.Module):
    """A small vision transformer for 28x28 images: 49 patches of 4x4, a
    linear patch embedding, a learned position embedding, `depth` pre-norm
    blocks, a final LayerNorm and mean pooling over the patches."""
    patch, dim, depth, heads, hidden = 4, 64, 2, 4, 128

    def __init__(self):
        super().__init__()
        p, n = self.patch, (28 // self.patch) ** 2
        self.embed = nn.Linear(p * p, self.dim)
        self.pos = nn.Parameter(torch.randn(1, n, self.dim) * 0.02)
        self.blocks = nn.Sequential(*[TransformerBlock(self.dim, self.heads, self.hidden)
                                      for _ in range(self.depth)])
        self.norm, self.head = nn.LayerNorm(self.dim), nn.Linear(self.dim, 10)

    def forward(self, x):
        b, p, g = x.shape[0], self.patch, 28 // self.patch
        x = x.reshape(b, g, p, g, p).transpose(2, 3).reshape(b, g * g, p * p)
        x = self.blocks(self.embed(x) + self.pos)
        return self.head(self.norm(x).mean(dim=1))


MODULES = {"mlp": MLP, "cnn": CNN, "lenet5": LeNet5, "resnet-tiny": ResNetTiny,
           "resnet8": ResNet8, "vit": ViT}
# Models whose initial weights are PyTorch's own (seeded), not the ONNX
# zoo's (logbtq.models builds no graph for them).
TORCH_ONLY = {"vit"}


def has_batch_norm(module):
    return any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in module.modules())
INPUT_SHAPE = (1, 28, 28)


def load_onnx_weights(module, onnx_model):
    """Copies every parameter of `module` from the initializer of the same
    name in `onnx_model`; a missing name or a shape mismatch raises."""
    inits = {t.name: onnx.numpy_helper.to_array(t) for t in onnx_model.graph.initializer}
    # num_batches_tracked is PyTorch bookkeeping that ONNX does not carry.
    state = {k: v for k, v in module.state_dict().items()
             if not k.endswith("num_batches_tracked")}
    missing = [k for k in state if k not in inits]
    if missing:
        raise KeyError("initializers missing from the ONNX model: " + ", ".join(missing))
    new_state = {}
    for k, v in state.items():
        a = inits[k]
        if tuple(a.shape) != tuple(v.shape):
            raise ValueError("%s: ONNX shape %s, torch shape %s" % (k, a.shape, tuple(v.shape)))
        new_state[k] = torch.from_numpy(np.array(a, dtype=np.float32))
    module.load_state_dict(new_state, strict=False)
    return module


def build(name, opset=14, seed=0):
    """The torch module for zoo model `name`, with the zoo's initial weights."""
    from . import models
    if name in TORCH_ONLY:
        torch.manual_seed(seed)
        return MODULES[name]().eval()
    module = MODULES[name]()
    load_onnx_weights(module, models.build(name, opset=opset, seed=seed))
    return module.eval()


def export(name, path, opset=14, batch=None, dynamic_batch=True, seed=0):
    """torch.onnx.export of zoo model `name` (with the zoo's weights) to
    `path` (a file name or a binary file object); returns the ModelProto.

    The traced example has batch `batch` (2 when None). With dynamic_batch
    the input and output dimension 0 is the symbolic "batch"; without it the
    graph keeps the static batch of the example."""
    return export_module(build(name, opset=opset, seed=seed), path, opset, batch,
                         dynamic_batch)


def export_module(module, path, opset=14, batch=None, dynamic_batch=True):
    """torch.onnx.export of a zoo `module` as it is (trained weights
    included), as `export` writes the zoo's; returns the ModelProto.

    A module with batch norm is exported for training
    (TrainingMode.TRAINING: BatchNormalization nodes with training_mode=1,
    not folded into the convolutions), the others in eval mode."""
    n = 2 if batch is None else int(batch)
    example = torch.zeros((n,) + INPUT_SHAPE, dtype=torch.float32)
    axes = {"input": {0: "batch"}, "logits": {0: "batch"}} if dynamic_batch else None
    buf = io.BytesIO()
    training = has_batch_norm(module)
    mode = torch.onnx.TrainingMode.TRAINING if training else torch.onnx.TrainingMode.EVAL
    state = {k: v.clone() for k, v in module.state_dict().items()}
    with torch.no_grad():
        torch.onnx.export(module, example, buf, opset_version=opset,
                          input_names=["input"], output_names=["logits"],
                          dynamic_axes=axes, do_constant_folding=not training,
                          training=mode)
    # A training-mode trace runs the batch norms once, which moves their
    # running statistics: put them back, in the module and in the file.
    module.load_state_dict(state)
    if training:
        model = onnx.load_from_string(buf.getvalue())
        for t in model.graph.initializer:
            if t.name in state:
                t.CopyFrom(onnx.numpy_helper.from_array(state[t.name].numpy(), t.name))
        buf = io.BytesIO(model.SerializeToString())
    data = buf.getvalue()
    if path is not None:
        if hasattr(path, "write"):
            path.write(data)
        else:
            with open(path, "wb") as f:
                f.write(data)
    return onnx.load_from_string(data)


def main(argv=None):
    p = argparse.ArgumentParser(description="Export a zoo model through torch.onnx.export.")
    p.add_argument("name", choices=sorted(MODULES))
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--opset", type=int, default=14)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--batch", type=int, default=None)
    p.add_argument("--static-batch", action="store_true")
    a = p.parse_args(argv)
    export(a.name, a.output, opset=a.opset, batch=a.batch, dynamic_batch=not a.static_batch,
           seed=a.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
