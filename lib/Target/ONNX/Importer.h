//===- Importer.h - State of one ONNX graph import -------------*- C++ -*-===//
//
// Internal to lib/Target/ONNX. The GraphImporter walks the nodes of an ONNX
// graph in order and keeps what each tensor name stands for: an SSA value, an
// integer or float constant known at import time (shape arithmetic such as
// PyTorch's Shape -> Gather -> Concat -> Reshape is evaluated, never emitted),
// or the padding of a Pad node that the op reading it absorbs.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_LIB_TARGET_ONNX_IMPORTER_H
#define LOGBTQ_LIB_TARGET_ONNX_IMPORTER_H

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"
#include "logbtq/Target/ONNX/ImportONNX.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

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

/// Reports an error at the place that reads a tensor (the file, or a node).
using EmitErrorFn = function_ref<InFlightDiagnostic()>;

/// Decodes an ONNX TensorProto (raw or typed storage). Only FLOAT, DOUBLE,
/// INT64, INT32 and BOOL are read; anything else is an error.
FailureOr<KnownTensor> decodeTensor(const onnx::TensorProto &tensor,
                                    EmitErrorFn emitError);

/// Gives `model` a new classifier head of `numClasses` outputs: the Gemm
/// that writes the single graph output gets a new weight and bias, drawn as
/// PyTorch draws an nn.Linear's (--num-classes). Errors are at `loc`.
LogicalResult replaceClassifierHead(onnx::ModelProto &model,
                                    int64_t numClasses, Location loc);

/// Parses the serialized model in `bytes` and applies what the options
/// change in the proto itself (--num-classes). Errors are at `loc`.
LogicalResult parseModel(StringRef bytes, Location loc,
                         const ONNXImportOptions &options,
                         onnx::ModelProto &model);

/// A `Pad` node's padding that is not emitted as an op: the Conv or pooling
/// node that reads the padded tensor adds it to its own pads.
struct PendingPad {
  /// The tensor before padding (4-D, NCHW).
  Value input;
  /// Padding of H and W: [top, left, bottom, right], as logbtq ops take it.
  SmallVector<int64_t, 4> pads;
  /// The padding value (0 for Conv and AveragePool, -inf for MaxPool).
  float value = 0;
  /// The Pad node, for messages.
  std::string node;
};

class GraphImporter;

/// One node being imported: its operands, attributes and results, with
/// accessors that report errors at the node's location.
class NodeContext {
public:
  NodeContext(GraphImporter &importer, const onnx::NodeProto &node,
              StringRef name, Location loc)
      : node(node), name(name.str()), loc(loc), importer(importer) {}

  const onnx::NodeProto &node;
  /// The node's name, or `OpType#N` (N its 1-based position) if it has none.
  std::string name;
  Location loc;

  int64_t opset() const;
  OpBuilder &builder();
  InFlightDiagnostic emitError() const;

  size_t numInputs() const { return node.input_size(); }
  /// Whether input `i` is given (ONNX marks an omitted optional input "").
  bool hasInput(size_t i) const {
    return static_cast<int>(i) < node.input_size() && !node.input(i).empty();
  }
  /// Whether output `i` is named (and so may be read).
  bool hasOutput(size_t i) const {
    return static_cast<int>(i) < node.output_size() && !node.output(i).empty();
  }
  /// Input `i` as an f32 tensor value (known float constants materialize).
  /// Fails on the output of a Pad node (see paddedInput).
  FailureOr<Value> input(size_t i);
  /// Input `i` as an f32 tensor, and the padding of the Pad node that
  /// produced it, if any, which the caller must fold into its own pads.
  FailureOr<Value> paddedInput(size_t i, std::optional<PendingPad> &pad);
  /// Input `i` as a tensor the importer must know (shapes, axes, bounds).
  FailureOr<KnownTensor> knownInput(size_t i, StringRef what);
  /// Whether input `i` is a constant known at import time.
  bool isKnown(size_t i) const;
  /// The shape of input `i`, a graph tensor or a known one.
  FailureOr<SmallVector<int64_t>> inputShape(size_t i);

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
  LogicalResult setOutput(size_t i, PendingPad pad);
  /// A node that reads an output, at input `index`.
  struct Reader {
    const onnx::NodeProto *node;
    std::string name;
    int index;
  };
  /// The nodes that read output `i`, and whether it is a graph output.
  SmallVector<Reader> outputReaders(size_t i, bool &isGraphOutput) const;
  /// Whether output `i` is a parameter (an Identity of an initializer).
  bool isParameter(size_t i) const;
  /// Fails if output `i` exists and something reads it.
  LogicalResult checkOutputUnused(size_t i, StringRef what) const;

