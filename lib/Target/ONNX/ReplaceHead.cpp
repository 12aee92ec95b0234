//===- ReplaceHead.cpp - A new classifier head for fine-tuning ------------===//
//
// `--num-classes N` gives a pretrained model a fresh classifier for a task
// with N classes: the Gemm that writes the graph output gets a new weight
// and bias of N outputs, initialized as PyTorch initializes an nn.Linear
// (uniform in [-1/sqrt(F), 1/sqrt(F)], F its inputs). The ONNX model itself
// is edited before the import, so every later step sees an ordinary model.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "llvm/ADT/StringSet.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace mlir::logbtq;

namespace {

/// splitmix64: the new weights are the same on every machine and run.
uint64_t nextRandom(uint64_t &state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// A float initializer of `dims`, uniform in [-bound, bound).
void fillUniform(onnx::TensorProto &tensor, ArrayRef<int64_t> dims,
                 float bound, uint64_t seed) {
  std::string name = tensor.name();
  tensor.Clear();
  tensor.set_name(name);
  tensor.set_data_type(onnx::TensorProto::FLOAT);
  int64_t count = 1;
  for (int64_t d : dims) {
    tensor.add_dims(d);
    count *= d;
  }
  std::string bytes(size_t(count) * sizeof(float), '\0');
  for (int64_t i = 0; i < count; ++i) {
    // 24 random bits: a float in [0, 1) exactly.
    float unit = float(nextRandom(seed) >> 40) * 0x1p-24f;
    float v = (2.0f * unit - 1.0f) * bound;
    std::memcpy(&bytes[size_t(i) * sizeof(float)], &v, sizeof(float));
  }
  tensor.set_raw_data(bytes);
}

int64_t intAttr(const onnx::NodeProto &node, StringRef name, int64_t dflt) {
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == name)
      return a.i();
  return dflt;
}

} // namespace

LogicalResult onnx_import::replaceClassifierHead(onnx::ModelProto &model,
                                                 int64_t numClasses,
                                                 Location loc) {
  onnx::GraphProto &graph = *model.mutable_graph();
  if (numClasses < 1)
    return emitError(loc) << "--num-classes must be positive, got "
                          << numClasses;
  if (graph.output_size() != 1)
    return emitError(loc) << "--num-classes needs a model with one output, "
                             "this one has "
                          << graph.output_size();
  const std::string &output = graph.output(0).name();
  int head = -1;
  for (int i = 0; i < graph.node_size(); ++i)
    for (const std::string &o : graph.node(i).output())
      if (o == output)
        head = i;
  if (head < 0)
    return emitError(loc) << "--num-classes: no node writes the output '"
                          << output << "'";
  onnx::NodeProto &gemm = *graph.mutable_node(head);
  std::string name =
      gemm.name().empty() ? gemm.op_type() + "#" + std::to_string(head + 1)
                          : gemm.name();
  if (gemm.op_type() != "Gemm" || gemm.input_size() < 2)
    return emitError(loc) << "--num-classes replaces the Gemm that writes the "
                             "model output; node '"
                          << name << "' (" << gemm.op_type()
                          << ") writes it";
  if (intAttr(gemm, "transA", 0) != 0)
    return emitError(loc) << "--num-classes: node '" << name
                          << "' transposes its input (transA)";
  bool transB = intAttr(gemm, "transB", 0) != 0;

  // The weight and bias must be initializers that only this node reads.
  auto find = [&](const std::string &input) -> onnx::TensorProto * {
    for (onnx::TensorProto &t : *graph.mutable_initializer())
      if (t.name() == input)
        return &t;
    return nullptr;
  };
  SmallVector<std::string, 2> names{gemm.input(1)};
  if (gemm.input_size() > 2 && !gemm.input(2).empty())
    names.push_back(gemm.input(2));
  for (const std::string &input : names) {
    if (!find(input))
      return emitError(loc) << "--num-classes: input '" << input
                            << "' of node '" << name
                            << "' is not an initializer";
    for (int i = 0; i < graph.node_size(); ++i)
      if (i != head)
        for (const std::string &in : graph.node(i).input())
          if (in == input)
            return emitError(loc)
                   << "--num-classes: '" << input << "' of node '" << name
                   << "' is also read by node '" << graph.node(i).name()
                   << "'";
  }
  onnx::TensorProto *weight = find(names[0]);
  if (weight->dims_size() != 2 ||
      weight->data_type() != onnx::TensorProto::FLOAT)
    return emitError(loc) << "--num-classes: the weight '" << names[0]
                          << "' of node '" << name
                          << "' must be a 2-D float tensor";
  int64_t features = weight->dims(transB ? 1 : 0);
  float bound = 1.0f / std::sqrt(float(features));
  fillUniform(*weight,
              transB ? SmallVector<int64_t>{numClasses, features}
                     : SmallVector<int64_t>{features, numClasses},
              bound, /*seed=*/1);
  if (names.size() > 1)
    fillUniform(*find(names[1]), {numClasses}, bound, /*seed=*/2);

  // The declared output shape, if any, follows.
  onnx::TypeProto_Tensor *type =
      graph.mutable_output(0)->mutable_type()->mutable_tensor_type();
  if (type->has_shape() && type->shape().dim_size() == 2)
    type->mutable_shape()->mutable_dim(1)->set_dim_value(numClasses);
  return success();
}
