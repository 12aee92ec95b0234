//===- ImportONNX.cpp - ONNX protobuf to logbtq graph ops -----------------===//
//
// The model level of the importer: opsets, graph inputs, initializers (the
// parameters) and outputs. Node importers live in ImportOps.cpp.
//
//===----------------------------------------------------------------------===//

#include "ConvertOpset.h"
#include "Importer.h"

#include "logbtq/Dialect/LogBTQ/IR/ShapeInference.h"
#include "logbtq/Dialect/LogBTQ/IR/LogBTQAttributes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::onnx_import;

/// The default-domain opsets whose semantics the node importers implement.
static constexpr int64_t kMinOpset = 11;
static constexpr int64_t kMaxOpset = 17;
/// Older models are converted to this opset on import: the first with
/// today's forms of Squeeze, Unsqueeze, ReduceSum, Split and Softmax, which
/// every converted model then shares with most current exports.
static constexpr int64_t kConvertedOpset = 13;

/// The model's default-domain (ai.onnx) opset, 0 if it imports none.
static int64_t defaultOpset(const onnx::ModelProto &model) {
  int64_t opset = 0;
  for (const onnx::OperatorSetIdProto &set : model.opset_import())
    if (set.domain().empty() || set.domain() == "ai.onnx")
      opset = set.version();
  return opset;
}

Location GraphImporter::fileLoc() const {
  return FileLineColLoc::get(context, fileName, 0, 0);
}

std::string GraphImporter::nodeName(const onnx::NodeProto &node, int index) {
  if (!node.name().empty())
    return node.name();
  return node.op_type() + "#" + std::to_string(index + 1);
}

/// `loc("node_name"("model.onnx":N:0))`, N being the node's 1-based position
/// in the graph: ONNX files have no lines, and a name alone may be empty.
Location GraphImporter::nodeLoc(StringRef name, int index) const {
  return NameLoc::get(StringAttr::get(context, name),
                      FileLineColLoc::get(context, fileName, index + 1, 0));
}

LogicalResult GraphImporter::checkOpsets(const onnx::ModelProto &model) {
  opset = defaultOpset(model);
  if (opset == 0)
    return emitError(fileLoc())
           << "model imports no default-domain (ai.onnx) opset";
  if (opset < kMinOpset || opset > kMaxOpset)
    return emitError(fileLoc())
           << "opset " << opset << " is not supported (supported: " << kMinOpset
           << " to " << kMaxOpset << ", older ones through "
           << "ONNX's version converter); export the model at opset "
           << kMaxOpset << " or lower";
  return success();
}

LogicalResult
GraphImporter::collectInitializers(const onnx::GraphProto &graph) {
  for (const onnx::TensorProto &init : graph.initializer()) {
    FailureOr<KnownTensor> tensor =
        decodeTensor(init, [&] { return emitError(fileLoc()); });
    if (failed(tensor))
      return failure();
    known[init.name()] = std::move(*tensor);
  }
  return success();
}

std::vector<std::string>
GraphImporter::findParameters(const onnx::GraphProto &graph) {
  // An Identity of an initializer is an initializer of its own: PyTorch's
  // exporter deduplicates equal initializers (a fresh BatchNorm's running
  // mean and bias are both zeros) and aliases them with Identity nodes, but
  // they are distinct parameters that train (or freeze) separately.
  llvm::StringSet<> initializers;
  std::vector<std::string> candidates;
  for (const onnx::TensorProto &init : graph.initializer()) {
    initializers.insert(init.name());
    candidates.push_back(init.name());
  }
  llvm::StringSet<> aliasNodes;
  for (const onnx::NodeProto &node : graph.node()) {
    if (node.op_type() != "Identity" || node.input_size() != 1 ||
        node.output_size() != 1 || !initializers.contains(node.input(0)) ||
        known.count(node.output(0)))
      continue;
    known[node.output(0)] = known[node.input(0)];
    initializers.insert(node.output(0));
    candidates.push_back(node.output(0));
    aliasNodes.insert(node.output(0));
  }

  llvm::StringSet<> readAsTensor;
  for (const onnx::NodeProto &node : graph.node()) {
    if (node.output_size() == 1 && aliasNodes.contains(node.output(0)))
      continue;
    ArrayRef<unsigned> constants =
        getConstantInputIndices(node.op_type(), opset);
    for (auto [i, name] : llvm::enumerate(node.input()))
      if (!llvm::is_contained(constants, i))
        readAsTensor.insert(name);
  }
  for (const onnx::ValueInfoProto &info : graph.output())
    readAsTensor.insert(info.name());
  std::vector<std::string> params;
  for (const std::string &name : candidates)
    if (known[name].isFloat && readAsTensor.contains(name))
      params.push_back(name);
  return params;
}

