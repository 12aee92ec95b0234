"""An independent PyTorch interpreter of ONNX graphs: the oracle of the gradient checks.

It runs an ONNX model the way logbtq's importer decomposes it into graph ops
(lib/Target/ONNX/ImportOps.cpp), in float64 with autograd, and adds the
log-barrier terms that -logbtq-insert-barriers inserts
(lib/Dialect/LogBTQ/Transforms/InsertBarriers.cpp), so that one compiled
training step (the trainer's step dump, docs/Runtime.md) can be compared with
it tensor by tensor:

    total = CE + lambda * sum_k mean_i psi_t(|x_ki| - bound_k)

- CE is the mean softmax cross-entropy of the logits (the single graph output,
  [batch, classes]) against the labels.
- psi_t is the log-barrier extension of docs/MU8.md, written here in torch from
  its formula (not through logbtq.barrier).
- The targets k are, in the order the pass adds them:
  "weights": every trainable parameter (a float initializer that the graph
  reads as a tensor; BatchNormalization statistics and `frozen` names are
  frozen and get no term), "inputs": the model input, "activations": the
  result of every logbtq graph op of the imported @forward except
  reshape/transpose/dropout/strided_slice/gather/broadcast/select (which only
  repeat values of their input), except a matmul or conv2d whose only user
  adds a parameter (a bias: the layer's output is after it), and except the
  input of normalizations that undo its scale (a batch norm that trains, a
  fused layer norm) when nothing else reads it. An op result that is the graph output has bound `out_bound`,
  everything else `bound`.

How ONNX nodes become graph ops (each op that makes a term marked *):
  Gemm -> matmul* (no term when alpha = beta = 1 and C is a parameter),
  [mul* by alpha if alpha != 1], [mul* of C by beta if beta != 1, add* of
  the bias if C is given and beta != 0]; MatMul (N-D x 2-D)
  -> reshape, matmul*, reshape; Conv -> conv2d* (bias included; a Pad node in
  front is absorbed into its pads); Relu/Sigmoid/Tanh/Clip -> one op*;
  Add/Sub/Mul -> one op* (numpy broadcasting); Div by a constant -> mul* by
  the float32 reciprocal; MaxPool/AveragePool/GlobalAveragePool ->
  max_pool2d*/avg_pool2d*; Reshape/Flatten/Squeeze/Unsqueeze -> reshape (none
  when the shape does not change); Transpose -> transpose; Concat -> concat*;
  Softmax/LogSoftmax -> one op* (opset < 13 coerces to 2-D with reshapes
  around it unless the axis is the last); BatchNormalization -> batch_norm*
  (with the batch's statistics when it trains, see _training_norms, and then
  its input has no term); LayerNormalization -> layer_norm* (its parts when
  the scale broadcasts or its statistics are read); Conv with group > 1 ->
  conv2d* per group, concat*; ConvTranspose -> conv_transpose2d*; Gather,
  Slice, Split, Expand of tensors -> gather, strided_slice, broadcast (no
  term); Where of a known mask -> select (no term);
  Dropout -> dropout (the identity); Identity, Cast to float -> nothing.
  Integer "shape" subgraphs (Shape, Gather, Slice, Concat, Unsqueeze, ...)
  and Constant nodes are evaluated at import time; a float constant read as
  data is a constant, not a parameter.

Every scalar the compiled program holds as float32 (lambda, bounds, t, lr,
alpha, beta, epsilon, clip bounds, ...) is rounded to float32 first, then the
computation is float64.
"""
import math
from collections import OrderedDict

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper

DTYPE = torch.float64
TARGETS = ("weights", "activations", "inputs")
NO_TERM_OPS = ("reshape", "transpose", "dropout", "strided_slice", "gather", "broadcast",
               "select")


def f32(value):
    """`value` rounded to float32, as a Python float (what a compiled f32 scalar holds)."""
    return float(np.float32(value))


# ----------------------------------------------------------------------------
# The barrier (docs/MU8.md)
# ----------------------------------------------------------------------------

def psi(z, t):
    """psi_t(z) = -(1/t) log(-z) for z <= -1/t^2, t z - (1/t) log(1/t^2) + 1/t beyond.

    Elementwise on a torch tensor; differentiable (the log branch never sees z > -1/t^2,
    so its gradient is finite on the other branch)."""
    t = float(t)
    if not (math.isfinite(t) and t > 0):
        raise ValueError("t must be finite and > 0, got %r" % t)
    switch = -1.0 / (t * t)
    on_log = z <= switch
    safe = torch.where(on_log, z, torch.full_like(z, switch))
    log_branch = -(1.0 / t) * torch.log(-safe)
    lin_branch = t * z - (1.0 / t) * math.log(1.0 / (t * t)) + 1.0 / t
    return torch.where(on_log, log_branch, lin_branch)


def barrier_penalty(x, bound, t):
    """mean_i psi_t(|x_i| - bound); 0 for an empty tensor."""
    if x.numel() == 0:
        return torch.zeros((), dtype=x.dtype)
    return psi(torch.abs(x) - float(bound), t).mean()


# ----------------------------------------------------------------------------
# Values of the interpreter
# ----------------------------------------------------------------------------

class Known:
    """A tensor known at import time (numpy array; float32 or int64)."""

    def __init__(self, array):
        array = np.asarray(array)
        if array.dtype.kind == "f":
            array = array.astype(np.float32)
            self.is_float = True
        elif array.dtype.kind in "iub":
            array = array.astype(np.int64)
            self.is_float = False
        else:
            raise NotImplementedError("known tensor of dtype %s" % array.dtype)
        self.array = array


class PendingPad:
    """A Pad node's output, absorbed by the Conv/pooling that reads it."""

    def __init__(self, tensor, pads, value, node):
        self.tensor = tensor
        self.pads = pads  # [top, left, bottom, right]
        self.value = value
        self.node = node


class Term:
    """One barrier term: the tensor, its bound and where it comes from."""

    def __init__(self, kind, name, op, tensor, bound):
        self.kind = kind    # "weight", "input" or "activation"
        self.name = name    # parameter, input or ONNX node name
        self.op = op        # the logbtq op for activations, else None
        self.tensor = tensor
        self.bound = bound

    @property
    def shape(self):
        return tuple(self.tensor.shape)

    def __repr__(self):
        return "Term(%s %s%s %s bound=%g)" % (
            self.kind, self.name, "" if self.op is None else ":" + self.op,
            list(self.shape), self.bound)


class UnsupportedError(Exception):
    pass


# ----------------------------------------------------------------------------
# Helpers of the importer's rules
# ----------------------------------------------------------------------------

def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def constant_input_indices(op_type, opset):
    """The inputs that must be known at import time (getConstantInputIndices)."""
    if op_type in ("Reshape", "Div", "Pow"):
        return (1,)
    if op_type in ("Squeeze", "Unsqueeze", "ReduceSum") and opset >= 13:
        return (1,)
    if op_type in ("Clip", "Pad") or (op_type == "Dropout" and opset >= 12):
        return (1, 2)
    if op_type in ("Shape", "ConstantOfShape"):
        return (0,)
    if op_type in ("Gather", "Expand") or (op_type == "Split" and opset >= 13):
        return (1,)
    if op_type == "Slice":
        return (1, 2, 3, 4)
    return ()


def _opset(model):
    opset = 0
    for s in model.opset_import:
        if s.domain in ("", "ai.onnx"):
            opset = s.version
    return opset