  /// A ranked f32 tensor type of `shape`.
  RankedTensorType tensorType(ArrayRef<int64_t> shape);

private:
  GraphImporter &importer;
};

/// Imports one op type; the table in ImportOps.cpp maps op types to these.
using NodeImportFn = LogicalResult (*)(NodeContext &);

/// Ops evaluated at import time, on known tensors only (ImportConstants.cpp).
LogicalResult importConstant(NodeContext &ctx);
LogicalResult importConstantOfShape(NodeContext &ctx);
LogicalResult importShape(NodeContext &ctx);
LogicalResult importGather(NodeContext &ctx);
LogicalResult importSlice(NodeContext &ctx);
LogicalResult importCast(NodeContext &ctx);

/// Gather and Slice of graph tensors (ImportIndexing.cpp), which the two
/// above hand over to.
LogicalResult importGatherOfTensor(NodeContext &ctx);
LogicalResult importSliceOfTensor(NodeContext &ctx);

/// The indices Slice takes along one dimension of size `dim`, as ONNX
/// defines the clamping of `start` and `end`.
SmallVector<int64_t> sliceIndices(int64_t dim, int64_t start, int64_t end,
                                  int64_t step);

/// What a Slice takes along one axis (normalized): the indices, and the
/// step they were taken by.
struct SliceRange {
  int64_t axis;
  int64_t step;
  SmallVector<int64_t> indices;
};
/// Slice's starts, ends, axes and steps (inputs 1 to 4, known) for data of
/// `shape`, one range per sliced axis. Fails at the node on a malformed
/// input, a repeated axis or a zero step.
FailureOr<SmallVector<SliceRange>> readSliceRanges(NodeContext &ctx,
                                                   ArrayRef<int64_t> shape);

/// Transposes a known tensor; `perm` must be a permutation of its dims.
KnownTensor transposeKnown(const KnownTensor &tensor, ArrayRef<int64_t> perm);

/// Repeats a known tensor to `shape`, numpy style; the shapes must
/// broadcast (checked by the caller).
KnownTensor broadcastKnown(const KnownTensor &tensor, ArrayRef<int64_t> shape);

/// Evaluates `opType` (Add, Sub, Mul or Div) on inputs 0 and 1 of the node,
/// both known integer tensors (shape arithmetic).
FailureOr<KnownTensor> evaluateIntegerBinary(NodeContext &ctx,
                                             StringRef opType);

/// The op types the importer supports, with their importers.
const llvm::StringMap<NodeImportFn> &getNodeImporters();
/// Adds the importers of ImportMath.cpp (math, activations, reductions).
void addMathImporters(llvm::StringMap<NodeImportFn> &importers);
/// Adds the importers of ImportIndexing.cpp (Split, Expand, Where).
void addIndexingImporters(llvm::StringMap<NodeImportFn> &importers);

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
  LogicalResult checkOutputType(const onnx::ValueInfoProto &info, Value value);
  /// Names of float initializers read as graph tensors: the parameters.
  std::vector<std::string> findParameters(const onnx::GraphProto &graph);

  Location fileLoc() const;
  /// The node's name, or `OpType#N` for an unnamed node.
  static std::string nodeName(const onnx::NodeProto &node, int index);
  Location nodeLoc(StringRef name, int index) const;

  MLIRContext *context;
  OpBuilder builder;
  std::string fileName;
  const ONNXImportOptions &options;
  int64_t opset = 0;

  const onnx::GraphProto *graph = nullptr;
  /// Tensor names bound to SSA values: graph inputs, parameters, node results.
  llvm::StringMap<Value> values;
  /// Tensors known at import time: initializers, Constant nodes, shapes.
  llvm::StringMap<KnownTensor> known;
  /// Known float tensors read as data, materialized once as arith.constant;
  /// they stay in `known` so that other nodes can still read them as
  /// constants.
  llvm::StringMap<Value> materialized;
  /// Outputs of Pad nodes, for the Conv or pooling node that reads them.
  llvm::StringMap<PendingPad> pendingPads;
  /// The tensors that are function arguments with logbtq.param.
  llvm::StringSet<> parameters;
  /// How many times each tensor name is read, to reject used outputs that
  /// the importer cannot produce (MaxPool indices, Dropout masks).
  llvm::StringMap<unsigned> uses;
};

} // namespace mlir::logbtq::onnx_import

#endif // LOGBTQ_LIB_TARGET_ONNX_IMPORTER_H