FailureOr<RankedTensorType>
GraphImporter::inputType(const onnx::ValueInfoProto &info) {
  Location loc = fileLoc();
  if (!info.type().has_tensor_type())
    return emitError(loc) << "graph input '" << info.name()
                          << "' is not a tensor";
  const onnx::TypeProto::Tensor &tensor = info.type().tensor_type();
  if (tensor.elem_type() != onnx::TensorProto::FLOAT)
    return emitError(loc)
           << "graph input '" << info.name() << "' has element type "
           << onnx::TensorProto_DataType_Name(
                  static_cast<onnx::TensorProto_DataType>(tensor.elem_type()))
           << "; logbtq imports float32 inputs";
  if (!tensor.has_shape())
    return emitError(loc) << "graph input '" << info.name()
                          << "' has no shape; export the model with input "
                             "shapes";
  SmallVector<int64_t> shape;
  for (auto [i, dim] : llvm::enumerate(tensor.shape().dim())) {
    if (dim.has_dim_value() && dim.dim_value() > 0) {
      shape.push_back(dim.dim_value());
      continue;
    }
    std::string what = dim.has_dim_param()
                           ? "symbolic ('" + dim.dim_param() + "')"
                           : std::string("unknown");
    if (i != 0)
      return emitError(loc) << "graph input '" << info.name() << "' dimension "
                            << i << " is " << what
                            << "; only the leading (batch) dimension may be "
                               "bound with --batch";
    if (!options.batch)
      return emitError(loc) << "graph input '" << info.name()
                            << "' dimension 0 is " << what
                            << "; bind it with --batch N";
    shape.push_back(*options.batch);
  }
  // A shape beyond 2^40 elements is no model's input, and its products would
  // overflow the shape arithmetic downstream (a fuzzer's finding).
  int64_t count = 1;
  for (int64_t d : shape)
    if (__builtin_mul_overflow(count, d, &count) || count > (int64_t(1) << 40))
      return emitError(loc) << "graph input '" << info.name() << "' shape "
                            << shape::format(shape)
                            << " has more than 2^40 elements";
  return RankedTensorType::get(shape, builder.getF32Type());
}

/// The static dimensions a graph output declares must be those computed: a
/// difference means the model and the importer disagree on some op.
LogicalResult GraphImporter::checkOutputType(const onnx::ValueInfoProto &info,
                                             Value value) {
  if (!info.type().has_tensor_type() || !info.type().tensor_type().has_shape())
    return success();
  ArrayRef<int64_t> computed =
      cast<RankedTensorType>(value.getType()).getShape();
  const auto &dims = info.type().tensor_type().shape().dim();
  bool differs = dims.size() != static_cast<int>(computed.size());
  for (int i = 0; !differs && i < dims.size(); ++i)
    differs = dims[i].has_dim_value() && dims[i].dim_value() != computed[i];
  if (!differs)
    return success();
  std::string declared;
  for (auto [i, dim] : llvm::enumerate(dims)) {
    if (i)
      declared += "x";
    declared += dim.has_dim_value() ? std::to_string(dim.dim_value())
                                    : (dim.has_dim_param() ? dim.dim_param()
                                                           : std::string("?"));
  }
  return emitError(fileLoc())
         << "graph output '" << info.name() << "' is declared with shape "
         << (declared.empty() ? std::string("scalar") : declared)
         << " but computes to " << shape::format(computed);
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        int index) {
  std::string name = nodeName(node, index);
  Location loc = nodeLoc(name, index);
  const llvm::StringMap<NodeImportFn> &importers = getNodeImporters();
  auto it = importers.find(node.op_type());
  bool defaultDomain = node.domain().empty() || node.domain() == "ai.onnx";
  if (!defaultDomain)
    return emitError(loc) << "node '" << name << "' (" << node.op_type()
                          << "): op domain '" << node.domain()
                          << "' is not supported (only the default ai.onnx "
                             "domain)";
  if (it == importers.end()) {
    SmallVector<StringRef> supported;
    for (const auto &entry : importers)
      supported.push_back(entry.getKey());
    llvm::sort(supported);
    return emitError(loc) << "node '" << name << "' (" << node.op_type()
                          << "): unsupported op type (opset " << opset
                          << "); supported: " << llvm::join(supported, ", ");
  }
  NodeContext ctx(*this, node, name, loc);
  return it->second(ctx);
}