def find_parameters(model):
    """Parameter names in argument order (GraphImporter::findParameters), and the
    Identity aliases of initializers (alias -> initializer)."""
    graph = model.graph
    opset = _opset(model)
    inits = OrderedDict((t.name, numpy_helper.to_array(t)) for t in graph.initializer)
    candidates = list(inits)
    known = dict(inits)
    aliases = OrderedDict()
    for node in graph.node:
        if (node.op_type != "Identity" or len(node.input) != 1 or len(node.output) != 1
                or node.input[0] not in known or node.output[0] in known):
            continue
        known[node.output[0]] = known[node.input[0]]
        aliases[node.output[0]] = node.input[0]
        candidates.append(node.output[0])
    read_as_tensor = set()
    for node in graph.node:
        if len(node.output) == 1 and node.output[0] in aliases:
            continue
        constants = constant_input_indices(node.op_type, opset)
        for i, name in enumerate(node.input):
            if i not in constants:
                read_as_tensor.add(name)
    for info in graph.output:
        read_as_tensor.add(info.name)
    params = [n for n in candidates
              if np.asarray(known[n]).dtype.kind == "f" and n in read_as_tensor]
    return params, {n: np.asarray(known[n], dtype=np.float32) for n in params}


def frozen_statistics(model, params):
    """BatchNormalization inputs 3 and 4 (mean, var) that are parameters."""
    frozen = set()
    for node in model.graph.node:
        if node.op_type == "BatchNormalization":
            for i in range(3, len(node.input)):
                if node.input[i] in params:
                    frozen.add(node.input[i])
    return frozen


def resolve_pads(attrs, spatial, window, strides):
    """[top, left, bottom, right] from pads or auto_pad (resolvePads)."""
    auto_pad = attrs.get("auto_pad", b"NOTSET")
    if isinstance(auto_pad, bytes):
        auto_pad = auto_pad.decode()
    if auto_pad == "NOTSET":
        pads = list(attrs.get("pads", [0, 0, 0, 0]))
        if len(pads) != 4:
            raise UnsupportedError("pads must have 4 entries")
        return pads
    result = [0, 0, 0, 0]
    if auto_pad == "VALID":
        return result
    if auto_pad not in ("SAME_UPPER", "SAME_LOWER"):
        raise UnsupportedError("auto_pad %s" % auto_pad)
    for i in range(2):
        out = (spatial[i] + strides[i] - 1) // strides[i]
        total = max(0, (out - 1) * strides[i] + window[i] - spatial[i])
        small, large = total // 2, total - total // 2
        upper = auto_pad == "SAME_UPPER"
        result[i] = small if upper else large
        result[i + 2] = large if upper else small
    return result


