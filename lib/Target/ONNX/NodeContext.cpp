//===- NodeContext.cpp - Operands and attributes of one ONNX node ---------===//

#include "Importer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::logbtq::onnx_import;

int64_t NodeContext::opset() const { return importer.opset; }

OpBuilder &NodeContext::builder() { return importer.builder; }

InFlightDiagnostic NodeContext::emitError() const {
  return mlir::emitError(loc)
         << "node '" << name << "' (" << node.op_type() << "): ";
}

RankedTensorType NodeContext::tensorType(ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, builder().getF32Type());
}

bool NodeContext::isKnown(size_t i) const {
  return hasInput(i) && importer.known.count(node.input(i)) &&
         !importer.values.count(node.input(i));
}

FailureOr<SmallVector<int64_t>> NodeContext::inputShape(size_t i) {
  if (isKnown(i)) {
    auto tensor = knownInput(i, "the data");
    if (failed(tensor))
      return failure();
    return tensor->shape;
  }
  auto x = input(i);
  if (failed(x))
    return failure();
  return SmallVector<int64_t>(cast<RankedTensorType>(x->getType()).getShape());
}

FailureOr<Value> NodeContext::input(size_t i) {
  std::optional<PendingPad> pad;
  FailureOr<Value> value = paddedInput(i, pad);
  if (succeeded(value) && pad)
    return emitError() << "input " << i << " reads the output of Pad '"
                       << pad->node
                       << "', which only a Conv, AveragePool or MaxPool "
                          "can absorb";
  return value;
}

FailureOr<Value> NodeContext::paddedInput(size_t i,
                                          std::optional<PendingPad> &pad) {
  pad.reset();
  if (!hasInput(i))
    return emitError() << "input " << i << " is missing";
  const std::string &name = node.input(i);
  if (auto it = importer.values.find(name); it != importer.values.end())
    return it->second;
  if (auto it = importer.pendingPads.find(name);
      it != importer.pendingPads.end()) {
    pad = it->second;
    return pad->input;
  }
  if (auto it = importer.materialized.find(name);
      it != importer.materialized.end())
    return it->second;
  auto it = importer.known.find(name);
  if (it == importer.known.end())
    return emitError() << "input " << i << " reads '" << name
                       << "', which no node, graph input or initializer "
                          "defines";
  const KnownTensor &tensor = it->second;
  if (!tensor.isFloat)
    return emitError() << "input " << i << " ('" << name
                       << "') is an integer tensor; logbtq graphs compute on "
                          "float32 tensors";
  // A float constant read as data: materialize it once, at the function top.
  OpBuilder::InsertionGuard guard(builder());
  Block *body = builder().getInsertionBlock();
  builder().setInsertionPointToStart(body);
  auto type = tensorType(tensor.shape);
  Value value = arith::ConstantOp::create(
      builder(), loc, type,
      DenseElementsAttr::get(type, ArrayRef<float>(tensor.floats)));
  importer.materialized[name] = value;
  return value;
}

FailureOr<KnownTensor> NodeContext::knownInput(size_t i, StringRef what) {
  if (!hasInput(i))
    return emitError() << what << " (input " << i << ") is missing";
  const std::string &name = node.input(i);
  auto it = importer.known.find(name);
  if (it == importer.known.end() || importer.values.count(name)) {
    if (!importer.values.count(name) && !importer.known.count(name) &&
        !importer.pendingPads.count(name))
      return emitError() << what << " (input " << i << ") reads '" << name
                         << "', which no node, graph input or initializer "
                            "defines";
    return emitError() << what << " (input " << i << ", '" << name
                       << "') must be known at import time: an initializer, "
                          "a Constant node, or computed from static shapes";
  }
  return it->second;
}

const onnx::AttributeProto *NodeContext::attr(StringRef name) const {
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

FailureOr<int64_t> NodeContext::intAttr(StringRef name,
                                        int64_t fallback) const {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return fallback;
  if (a->type() != onnx::AttributeProto::INT)
    return emitError() << "attribute '" << name << "' must be an INT";
  return a->i();
}

FailureOr<float> NodeContext::floatAttr(StringRef name, float fallback) const {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return fallback;
  if (a->type() != onnx::AttributeProto::FLOAT)
    return emitError() << "attribute '" << name << "' must be a FLOAT";
  return a->f();
}

FailureOr<SmallVector<int64_t>>
NodeContext::intsAttr(StringRef name, ArrayRef<int64_t> fallback) const {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return SmallVector<int64_t>(fallback);
  if (a->type() != onnx::AttributeProto::INTS)
    return emitError() << "attribute '" << name << "' must be INTS";
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

FailureOr<std::string> NodeContext::stringAttr(StringRef name,
                                               StringRef fallback) const {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return fallback.str();
  if (a->type() != onnx::AttributeProto::STRING)
    return emitError() << "attribute '" << name << "' must be a STRING";
  return a->s();
}

LogicalResult NodeContext::checkAttributes(ArrayRef<StringRef> allowed) const {
  for (const onnx::AttributeProto &a : node.attribute())
    if (!llvm::is_contained(allowed, a.name()))
      return emitError() << "attribute '" << a.name()
                         << "' is not supported";
  return success();
}

LogicalResult NodeContext::setOutput(size_t i, Value value) {
  if (static_cast<int>(i) >= node.output_size() || node.output(i).empty())
    return success();
  importer.values[node.output(i)] = value;
  return success();
}

LogicalResult NodeContext::setOutput(size_t i, KnownTensor tensor) {
  if (static_cast<int>(i) >= node.output_size() || node.output(i).empty())
    return success();
  importer.known[node.output(i)] = std::move(tensor);
  return success();
}

LogicalResult NodeContext::setOutput(size_t i, PendingPad pad) {
  if (static_cast<int>(i) >= node.output_size() || node.output(i).empty())
    return success();
  importer.pendingPads[node.output(i)] = std::move(pad);
  return success();
}

bool NodeContext::isParameter(size_t i) const {
  return static_cast<int>(i) < node.output_size() &&
         importer.parameters.contains(node.output(i));
}

SmallVector<NodeContext::Reader>
NodeContext::outputReaders(size_t i, bool &isGraphOutput) const {
  SmallVector<Reader> readers;
  isGraphOutput = false;
  if (static_cast<int>(i) >= node.output_size() || node.output(i).empty())
    return readers;
  const std::string &name = node.output(i);
  for (auto [position, reader] : llvm::enumerate(importer.graph->node()))
    for (auto [index, input] : llvm::enumerate(reader.input()))
      if (input == name)
        readers.push_back({&reader, GraphImporter::nodeName(reader, position),
                           static_cast<int>(index)});
  for (const onnx::ValueInfoProto &info : importer.graph->output())
    isGraphOutput |= info.name() == name;
  return readers;
}

LogicalResult NodeContext::checkOutputUnused(size_t i, StringRef what) const {
  if (static_cast<int>(i) >= node.output_size() || node.output(i).empty())
    return success();
  if (importer.uses.lookup(node.output(i)) == 0)
    return success();
  return emitError() << "output " << i << " ('" << node.output(i)
                     << "', the " << what
                     << ") is used, but the importer does not produce it";
}