LogicalResult GraphImporter::buildForward(const onnx::GraphProto &graph,
                                          ModuleOp module) {
  this->graph = &graph;
  std::vector<std::string> params = findParameters(graph);
  for (const std::string &name : params)
    parameters.insert(name);

  // BatchNormalization statistics are parameters that never train. One
  // that another node trains would be both: the model must keep them apart.
  llvm::StringSet<> frozen;
  for (const onnx::NodeProto &node : graph.node())
    if (node.op_type() == "BatchNormalization")
      for (int i = 3; i < node.input_size(); ++i)
        if (parameters.contains(node.input(i)))
          frozen.insert(node.input(i));
  for (auto [index, node] : llvm::enumerate(graph.node())) {
    ArrayRef<unsigned> constants =
        getConstantInputIndices(node.op_type(), opset);
    for (auto [i, name] : llvm::enumerate(node.input())) {
      bool statistic = node.op_type() == "BatchNormalization" && i >= 3;
      if (statistic || llvm::is_contained(constants, i) ||
          !frozen.contains(name) || node.op_type() == "Identity")
        continue;
      std::string reader = nodeName(node, index);
      return emitError(nodeLoc(reader, index))
             << "node '" << reader << "' (" << node.op_type() << "): input "
             << i << " reads '" << name
             << "', which is also a BatchNormalization statistic (frozen); "
                "a statistic cannot also be trained, give it its own "
                "initializer";
    }
  }
  if (!options.trainFrom.empty()) {
    // Everything before the node is the frozen prefix: a parameter trains
    // only if the node or one after it reads it.
    std::optional<int> start;
    for (auto [index, node] : llvm::enumerate(graph.node()))
      if (nodeName(node, index) == options.trainFrom)
        start = int(index);
    if (!start) {
      SmallVector<std::string> names;
      for (auto [index, node] : llvm::enumerate(graph.node()))
        names.push_back(nodeName(node, index));
      return emitError(fileLoc())
             << "--train-from names '" << options.trainFrom
             << "', which is not a node of the graph (nodes: "
             << llvm::join(names, ", ") << ")";
    }
    llvm::StringSet<> readLater;
    for (int index = *start; index < graph.node_size(); ++index)
      for (const std::string &input : graph.node(index).input())
        readLater.insert(input);
    for (const std::string &name : params)
      if (!readLater.contains(name))
        frozen.insert(name);
  }
  for (const std::string &name : options.frozen) {
    if (!llvm::is_contained(params, name))
      return emitError(fileLoc())
             << "--frozen names '" << name
             << "', which is not a parameter of the model (parameters: "
             << llvm::join(params, ", ") << ")";
    frozen.insert(name);
  }

  // Arguments: parameters first, then the graph inputs (docs/ONNX.md); the
  // flat ABI keeps the parameters in this order (docs/Runtime.md).
  SmallVector<Type> argTypes;
  SmallVector<DictionaryAttr> argAttrs;
  SmallVector<Location> argLocs;
  for (const std::string &name : params) {
    const KnownTensor &tensor = known[name];
    auto type = RankedTensorType::get(tensor.shape, builder.getF32Type());
    auto init = DenseF32ResourceElementsAttr::get(
        type, name,
        HeapAsmResourceBlob::allocateAndCopyInferAlign(
            ArrayRef<float>(tensor.floats)));
    SmallVector<NamedAttribute> paramAttrs{
        builder.getNamedAttr(attrs::kParam, builder.getStringAttr(name)),
        builder.getNamedAttr(attrs::kInit, init)};
    if (frozen.contains(name))
      paramAttrs.push_back(
          builder.getNamedAttr(attrs::kFrozen, builder.getUnitAttr()));
    argTypes.push_back(type);
    argAttrs.push_back(builder.getDictionaryAttr(paramAttrs));
    argLocs.push_back(NameLoc::get(builder.getStringAttr(name), fileLoc()));
  }
  SmallVector<std::string> inputs;
  for (const onnx::ValueInfoProto &info : graph.input()) {
    if (known.count(info.name()))
      continue; // An initializer listed as an input too (older exporters).
    if (llvm::is_contained(inputs, info.name()))
      return emitError(fileLoc())
             << "graph input '" << info.name() << "' is listed twice";
    FailureOr<RankedTensorType> type = inputType(info);
    if (failed(type))
      return failure();
    argTypes.push_back(*type);
    argLocs.push_back(
        NameLoc::get(builder.getStringAttr(info.name()), fileLoc()));
    argAttrs.push_back(builder.getDictionaryAttr(builder.getNamedAttr(
        attrs::kInput, builder.getStringAttr(info.name()))));
    inputs.push_back(info.name());
  }
  if (inputs.empty())
    return emitError(fileLoc()) << "graph has no inputs besides initializers";

  builder.setInsertionPointToEnd(module.getBody());
  auto func = func::FuncOp::create(builder, fileLoc(), "forward",
                                   builder.getFunctionType(argTypes, {}));
  func.setAllArgAttrs(argAttrs);
  // Each argument is located at the name of its parameter or input.
  Block *body = new Block();
  func.getBody().push_back(body);
  body->addArguments(argTypes, argLocs);
  for (auto [i, name] : llvm::enumerate(params))
    values[name] = body->getArgument(i);
  for (auto [i, name] : llvm::enumerate(inputs))
    values[name] = body->getArgument(params.size() + i);

  builder.setInsertionPointToEnd(body);
  for (auto [i, node] : llvm::enumerate(graph.node()))
    if (failed(importNode(node, i)))
      return failure();

  SmallVector<Value> results;
  SmallVector<DictionaryAttr> resultAttrs;
  for (const onnx::ValueInfoProto &info : graph.output()) {
    auto it = values.find(info.name());
    if (it == values.end())
      return emitError(fileLoc())
             << "graph output '" << info.name()
             << "' is not computed as a tensor by any node";
    if (failed(checkOutputType(info, it->second)))
      return failure();
    results.push_back(it->second);
    resultAttrs.push_back(builder.getDictionaryAttr(builder.getNamedAttr(
        attrs::kOutput, builder.getStringAttr(info.name()))));
  }
  if (results.empty())
    return emitError(fileLoc()) << "graph has no outputs";
  func::ReturnOp::create(builder, fileLoc(), results);
  func.setFunctionType(
      builder.getFunctionType(argTypes, ValueRange(results).getTypes()));
  func.setAllResultAttrs(resultAttrs);
  return success();
}