def window_output(size, window, stride, pad_begin, pad_end, ceil_mode):
    """One spatial output size of a window op (PyTorch's rule for ceil_mode)."""
    span = size + pad_begin + pad_end - window
    if span < 0:
        raise UnsupportedError("window does not fit")
    out = ((span + stride - 1) // stride if ceil_mode else span // stride) + 1
    if ceil_mode and (out - 1) * stride >= size + pad_begin:
        out -= 1
    return out


def broadcast_shape(a, b):
    return tuple(np.broadcast_shapes(tuple(a), tuple(b)))


# ----------------------------------------------------------------------------
# The pooling ops, written from their definitions
# ----------------------------------------------------------------------------

def _pool_geometry(x, kernel, strides, pads, ceil_mode):
    h, w = x.shape[2], x.shape[3]
    out = [window_output(s, kernel[i], strides[i], pads[i], pads[i + 2], ceil_mode)
           for i, s in enumerate((h, w))]
    # End padding so that every output window lies in the padded tensor.
    extra = [max(0, (out[i] - 1) * strides[i] + kernel[i] - ((h, w)[i] + pads[i] + pads[i + 2]))
             for i in range(2)]
    return out, extra


def max_pool2d(x, kernel, strides, pads, ceil_mode):
    """Max over each window; padding (-inf) never wins. Autograd routes each window's
    gradient to the first maximum (torch's CPU kernel takes the first of equal values)."""
    out, extra = _pool_geometry(x, kernel, strides, pads, ceil_mode)
    padded = F.pad(x, (pads[1], pads[3] + extra[1], pads[0], pads[2] + extra[0]),
                   value=-math.inf)
    y = F.max_pool2d(padded, kernel_size=tuple(kernel), stride=tuple(strides))
    assert list(y.shape[2:]) == out, (y.shape, out)
    return y


def avg_pool2d(x, kernel, strides, pads, ceil_mode, count_include_pad):
    """Window sums over the zero-padded input divided by each window's count: the
    elements of the window inside the input, or inside input + stated pads with
    count_include_pad (the ceil_mode overhang never counts), as PyTorch."""
    h, w = x.shape[2], x.shape[3]
    out, extra = _pool_geometry(x, kernel, strides, pads, ceil_mode)
    spec = (pads[1], pads[3] + extra[1], pads[0], pads[2] + extra[0])
    padded = F.pad(x, spec, value=0.0)
    ones = torch.ones((1, 1, kernel[0], kernel[1]), dtype=x.dtype)
    n, c = x.shape[0], x.shape[1]
    sums = F.conv2d(padded.reshape(n * c, 1, *padded.shape[2:]), ones,
                    stride=tuple(strides)).reshape(n, c, out[0], out[1])
    # The mask of positions that count, in padded coordinates.
    mask = torch.zeros((1, 1) + tuple(padded.shape[2:]), dtype=x.dtype)
    if count_include_pad:
        mask[..., :pads[0] + h + pads[2], :pads[1] + w + pads[3]] = 1.0
    else:
        mask[..., pads[0]:pads[0] + h, pads[1]:pads[1] + w] = 1.0
    counts = F.conv2d(mask, ones, stride=tuple(strides))[0, 0]
    assert list(counts.shape) == out
    return sums / counts


def conv2d(x, w, b, strides, pads, dilations, groups=1):
    """Cross-correlation with [top, left, bottom, right] zero padding (any, asymmetric)."""
    xp = F.pad(x, (pads[1], pads[3], pads[0], pads[2]))
    return F.conv2d(xp, w, b, stride=tuple(strides), dilation=tuple(dilations), groups=groups)


# ----------------------------------------------------------------------------
# The interpreter
# ----------------------------------------------------------------------------

class Reference:
    """An ONNX model, ready to run forward passes and training steps in float64.

    `batch` binds a symbolic leading input dimension (logbtq-compile --batch);
    `frozen` are names of parameters not to train (logbtq-compile --frozen)."""

    def __init__(self, onnx_model, batch=None, frozen=(), freeze_batch_norm_stats=False):
        if isinstance(onnx_model, (str, bytes)) and not isinstance(onnx_model, onnx.ModelProto):
            onnx_model = onnx.load(onnx_model) if isinstance(onnx_model, str) \
                else onnx.load_from_string(onnx_model)
        self.model = onnx_model
        self.graph = onnx_model.graph
        self.opset = _opset(onnx_model)
        if not 11 <= self.opset <= 17:
            raise UnsupportedError("opset %d" % self.opset)
        self.param_names, self.initial = find_parameters(onnx_model)
        self.frozen = frozen_statistics(onnx_model, self.param_names)
        for name in frozen:
            if name not in self.param_names:
                raise ValueError("--frozen names %r, not a parameter (parameters: %s)"
                                 % (name, ", ".join(self.param_names)))
            self.frozen.add(name)
        self.trainable = [n for n in self.param_names if n not in self.frozen]
        # The batch norms that can train with the batch's statistics: their
        # inputs get no barrier term (also when frozen statistics keep them in
        # the stored form); those that do unless freeze_batch_norm_stats.
        self.trainable_norms = self._training_norms()
        self.training_norms = set() if freeze_batch_norm_stats else self.trainable_norms
        init_names = {t.name for t in self.graph.initializer}
        self.inputs = [i for i in self.graph.input if i.name not in init_names]
        if len(self.inputs) != 1:
            raise UnsupportedError("training needs one model input, got %d" % len(self.inputs))
        if len(self.graph.output) != 1:
            raise UnsupportedError("training needs one model output")
        info = self.inputs[0]
        shape = []
        for i, d in enumerate(info.type.tensor_type.shape.dim):
            if d.HasField("dim_value") and d.dim_value > 0:
                shape.append(d.dim_value)
            elif i == 0 and batch:
                shape.append(int(batch))
            else:
                raise UnsupportedError("input dimension %d is not static; give batch" % i)
        self.input_name = info.name
        self.input_shape = tuple(shape)
        self.batch = shape[0]

    def _training_norms(self):
        """Names of the BatchNormalization nodes that train with the batch's
        statistics (the compiler's Layers.h rule: scale and bias trained, mean
        and variance two parameters that no other node reads)."""
        readers = {}
        for node in self.graph.node:
            for name in node.input:
                readers[name] = readers.get(name, 0) + 1
        result = set()
        for index, node in enumerate(self.graph.node):
            if node.op_type != "BatchNormalization" or len(node.input) < 5:
                continue
            scale, bias, mean, var = node.input[1:5]
            if (scale in self.trainable and bias in self.trainable
                    and mean in self.frozen and var in self.frozen
                    and mean != var and readers[mean] == 1 and readers[var] == 1):
                result.add(node.name or "%s#%d" % (node.op_type, index + 1))
        return result

    # -- one forward pass ---------------------------------------------------

    def forward(self, params, x):
        """Runs the graph on `params` (name -> torch tensor) and `x` (torch tensor).

        Returns (logits, activations), activations being [(node name, op, tensor)] for
        every graph op whose result gets a barrier term, in program order."""
        self._env = {}
        self._known = {t.name: Known(numpy_helper.to_array(t)) for t in self.graph.initializer}
        self._materialized = {}
        self._acts = []
        # name -> new running statistic, from the training batch norms
        self.statistics = OrderedDict()
        for name in self.param_names:
            self._env[name] = params[name]
        # Identity aliases of initializers are parameters of their own.
        self._env[self.input_name] = x
        self._fused_layer_norms, self._normalized_inputs = set(), set()
        for index, node in enumerate(self.graph.node):
            self._node_name = node.name or "%s#%d" % (node.op_type, index + 1)
            self._import(node)
        # The input of a normalization that does not depend on its scale is
        # not a layer output: no barrier term (Layers.h).
        for name in self._normalized_inputs:
            if self._feeds_only_norms(name):
                x = self._env[name]
                self._acts = [act for act in self._acts if act[2] is not x]
        out = self.graph.output[0].name
        logits = self._env.get(out)
        if not torch.is_tensor(logits):
            raise UnsupportedError("graph output %r is not a graph tensor" % out)
        return logits, self._acts

    def _emit(self, op, tensor):
        if op not in NO_TERM_OPS:
            self._acts.append((self._node_name, op, tensor))
        return tensor

    def _is_known(self, name):
        return name != "" and name in self._known and name not in self._env

    def _known_input(self, node, i):
        if i >= len(node.input) or node.input[i] == "":
            return None
        name = node.input[i]
        if not self._is_known(name):
            raise UnsupportedError("%s: input %d (%s) must be known at import time"
                                   % (self._node_name, i, name))
        return self._known[name]

    def _padded_input(self, node, i):
        name = node.input[i]
        if name in self._env:
            value = self._env[name]
            if isinstance(value, PendingPad):
                return value.tensor, value
            return value, None
        if name in self._materialized:
            return self._materialized[name], None
        if name in self._known:
            k = self._known[name]
            if not k.is_float:
                raise UnsupportedError("integer tensor %s read as data" % name)
            t = torch.tensor(k.array.astype(np.float64), dtype=DTYPE)
            self._materialized[name] = t
            return t, None
        raise UnsupportedError("%s reads undefined %s" % (self._node_name, name))

    def _input(self, node, i):
        value, pad = self._padded_input(node, i)
        if pad is not None:
            raise UnsupportedError("Pad read by %s" % node.op_type)
        return value

    def _has_input(self, node, i):
        return i < len(node.input) and node.input[i] != ""

    def _set(self, node, value, i=0):
        if isinstance(value, np.ndarray) or isinstance(value, np.generic):
            value = Known(value)
        if isinstance(value, Known):
            self._known[node.output[i]] = value
            self._env.pop(node.output[i], None)
        else:
            self._env[node.output[i]] = value

    def _feeds_bias_add(self, name):
        """Whether the only node reading `name` is an Add of a parameter (the
        compiler's Layers.h rule: the product is not a layer output)."""
        readers = [n for n in self.graph.node if name in n.input]
        if len(readers) != 1 or readers[0].op_type != "Add":
            return False
        others = [i for i in readers[0].input if i != name]
        return len(others) == 1 and others[0] in self.param_names

    def _reshape(self, x, shape):
        shape = tuple(int(d) for d in shape)
        if tuple(x.shape) == shape:
            return x
        return self._emit("reshape", x.reshape(shape))

    def _set_reshaped(self, node, shape):
        if self._is_known(node.input[0]):
            k = self._known[node.input[0]]
            self._set(node, Known(k.array.reshape(shape)))
        else:
            self._set(node, self._reshape(self._input(node, 0), shape))

    def _input_shape(self, node, i):
        if self._is_known(node.input[i]):
            return list(self._known[node.input[i]].array.shape)
        return list(self._input(node, i).shape)

    def _import(self, node):
        fn = getattr(self, "_op_" + node.op_type, None)
        if node.domain not in ("", "ai.onnx") or fn is None:
            raise UnsupportedError("op %s (domain %r)" % (node.op_type, node.domain))
        fn(node, _attrs(node))

    # -- linear --------------------------------------------------------------

    def _op_Gemm(self, node, a):
        alpha = f32(a.get("alpha", 1.0))
        beta = f32(a.get("beta", 1.0))
        A, B = self._input(node, 0), self._input(node, 1)
        if a.get("transA", 0):
            A = A.t()
        if a.get("transB", 0):
            B = B.t()
        biased = (alpha == 1.0 and beta == 1.0 and self._has_input(node, 2)
                  and node.input[2] in self.param_names)
        y = A @ B if biased else self._emit("matmul", A @ B)
        if alpha != 1.0:
            y = self._emit("mul", y * alpha)
        if self._has_input(node, 2) and beta != 0.0:
            bias = self._input(node, 2)
            if beta != 1.0:
                bias = self._emit("mul", bias * beta)
            s = y + bias
            if tuple(s.shape) != tuple(y.shape):
                raise UnsupportedError("Gemm bias does not broadcast")
            y = self._emit("add", s)
        self._set(node, y)

    def _op_MatMul(self, node, a):
        A, B = self._input(node, 0), self._input(node, 1)
        if A.dim() >= 3 and A.dim() == B.dim():
            if A.shape[:-2] != B.shape[:-2]:
                raise UnsupportedError("MatMul batch dimensions differ")
            self._set(node, self._emit("batch_matmul", torch.matmul(A, B)))
            return
        if A.dim() < 2 or B.dim() != 2:
            raise UnsupportedError("MatMul shapes")
        lead = list(A.shape[:-1])
        lhs = self._reshape(A, (int(np.prod(lead)), A.shape[-1]))
        y = lhs @ B
        if len(lead) != 1 or not self._feeds_bias_add(node.output[0]):
            y = self._emit("matmul", y)
        self._set(node, self._reshape(y, lead + [B.shape[1]]))

    # -- convolution and padding ----------------------------------------------

    @staticmethod
    def _padded_spatial(x, pad):
        spatial = list(x.shape[2:])
        if pad is not None:
            for i in range(2):
                spatial[i] += pad.pads[i] + pad.pads[i + 2]
        return spatial

    def _op_Conv(self, node, a):
        x, pad = self._padded_input(node, 0)
        w = self._input(node, 1)
        group = a.get("group", 1)
        if x.dim() != 4 or w.dim() != 4:
            raise UnsupportedError("Conv: only 2-D")
        if x.shape[1] % group or w.shape[0] % group or w.shape[1] * group != x.shape[1]:
            raise UnsupportedError("Conv: bad group")
        strides = list(a.get("strides", [1, 1]))
        dilations = list(a.get("dilations", [1, 1]))
        if pad is not None and pad.value != 0.0:
            raise UnsupportedError("Conv absorbs only zero padding")
        window = [dilations[0] * (w.shape[2] - 1) + 1, dilations[1] * (w.shape[3] - 1) + 1]
        pads = resolve_pads(a, self._padded_spatial(x, pad), window, strides)
        if pad is not None:
            pads = [p + q for p, q in zip(pads, pad.pads)]
        b = self._input(node, 2) if self._has_input(node, 2) else None
        if group > 1:
            # PyTorch's grouped convolution; the compiler runs one per group
            # and joins them (ImportOps.cpp), so each group's channels get a
            # term, and the join one.
            y = conv2d(x, w, b, strides, pads, dilations, groups=group)
            cout = w.shape[0] // group
            for g in range(group):
                self._emit("conv2d", y[:, g * cout:(g + 1) * cout])
            self._set(node, self._emit("concat", y))
            return
        y = conv2d(x, w, b, strides, pads, dilations)
        if not self._feeds_bias_add(node.output[0]):
            y = self._emit("conv2d", y)
        self._set(node, y)

    def _op_ConvTranspose(self, node, a):
        x, w = self._input(node, 0), self._input(node, 1)
        if a.get("group", 1) != 1 or x.dim() != 4 or w.dim() != 4:
            raise UnsupportedError("ConvTranspose: only group 1, 2-D")
        auto_pad = a.get("auto_pad", b"NOTSET")
        if (auto_pad.decode() if isinstance(auto_pad, bytes) else auto_pad) != "NOTSET":
            raise UnsupportedError("ConvTranspose auto_pad")
        strides = list(a.get("strides", [1, 1]))
        dilations = list(a.get("dilations", [1, 1]))
        pads = list(a.get("pads", [0, 0, 0, 0]))
        extra = list(a.get("output_padding", [0, 0]))
        b = self._input(node, 2) if self._has_input(node, 2) else None
        # PyTorch pads both sides alike: transpose unpadded, extend by the
        # output padding, crop the pads, then add the bias.
        y = F.conv_transpose2d(x, w, None, stride=strides, dilation=dilations)
        y = F.pad(y, [0, extra[1], 0, extra[0]])
        y = y[:, :, pads[0]:y.shape[2] - pads[2], pads[1]:y.shape[3] - pads[3]]
        if b is not None:
            y = y + b.reshape(1, -1, 1, 1)
        self._set(node, self._emit("conv_transpose2d", y))

    def _op_Pad(self, node, a):
        mode = a.get("mode", b"constant")
        mode = mode.decode() if isinstance(mode, bytes) else mode
        pads = self._known_input(node, 1).array.astype(np.int64).tolist()
        value = 0.0
        if self._has_input(node, 2):
            value = float(self._known_input(node, 2).array.reshape(-1)[0])
        x = self._input(node, 0)
        if all(p == 0 for p in pads):
            self._set(node, x)
            return
        if mode != "constant" or x.dim() != 4 or pads[0] or pads[1] or pads[4] or pads[5] \
                or any(p < 0 for p in pads):
            raise UnsupportedError("Pad")
        self._set(node, PendingPad(x, [pads[2], pads[3], pads[6], pads[7]], value,
                                   self._node_name))

    # -- elementwise ----------------------------------------------------------

    def _op_Relu(self, node, a):
        self._set(node, self._emit("relu", torch.relu(self._input(node, 0))))

    def _op_Sigmoid(self, node, a):
        self._set(node, self._emit("sigmoid", torch.sigmoid(self._input(node, 0))))

    def _op_Tanh(self, node, a):
        self._set(node, self._emit("tanh", torch.tanh(self._input(node, 0))))

    def _op_Clip(self, node, a):
        lo, hi = -math.inf, math.inf
        if self.opset < 11:
            lo, hi = a.get("min", lo), a.get("max", hi)
        else:
            if self._has_input(node, 1):
                lo = float(self._known_input(node, 1).array.reshape(-1)[0])
            if self._has_input(node, 2):
                hi = float(self._known_input(node, 2).array.reshape(-1)[0])
        lo, hi = f32(lo), f32(hi)
        x = self._input(node, 0)
        # clamp's gradient passes where lo <= x <= hi (bounds inclusive).
        self._set(node, self._emit("clip", torch.clamp(x, min=lo, max=hi)))

    def _op_Dropout(self, node, a):
        if len(node.output) > 1 and node.output[1]:
            raise UnsupportedError("Dropout mask used")
        x = self._input(node, 0)
        self._set(node, self._emit("dropout", x.view_as(x)))

    def _binary(self, node, op, fn):
        if self._is_known(node.input[0]) and self._is_known(node.input[1]):
            ka, kb = self._known[node.input[0]], self._known[node.input[1]]
            if not ka.is_float or not kb.is_float:
                if op == "div":
                    res = np.trunc(ka.array / kb.array).astype(np.int64)
                else:
                    res = fn(ka.array, kb.array)
                self._set(node, Known(res))
                return
        A, B = self._input(node, 0), self._input(node, 1)
        broadcast_shape(A.shape, B.shape)
        self._set(node, self._emit(op, fn(A, B)))

    def _op_Add(self, node, a):
        self._binary(node, "add", lambda p, q: p + q)

    def _op_Sub(self, node, a):
        self._binary(node, "sub", lambda p, q: p - q)

    def _op_Mul(self, node, a):
        self._binary(node, "mul", lambda p, q: p * q)

    def _op_Div(self, node, a):
        if self._is_known(node.input[0]) and self._is_known(node.input[1]):
            ka, kb = self._known[node.input[0]], self._known[node.input[1]]
            if not ka.is_float or not kb.is_float:
                self._binary(node, "div", None)
                return
        if not self._is_known(node.input[1]):
            a_, b_ = self._input(node, 0), self._input(node, 1)
            broadcast_shape(a_.shape, b_.shape)
            self._set(node, self._emit("div", a_ / b_))
            return
        d = self._known_input(node, 1)
        if not d.is_float or np.any(d.array == 0):
            raise UnsupportedError("Div by a non-float or zero constant")
        recip = (np.float32(1.0) / d.array.astype(np.float32)).astype(np.float32)
        x = self._input(node, 0)
        scale = torch.tensor(recip.astype(np.float64), dtype=DTYPE)
        self._set(node, self._emit("mul", x * scale))

    # -- math, activations, reductions (the importer's ImportMath.cpp) --------
    # Ops the importer builds from several logbtq ops are built from the same
    # steps here, each emitted as the compiler's op is (its barrier term).

    def _scalar(self, value):
        return torch.tensor(f32(value), dtype=DTYPE)

    def _affine(self, x, scale, shift):
        if f32(scale) != 1.0:
            x = self._emit("mul", x * self._scalar(scale))
        if f32(shift) != 0.0:
            x = self._emit("add", x + self._scalar(shift))
        return x

    def _unary(self, node, op, fn):
        self._set(node, self._emit(op, fn(self._input(node, 0))))

    def _op_Exp(self, node, a):
        self._unary(node, "exp", torch.exp)

    def _op_Log(self, node, a):
        self._unary(node, "log", torch.log)

    def _op_Sqrt(self, node, a):
        self._unary(node, "sqrt", torch.sqrt)

    def _op_Erf(self, node, a):
        self._unary(node, "erf", torch.erf)

    def _op_Neg(self, node, a):
        self._unary(node, "neg", torch.neg)

    def _op_Abs(self, node, a):
        self._unary(node, "abs", torch.abs)

    def _op_Sign(self, node, a):
        self._unary(node, "sign", torch.sign)

    def _op_Softplus(self, node, a):
        self._unary(node, "softplus", F.softplus)

    def _op_LeakyRelu(self, node, a):
        alpha = f32(a.get("alpha", 0.01))
        self._unary(node, "leaky_relu", lambda x: F.leaky_relu(x, alpha))

    def _elu(self, x, alpha):
        negative = self._emit("min", torch.minimum(x, self._scalar(0.0)))
        tail = self._affine(self._emit("exp", torch.exp(negative)), alpha, -f32(alpha))
        return self._emit("add", self._emit("relu", torch.relu(x)) + tail)

    def _op_Elu(self, node, a):
        self._set(node, self._elu(self._input(node, 0), f32(a.get("alpha", 1.0))))

    def _op_Selu(self, node, a):
        alpha = f32(a.get("alpha", 1.67326319217681884765625))
        gamma = f32(a.get("gamma", 1.05070102214813232421875))
        self._set(node, self._affine(self._elu(self._input(node, 0), alpha), gamma, 0.0))

    def _hard_sigmoid(self, x, alpha, beta):
        z = self._affine(x, alpha, beta)
        return self._emit("clip", torch.clamp(z, min=0.0, max=1.0))

    def _op_HardSigmoid(self, node, a):
        self._set(node, self._hard_sigmoid(self._input(node, 0), f32(a.get("alpha", 0.2)),
                                           f32(a.get("beta", 0.5))))

    def _op_HardSwish(self, node, a):
        x = self._input(node, 0)
        gate = self._hard_sigmoid(x, f32(1.0 / 6.0), 0.5)
        self._set(node, self._emit("mul", x * gate))

    def _op_Softsign(self, node, a):
        x = self._input(node, 0)
        denominator = self._affine(self._emit("abs", torch.abs(x)), 1.0, 1.0)
        self._set(node, self._emit("div", x / denominator))

    def _op_Reciprocal(self, node, a):
        self._set(node, self._emit("div", self._scalar(1.0) / self._input(node, 0)))

    def _op_Pow(self, node, a):
        x, p = self._input(node, 0), self._input(node, 1)
        broadcast_shape(x.shape, p.shape)
        self._set(node, self._emit("pow", torch.pow(x, p)))

    def _fold(self, node, op, fn):
        acc = self._input(node, 0)
        for i in range(1, len(node.input)):
            nxt = self._input(node, i)
            broadcast_shape(acc.shape, nxt.shape)
            acc = self._emit(op, fn(acc, nxt))
        return acc

    def _op_Max(self, node, a):
        self._set(node, self._fold(node, "max", torch.maximum))

    def _op_Min(self, node, a):
        self._set(node, self._fold(node, "min", torch.minimum))

    def _op_Sum(self, node, a):
        self._set(node, self._fold(node, "add", lambda p, q: p + q))

    def _op_Mean(self, node, a):
        total = self._fold(node, "add", lambda p, q: p + q)
        self._set(node, self._emit("div", total / self._scalar(len(node.input))))

    def _reduce(self, x, kind, axes, keep):
        dims = tuple(axes)
        if kind == "sum":
            y = x.sum(dim=dims)
        elif kind == "mean":
            y = x.mean(dim=dims)
        elif kind == "max":
            y = x.amax(dim=dims)
        else:
            y = x.amin(dim=dims)
        y = self._emit("reduce", y)
        if keep:
            y = self._reshape(y, [1 if d in axes else n for d, n in enumerate(x.shape)])
        return y

    def _reduce_node(self, node, a, kind):
        x = self._input(node, 0)
        rank = x.dim()
        if kind == "sum" and self.opset >= 13:
            axes = (self._known_input(node, 1).array.reshape(-1).astype(np.int64).tolist()
                    if self._has_input(node, 1) else [])
            if not axes and a.get("noop_with_empty_axes", 0):
                self._set(node, x)
                return
        else:
            axes = list(a.get("axes", []))
        axes = sorted(ax % rank for ax in axes) if axes else list(range(rank))
        self._set(node, self._reduce(x, kind, axes, a.get("keepdims", 1)))

    def _op_ReduceSum(self, node, a):
        self._reduce_node(node, a, "sum")

    def _op_ReduceMean(self, node, a):
        self._reduce_node(node, a, "mean")

    def _op_ReduceMax(self, node, a):
        self._reduce_node(node, a, "max")

    def _op_ReduceMin(self, node, a):
        self._reduce_node(node, a, "min")

    def _op_LayerNormalization(self, node, a):
        x, scale = self._input(node, 0), self._input(node, 1)
        bias = self._input(node, 2) if self._has_input(node, 2) else None
        first = a.get("axis", -1) % x.dim()
        axes = list(range(first, x.dim()))
        eps = f32(a.get("epsilon", 1e-5))
        normalized = list(x.shape[first:])
        named = lambda i: len(node.output) > i and node.output[i]  # noqa: E731
        if list(scale.shape) == normalized and (bias is None or list(bias.shape) == normalized) \
                and not named(1) and not named(2):
            # One layer_norm (ImportMath.cpp): its statistics get no term.
            self._fused_layer_norms.add(self._node_name)
            self._normalized_inputs.add(node.input[0])
            self._set(node, self._emit("layer_norm", F.layer_norm(x, normalized, scale, bias, eps)))
            return
        mean = self._reduce(x, "mean", axes, True)
        centered = self._emit("sub", x - mean)
        square = self._emit("mul", centered * centered)
        variance = self._reduce(square, "mean", axes, True)
        deviation = self._emit("sqrt", torch.sqrt(self._affine(variance, 1.0, eps)))
        y = self._emit("mul", self._emit("div", centered / deviation) * scale)
        if bias is not None:
            y = self._emit("add", y + bias)
        if named(1):
            self._set(node, mean, 1)
        if named(2):
            self._set(node, self._emit("div", self._scalar(1.0) / deviation), 2)
        self._set(node, y)

    # -- pooling --------------------------------------------------------------

    def _pool(self, node, a, is_max):
        x, pad = self._padded_input(node, 0)
        kernel = list(a["kernel_shape"])
        strides = list(a.get("strides", [1, 1]))
        ceil = bool(a.get("ceil_mode", 0))
        count_pad = bool(a.get("count_include_pad", 0))
        if list(a.get("dilations", [1, 1])) != [1, 1] or a.get("storage_order", 0) != 0:
            raise UnsupportedError("pooling dilations/storage_order")
        if is_max and len(node.output) > 1 and node.output[1]:
            raise UnsupportedError("MaxPool indices used")
        pads = resolve_pads(a, self._padded_spatial(x, pad), kernel, strides)
        if pad is not None:
            if is_max and pad.value != -math.inf:
                raise UnsupportedError("MaxPool absorbs only -inf padding")
            if not is_max and pad.value != 0.0:
                raise UnsupportedError("AveragePool absorbs only zero padding")
            if not is_max and any(pads) and not count_pad:
                raise UnsupportedError("Pad into AveragePool with own pads, count_include_pad 0")
            pads = [p + q for p, q in zip(pads, pad.pads)]
            if not is_max:
                count_pad = True
        for i in range(2):
            if pads[i] >= kernel[i] or pads[i + 2] >= kernel[i]:
                raise UnsupportedError("pooling pads must be smaller than the kernel")
        if is_max:
            y = self._emit("max_pool2d", max_pool2d(x, kernel, strides, pads, ceil))
        else:
            y = self._emit("avg_pool2d", avg_pool2d(x, kernel, strides, pads, ceil, count_pad))
        self._set(node, y)

    def _op_MaxPool(self, node, a):
        self._pool(node, a, True)

    def _op_AveragePool(self, node, a):
        self._pool(node, a, False)

    def _op_GlobalAveragePool(self, node, a):
        x = self._input(node, 0)
        if x.dim() != 4:
            raise UnsupportedError("GlobalAveragePool: 4-D only")
        self._set(node, self._emit("avg_pool2d", x.mean(dim=(2, 3), keepdim=True)))

    # -- shapes and data movement -----------------------------------------------

    def _op_Reshape(self, node, a):
        target = self._known_input(node, 1).array.astype(np.int64).tolist()
        shape_in = self._input_shape(node, 0)
        allow_zero = a.get("allowzero", 0)
        out = []
        for i, d in enumerate(target):
            out.append(shape_in[i] if (d == 0 and not allow_zero) else d)
        if -1 in out:
            known = int(np.prod([d for d in out if d != -1]))
            out[out.index(-1)] = int(np.prod(shape_in)) // known
        if int(np.prod(out)) != int(np.prod(shape_in)):
            raise UnsupportedError("Reshape element count")
        self._set_reshaped(node, out)

    def _op_Flatten(self, node, a):
        shape_in = self._input_shape(node, 0)
        axis = a.get("axis", 1)
        if axis < 0:
            axis += len(shape_in)
        self._set_reshaped(node, [int(np.prod(shape_in[:axis])), int(np.prod(shape_in[axis:]))])

    def _axes(self, node, a):
        if self.opset < 13:
            return list(a.get("axes", []))
        if not self._has_input(node, 1):
            return []
        return self._known_input(node, 1).array.reshape(-1).astype(np.int64).tolist()

    def _op_Squeeze(self, node, a):
        shape_in = self._input_shape(node, 0)
        axes = [ax % len(shape_in) for ax in self._axes(node, a)]
        if not axes:
            axes = [i for i, d in enumerate(shape_in) if d == 1]
        self._set_reshaped(node, [d for i, d in enumerate(shape_in) if i not in axes])

    def _op_Unsqueeze(self, node, a):
        shape_in = self._input_shape(node, 0)
        rank = len(shape_in) + len(self._axes(node, a))
        axes = [ax % rank for ax in self._axes(node, a)]
        it = iter(shape_in)
        self._set_reshaped(node, [1 if i in axes else next(it) for i in range(rank)])

    def _op_Transpose(self, node, a):
        shape_in = self._input_shape(node, 0)
        perm = list(a.get("perm", list(range(len(shape_in)))[::-1]))
        if self._is_known(node.input[0]):
            self._set(node, Known(np.transpose(self._known[node.input[0]].array, perm)))
            return
        x = self._input(node, 0)
        self._set(node, self._emit("transpose", x.permute(*perm)))

    def _op_Concat(self, node, a):
        axis = a["axis"]
        if all(self._is_known(n) and not self._known[n].is_float for n in node.input):
            parts = [self._known[n].array.reshape(-1) for n in node.input]
            self._set(node, Known(np.concatenate(parts)))
            return
        parts = [self._input(node, i) for i in range(len(node.input))]
        self._set(node, self._emit("concat", torch.cat(parts, dim=axis)))

    def _softmax(self, node, a, op, fn):
        coerced = self.opset < 13
        x = self._input(node, 0)
        axis = a.get("axis", 1 if coerced else -1)
        if axis < 0:
            axis += x.dim()
        if not coerced or axis == x.dim() - 1:
            self._set(node, self._emit(op, fn(x, axis)))
            return
        shape = list(x.shape)
        flat = self._reshape(x, (int(np.prod(shape[:axis])), int(np.prod(shape[axis:]))))
        y = self._emit(op, fn(flat, 1))
        self._set(node, self._reshape(y, shape))

    def _op_Softmax(self, node, a):
        self._softmax(node, a, "softmax", lambda x, d: torch.softmax(x, dim=d))

    def _op_LogSoftmax(self, node, a):
        self._softmax(node, a, "log_softmax", lambda x, d: torch.log_softmax(x, dim=d))

    def _op_BatchNormalization(self, node, a):
        if a.get("training_mode", 0) not in (0, 1):
            raise UnsupportedError("BatchNormalization training_mode")
        readers = {n for other in self.graph.node for n in other.input}
        readers |= {o.name for o in self.graph.output}
        for i in range(1, len(node.output)):
            if node.output[i] and node.output[i] in readers:
                raise UnsupportedError("BatchNormalization training outputs used")
        eps = f32(a.get("epsilon", 1e-5))
        x, scale, bias, mean, var = (self._input(node, i) for i in range(5))
        shape = [1, -1] + [1] * (x.dim() - 2)
        r = lambda v: v.reshape(shape)  # noqa: E731
        y = None
        if self._node_name in self.training_norms:
            # PyTorch's own train() batch norm: the batch's mean and biased
            # variance, and the running statistics moved by ONNX's momentum
            # (PyTorch's 1 - momentum) towards them, the variance unbiased.
            running_mean, running_var = mean.detach().clone(), var.detach().clone()
            y = F.batch_norm(x, running_mean, running_var, scale, bias, training=True,
                             momentum=1 - f32(a.get("momentum", 0.9)), eps=eps)
            self.statistics[node.input[3]] = running_mean
            self.statistics[node.input[4]] = running_var
        if self._node_name in self.trainable_norms:
            self._normalized_inputs.add(node.input[0])
        if y is None:
            y = r(scale) * (x - r(mean)) / torch.sqrt(r(var) + eps) + r(bias)
        self._set(node, self._emit("batch_norm", y))

    def _feeds_only_norms(self, name):
        """Whether every reader of `name` normalizes its scale away: a batch
        norm that can train, or a fused layer norm, reading it as input 0."""
        for index, node in enumerate(self.graph.node):
            if name not in node.input:
                continue
            node_name = node.name or "%s#%d" % (node.op_type, index + 1)
            scale_free = node_name in self.trainable_norms or node_name in self._fused_layer_norms
            if not scale_free or list(node.input).index(name) != 0 \
                    or list(node.input).count(name) != 1:
                return False
        return name not in {o.name for o in self.graph.output}

    # -- import-time values -------------------------------------------------------

    def _op_Identity(self, node, a):
        name = node.input[0]
        if node.output[0] in self.param_names:
            return  # an Identity alias of an initializer: a parameter of its own
        if self._is_known(name):
            self._set(node, self._known[name])
        else:
            self._set(node, self._input(node, 0))

    def _op_Constant(self, node, a):
        if len(a) != 1:
            raise UnsupportedError("Constant needs one value attribute")
        key, value = next(iter(a.items()))
        if key == "value":
            self._set(node, Known(numpy_helper.to_array(value)))
        elif key == "value_float":
            self._set(node, Known(np.array(value, dtype=np.float32)))
        elif key == "value_floats":
            self._set(node, Known(np.array(value, dtype=np.float32)))
        elif key == "value_int":
            self._set(node, Known(np.array(value, dtype=np.int64)))
        elif key == "value_ints":
            self._set(node, Known(np.array(value, dtype=np.int64)))
        else:
            raise UnsupportedError("Constant %s" % key)

    def _op_ConstantOfShape(self, node, a):
        shape = self._known_input(node, 0).array.astype(np.int64).tolist()
        fill = numpy_helper.to_array(a["value"]).reshape(-1) if "value" in a \
            else np.zeros(1, np.float32)
        self._set(node, Known(np.full(shape, fill[0], dtype=fill.dtype)))

    def _op_Shape(self, node, a):
        shape = self._input_shape(node, 0)
        rank = len(shape)
        clamp = lambda v: min(max(v + rank if v < 0 else v, 0), rank)  # noqa: E731
        start, end = clamp(a.get("start", 0)), clamp(a.get("end", rank))
        self._set(node, Known(np.array(shape[start:end], dtype=np.int64)))

    def _op_Gather(self, node, a):
        axis = a.get("axis", 0)
        if self._is_known(node.input[0]) and not self._known[node.input[0]].is_float:
            data = self._known_input(node, 0).array
            idx = self._known_input(node, 1).array
            self._set(node, Known(np.take(data, idx, axis=axis)))
            return
        # A graph tensor (ImportIndexing.cpp): the indices are known.
        x = self._input(node, 0)
        idx = self._known_input(node, 1).array.astype(np.int64)
        axis %= x.dim()
        n = x.shape[axis]
        if np.any(idx < -n) or np.any(idx >= n):
            raise UnsupportedError("Gather index out of range")
        flat = torch.tensor(np.where(idx < 0, idx + n, idx).reshape(-1))
        y = torch.index_select(x, axis, flat)
        shape = list(x.shape[:axis]) + list(idx.shape) + list(x.shape[axis + 1:])
        self._set(node, self._emit("gather", y.reshape(shape)))

    def _op_Slice(self, node, a):
        known = self._is_known(node.input[0])
        starts = self._known_input(node, 1).array.tolist()
        ends = self._known_input(node, 2).array.tolist()
        axes = (self._known_input(node, 3).array.tolist() if self._has_input(node, 3)
                else list(range(len(starts))))
        steps = (self._known_input(node, 4).array.tolist() if self._has_input(node, 4)
                 else [1] * len(starts))
        data = self._known_input(node, 0).array if known else self._input(node, 0)
        index = [slice(None)] * data.ndim
        for s, e, ax, st in zip(starts, ends, axes, steps):
            if not known and st <= 0:
                raise UnsupportedError("Slice of a tensor with a negative step")
            index[ax] = slice(s, e, st)
        if known:
            self._set(node, Known(data[tuple(index)]))
            return
        y = data[tuple(index)]
        if y.numel() == 0:
            raise UnsupportedError("empty Slice")
        self._set(node, self._emit("strided_slice", y))

    def _op_Split(self, node, a):
        x = self._input(node, 0)
        axis = a.get("axis", 0) % x.dim()
        parts = len(node.output)
        if self._has_input(node, 1):
            sizes = self._known_input(node, 1).array.tolist()
        elif "split" in a:
            sizes = list(a["split"])
        else:
            if x.shape[axis] % parts:
                raise UnsupportedError("uneven Split")
            sizes = [x.shape[axis] // parts] * parts
        if sum(sizes) != x.shape[axis] or len(sizes) != parts or min(sizes) <= 0:
            raise UnsupportedError("bad Split sizes")
        for i, part in enumerate(torch.split(x, sizes, dim=axis)):
            if node.output[i]:
                self._set(node, self._emit("strided_slice", part), i)

    def _op_Expand(self, node, a):
        x = self._input(node, 0)
        target = self._known_input(node, 1).array.tolist()
        shape = list(np.broadcast_shapes(tuple(x.shape), tuple(target)))
        if shape == list(x.shape):
            self._set(node, x)
            return
        self._set(node, self._emit("broadcast", torch.broadcast_to(x, shape)))

    def _op_Where(self, node, a):
        """importWhere: select of the known mask and the two sides (no term),
        the side itself when the mask chooses it everywhere."""
        if not self._is_known(node.input[0]):
            raise UnsupportedError("Where on a computed condition")
        cond = self._known[node.input[0]].array.astype(bool)
        if cond.size == 0:
            raise UnsupportedError("empty Where condition")
        shapes = [tuple(self._input_shape(node, i)) for i in (1, 2)]
        shape = list(np.broadcast_shapes(cond.shape, *shapes))
        if self._is_known(node.input[1]) and self._is_known(node.input[2]):
            x, y = self._known[node.input[1]], self._known[node.input[2]]
            if not x.is_float or not y.is_float:
                raise UnsupportedError("integer Where")
            self._set(node, Known(np.broadcast_to(
                np.where(cond, x.array, y.array), shape).astype(np.float32)))
            return
        if cond.all() or not cond.any():
            y = self._input(node, 1 if cond.all() else 2)
            if list(y.shape) != shape:
                y = self._emit("broadcast", torch.broadcast_to(y, shape))
            self._set(node, y)
            return
        x, y = self._input(node, 1), self._input(node, 2)
        mask = torch.tensor(cond)
        self._set(node, self._emit("select", torch.where(mask, x, y)))

    def _op_Cast(self, node, a):
        to = a["to"]
        if self._is_known(node.input[0]):
            k = self._known[node.input[0]]
            if to == onnx.TensorProto.FLOAT:
                self._set(node, Known(k.array.astype(np.float32)))
            elif to in (onnx.TensorProto.INT64, onnx.TensorProto.INT32):
                self._set(node, Known(np.trunc(k.array).astype(np.int64)))
            else:
                raise UnsupportedError("Cast to %d" % to)
            return
        if to != onnx.TensorProto.FLOAT:
            raise UnsupportedError("Cast of a graph tensor to a non-float type")
        self._set(node, self._input(node, 0))

    # -- the training objective ------------------------------------------------------

    def terms(self, params, x, logits, activations, bound, out_bound, targets=None):
        """The barrier terms of a forward pass, in the order the pass adds them."""
        targets = set(targets or TARGETS)
        unknown = targets - set(TARGETS)
        if unknown:
            raise ValueError("unknown barrier targets %s" % sorted(unknown))
        bound, out_bound = f32(bound), f32(out_bound)
        result = []
        if "weights" in targets:
            for name in self.param_names:
                if name not in self.frozen:
                    result.append(Term("weight", name, None, params[name], bound))
        if "inputs" in targets:
            result.append(Term("input", self.input_name, None, x, bound))
        if "activations" in targets:
            for node, op, tensor in activations:
                result.append(Term("activation", node, op, tensor,
                                   out_bound if tensor is logits else bound))
        return result

    def objective(self, params, x, y, lam, bound, out_bound, t, targets=None):
        """(total, ce, penalty, logits, terms) as torch scalars/tensors."""
        logits, acts = self.forward(params, x)
        if logits.dim() != 2 or logits.shape[0] != y.shape[0]:
            raise UnsupportedError("the output must be [batch, classes] logits, got %s"
                                   % list(logits.shape))
        ce = F.cross_entropy(logits, y, reduction="mean")
        lam = f32(lam)
        if lam == 0.0:
            return ce, ce, torch.zeros((), dtype=DTYPE), logits, []
        terms = self.terms(params, x, logits, acts, bound, out_bound, targets)
        t = f32(t)
        total_terms = sum((barrier_penalty(term.tensor, term.bound, t) for term in terms),
                          torch.zeros((), dtype=DTYPE))
        penalty = lam * total_terms
        return ce + penalty, ce, penalty, logits, terms

    def loss_and_grads(self, x, y, lam, bound, out_bound, t, targets=None, params=None):
        params = params if params is not None else self.initial
        p = OrderedDict((n, torch.tensor(np.asarray(params[n], dtype=np.float64), dtype=DTYPE,
                                         requires_grad=n not in self.frozen))
                        for n in self.param_names)
        xt = torch.tensor(np.asarray(x, dtype=np.float64), dtype=DTYPE)
        xt = xt.reshape(self.input_shape)
        yt = torch.tensor(np.asarray(y, dtype=np.int64))
        total, ce, penalty, logits, terms = self.objective(p, xt, yt, lam, bound, out_bound, t,
                                                           targets)
        wrt = [n for n in self.param_names if n not in self.frozen]
        grads = torch.autograd.grad(total, [p[n] for n in wrt], allow_unused=True)
        grads = OrderedDict((n, np.zeros(p[n].shape) if g is None else g.detach().numpy())
                            for n, g in zip(wrt, grads))
        return {
            "loss": float(total), "ce": float(ce), "penalty": float(penalty),
            "grads": grads, "logits": logits.detach().numpy(),
            "statistics": OrderedDict((n, v.numpy()) for n, v in self.statistics.items()),
            "terms": [(tm.kind, tm.name, tm.op, tm.shape, tm.bound) for tm in terms],
        }


# ----------------------------------------------------------------------------
# The functional interface
# ----------------------------------------------------------------------------

def _reference(onnx_model, x, frozen):
    if isinstance(onnx_model, Reference):
        return onnx_model
    return Reference(onnx_model, batch=np.asarray(x).shape[0], frozen=frozen)


def loss_and_grads(onnx_model, x, y, lam, bound, out_bound, t, targets=None, frozen=(),
                   params=None):
    """One forward and backward pass of `onnx_model` (an onnx.ModelProto, a path or a
    Reference) on batch (x, y), in float64.

    Returns a dict: "loss" (CE + penalty), "ce", "penalty" (lambda * sum of the terms),
    "grads" (trainable parameter name -> float64 array), "logits", "statistics" (the
    running statistics a training step leaves, name -> array), and "terms"
    [(kind, name, op, shape, bound)], the barrier terms in the order the compiler adds
    them. `targets` is a subset of ("weights", "activations", "inputs"), None or empty
    for all; `frozen` are parameters not to train; `params` overrides the initial values
    (name -> array)."""
    ref = _reference(onnx_model, x, frozen)
    return ref.loss_and_grads(x, y, lam, bound, out_bound, t, targets, params=params)


def decay_for(p, weight_decay, decay_all):
    """logbtq's weight-decay rule: weights (rank >= 2) only, unless decay_all
    (as a torch.optim parameter group without decay for biases and norms)."""
    return weight_decay if decay_all or np.ndim(p) >= 2 else 0.0


def sgd_step(params, grads, lr, momentum=0.0, weight_decay=0.0, momentum_buffers=None,
             frozen=(), decay_all=False):
    """One torch.optim.SGD step (no dampening, no Nesterov) in float64.

    buf = momentum * buf + (g + weight_decay * p), p -= lr * buf, with buf = 0 at
    first (so the first step uses g + weight_decay * p). Parameters without a gradient
    (frozen) keep their value; the decay applies as decay_for says. Returns (new
    params, new momentum buffers)."""
    lr, momentum, weight_decay = f32(lr), f32(momentum), f32(weight_decay)
    new_params, new_bufs = OrderedDict(), OrderedDict()
    for name, p in params.items():
        p = np.asarray(p, dtype=np.float64)
        if name in frozen or name not in grads:
            new_params[name] = p.copy()
            if momentum_buffers is not None and name in momentum_buffers:
                new_bufs[name] = np.asarray(momentum_buffers[name], dtype=np.float64)
            continue
        g = np.asarray(grads[name], dtype=np.float64) + \
            f32(decay_for(p, weight_decay, decay_all)) * p
        buf = np.zeros_like(p) if momentum_buffers is None or name not in momentum_buffers \
            else np.asarray(momentum_buffers[name], dtype=np.float64)
        buf = momentum * buf + g
        new_params[name] = p - lr * buf
        new_bufs[name] = buf
    return new_params, new_bufs


def adam_step(params, grads, lr, beta1, beta2, eps, weight_decay=0.0, decoupled=False,
              frozen=(), decay_all=False):
    """The first step of torch.optim.Adam (or AdamW with `decoupled`), run by
    PyTorch itself on float32 copies. Parameters without a gradient (frozen)
    keep their value. Returns the new parameters as float64 arrays."""
    import torch

    new_params = OrderedDict()
    for name, p in params.items():
        if name in frozen or name not in grads:
            new_params[name] = np.asarray(p, dtype=np.float64).copy()
            continue
        t = torch.nn.Parameter(torch.tensor(np.asarray(p, dtype=np.float32)))
        t.grad = torch.tensor(np.asarray(grads[name], dtype=np.float32))
        cls = torch.optim.AdamW if decoupled else torch.optim.Adam
        cls([t], lr=lr, betas=(beta1, beta2), eps=eps,
            weight_decay=decay_for(p, weight_decay, decay_all)).step()
        new_params[name] = t.detach().numpy().astype(np.float64)
    return new_params


def clip_grad_norm(grads, max_norm, frozen=()):
    """The gradients scaled by torch.nn.utils.clip_grad_norm_ (norm_type 2)
    over the trainable ones, in float32 as PyTorch computes it. Returns (the
    clipped gradients as float64 arrays, the total norm, the coefficient
    min(max_norm / (total + 1e-6), 1))."""
    import torch

    names = [n for n in grads if n not in frozen]
    params = []
    for n in names:
        p = torch.nn.Parameter(torch.zeros(np.shape(grads[n]), dtype=torch.float32))
        p.grad = torch.tensor(np.asarray(grads[n], dtype=np.float32))
        params.append(p)
    total = float(torch.nn.utils.clip_grad_norm_(params, max_norm))
    coefficient = min(float(np.float32(max_norm) / np.float32(total + 1e-6)), 1.0)
    clipped = OrderedDict(grads)
    for n, p in zip(names, params):
        clipped[n] = p.grad.numpy().astype(np.float64)
    return clipped, total, coefficient


def sanitize(name):
    """A parameter name as the step dump writes it (docs/Runtime.md)."""
    return "".join(c if c.isalnum() and c.isascii() or c in "._-" else "_" for c in name)
