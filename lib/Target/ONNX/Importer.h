//===- Importer.h - State of one ONNX graph import -------------*- C++ -*-===//
//
// Internal to lib/Target/ONNX. The GraphImporter walks the nodes of an ONNX
// graph in order and keeps what each tensor name stands for: an SSA value, or
// an integer or float constant known at import time (shape arithmetic such as
// PyTorch's Shape -> Gather -> Concat -> Reshape is evaluated, never emitted).
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_LIB_TARGET_ONNX_IMPORTER_H
#define LOGBTQ_LIB_TARGET_ONNX_IMPORTER_H

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"
#include "logbtq/Target/ONNX/ImportONNX.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"

#include "onnx/onnx_pb.h"

namespace mlir::logbtq::onnx_import {

/// A tensor whose contents the importer knows: integers (shapes, axes) or
/// floats (weights, scalars), with its shape.
struct KnownTensor {
  SmallVector<int64_t> shape;
  SmallVector<int64_t> ints;
  SmallVector<float> floats;
  bool isFloat = false;

  int64_t size() const { return isFloat ? floats.size() : ints.size(); }
};

/// Decodes an ONNX TensorProto (raw or typed storage). Only FLOAT, DOUBLE,
/// INT64, INT32 and BOOL are read; anything else is an error.
FailureOr<KnownTensor> decodeTensor(const onnx::TensorProto &tensor,
                                    Location loc);

class GraphImporter;

/// One node being imported: its operands, attributes and results, with
/// accessors that report errors at the node's location.
class NodeContext {
public:
  NodeContext(GraphImporter &importer, const onnx::NodeProto &node,
              Location loc)
      : importer(importer), node(node), loc(loc) {}

  const onnx::NodeProto &node;
  Location loc;

  int64_t opset() const;
  OpBuilder &builder();
  InFlightDiagnostic emitError() const;

  size_t numInputs() const { return node.input_size(); }
  /// Whether input `i` is given (ONNX marks an omitted optional input "").
  bool hasInput(size_t i) const {
    return static_cast<int>(i) < node.input_size() && !node.input(i).empty();
  }
  /// Input `i` as an f32 tensor value (known float constants materialize).
  FailureOr<Value> input(size_t i);
  /// Input `i` as a tensor the importer must know (shapes, axes, bounds).
  FailureOr<KnownTensor> knownInput(size_t i, StringRef what);
  /// Whether input `i` is a constant known at import time.
  bool isKnown(size_t i) const;

  const onnx::AttributeProto *attr(StringRef name) const;
  FailureOr<int64_t> intAttr(StringRef name, int64_t fallback) const;
  FailureOr<float> floatAttr(StringRef name, float fallback) const;
  FailureOr<SmallVector<int64_t>> intsAttr(StringRef name,
                                           ArrayRef<int64_t> fallback) const;
  FailureOr<std::string> stringAttr(StringRef name, StringRef fallback) const;
  /// Fails on any attribute outside `allowed`, so that an attribute that
  /// would change the meaning is never silently dropped.
  LogicalResult checkAttributes(ArrayRef<StringRef> allowed) const;

  /// Binds output `i` of the node.
  LogicalResult setOutput(size_t i, Value value);
  LogicalResult setOutput(size_t i, KnownTensor tensor);
  /// Fails if output `i` exists and something reads it.
  LogicalResult checkOutputUnused(size_t i, StringRef what) const;

  /// A ranked f32 tensor type of `shape`.
  RankedTensorType tensorType(ArrayRef<int64_t> shape);

private:
  GraphImporter &importer;
};

/// Imports one op type; the table in ImportOps.cpp maps op types to these.
using NodeImportFn = LogicalResult (*)(NodeContext &);

/// The op types the importer supports, with their importers.
const llvm::StringMap<NodeImportFn> &getNodeImporters();

/// Indices of the inputs of `opType` that the importer reads as constants
/// (shapes, axes, bounds) rather than as tensors of the graph.
ArrayRef<unsigned> getConstantInputIndices(StringRef opType, int64_t opset);

class GraphImporter {
public:
  GraphImporter(MLIRContext *context, StringRef fileName,
                const ONNXImportOptions &options)
      : context(context), builder(context), fileName(fileName.str()),
        options(options) {}

  OwningOpRef<ModuleOp> importModel(const onnx::ModelProto &model);

private:
  friend class NodeContext;

  LogicalResult checkOpsets(const onnx::ModelProto &model);
  LogicalResult collectInitializers(const onnx::GraphProto &graph);
  FailureOr<RankedTensorType> inputType(const onnx::ValueInfoProto &info);
  LogicalResult buildForward(const onnx::GraphProto &graph, ModuleOp module);
  LogicalResult importNode(const onnx::NodeProto &node, int index);
  /// Names of float initializers read as graph tensors: the parameters.
  std::vector<std::string> findParameters(const onnx::GraphProto &graph);

  Location fileLoc() const;
  Location nodeLoc(const onnx::NodeProto &node, int index) const;

  MLIRContext *context;
  OpBuilder builder;
  std::string fileName;
  const ONNXImportOptions &options;
  int64_t opset = 0;

  llvm::StringMap<Value> values;
  llvm::StringMap<KnownTensor> known;
  /// How many times each tensor name is read, to reject used outputs that
  /// the importer cannot produce (MaxPool indices, Dropout masks).
  llvm::StringMap<unsigned> uses;
};

} // namespace mlir::logbtq::onnx_import

#endif // LOGBTQ_LIB_TARGET_ONNX_IMPORTER_H