OwningOpRef<ModuleOp>
GraphImporter::importModel(const onnx::ModelProto &model) {
  if (failed(checkOpsets(model)))
    return nullptr;
  if (!model.has_graph())
    return emitError(fileLoc()) << "model has no graph", nullptr;
  const onnx::GraphProto &graph = model.graph();
  for (const onnx::NodeProto &node : graph.node())
    for (const std::string &name : node.input())
      ++uses[name];
  for (const onnx::ValueInfoProto &info : graph.output())
    ++uses[info.name()];
  if (failed(collectInitializers(graph)))
    return nullptr;

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc());
  (*module)->setAttr(attrs::kSource, builder.getStringAttr(fileName));
  (*module)->setAttr(attrs::kOpset, builder.getI64IntegerAttr(opset));
  if (failed(buildForward(graph, *module)))
    return nullptr;
  // The node importers check shapes as they go; this catches what they miss.
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

/// Turns the graph inputs named by `bound` into initializers.
static LogicalResult bindInputs(onnx::ModelProto &model,
                                ArrayRef<std::optional<std::string>> bound,
                                Location loc) {
  onnx::GraphProto *graph = model.mutable_graph();
  llvm::StringSet<> initializers;
  for (const onnx::TensorProto &init : graph->initializer())
    initializers.insert(init.name());
  google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> kept;
  size_t position = 0;
  for (const onnx::ValueInfoProto &input : graph->input()) {
    if (initializers.contains(input.name())) {
      *kept.Add() = input;
      continue;
    }
    size_t i = position++;
    if (i >= bound.size() || !bound[i]) {
      *kept.Add() = input;
      continue;
    }
    onnx::TensorProto *tensor = graph->add_initializer();
    if (!tensor->ParseFromString(*bound[i]))
      return emitError(loc) << "the value bound to graph input '"
                            << input.name() << "' is not a TensorProto";
    tensor->set_name(input.name());
  }
  *graph->mutable_input() = std::move(kept);
  return success();
}

LogicalResult onnx_import::parseModel(StringRef bytes, Location loc,
                                      const ONNXImportOptions &options,
                                      onnx::ModelProto &model) {
  if (bytes.empty())
    return emitError(loc) << "file is empty; expected an ONNX model";
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      !model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return emitError(loc) << "not a valid ONNX model: the protobuf does not "
                             "parse (truncated or not ONNX?), "
                          << bytes.size() << " bytes";
  if (int64_t opset = defaultOpset(model); opset > 0 && opset < kMinOpset) {
    std::string error;
    FailureOr<onnx::ModelProto> converted =
        convertOpset(model, kConvertedOpset, error);
    if (failed(converted))
      return emitError(loc)
             << "opset " << opset << " is older than " << kMinOpset
             << " and ONNX's version converter "
             << "cannot bring it to " << kConvertedOpset << ": " << error;
    model = std::move(*converted);
  }
  if (!options.boundInputs.empty() &&
      failed(bindInputs(model, options.boundInputs, loc)))
    return failure();
  if (options.numClasses &&
      failed(replaceClassifierHead(model, *options.numClasses, loc)))
    return failure();
  return success();
}

OwningOpRef<ModuleOp>
mlir::logbtq::importONNX(StringRef bytes, StringRef fileName,
                         MLIRContext *context,
                         const ONNXImportOptions &options) {
  context->loadDialect<LogBTQDialect, func::FuncDialect, arith::ArithDialect>();
  Location loc = FileLineColLoc::get(context, fileName, 0, 0);
  onnx::ModelProto model;
  if (failed(onnx_import::parseModel(bytes, loc, options, model)))
    return nullptr;
  GraphImporter importer(context, fileName, options);
  return importer.importModel(model);
}

void mlir::logbtq::registerImportONNXTranslation() {
  // Function-local so that only tools that register the translation show
  // these options.
  static llvm::cl::opt<int64_t> batch(
      "batch", llvm::cl::desc("ONNX import: size of a symbolic leading input "
                              "dimension"),
      llvm::cl::init(0));
  static llvm::cl::list<std::string> frozen(
      "frozen",
      llvm::cl::desc("ONNX import: initializers that are not trained"),
      llvm::cl::CommaSeparated);
  static llvm::cl::opt<std::string> trainFrom(
      "train-from",
      llvm::cl::desc("ONNX import: train only the parameters read by this "
                     "node (by name) or later ones; freeze the rest"));
  static llvm::cl::opt<int64_t> numClasses(
      "num-classes",
      llvm::cl::desc("ONNX import: replace the classifier head (the Gemm "
                     "that writes the output) with a new one of N classes"),
      llvm::cl::init(0));
  static TranslateToMLIRRegistration registration(
      "import-onnx", "Import an ONNX model as logbtq graph ops",
      [](llvm::SourceMgr &sourceMgr,
         MLIRContext *context) -> OwningOpRef<Operation *> {
        const llvm::MemoryBuffer *buffer =
            sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        ONNXImportOptions options;
        if (batch.getNumOccurrences()) {
          int64_t n = batch.getValue();
          if (n <= 0) {
            emitError(FileLineColLoc::get(
                context, buffer->getBufferIdentifier(), 0, 0))
                << "--batch must be positive, got " << n;
            return nullptr;
          }
          options.batch = n;
        }
        options.frozen.assign(frozen.begin(), frozen.end());
        options.trainFrom = trainFrom;
        if (numClasses.getNumOccurrences())
          options.numClasses = numClasses.getValue();
        return importONNX(buffer->getBuffer(), buffer->getBufferIdentifier(),
                          context, options);
      },
      [](DialectRegistry &registry) {
        registry.insert<LogBTQDialect, func::FuncDialect,
                        arith::ArithDialect>();
      });
}
