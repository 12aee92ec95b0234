//===- ImportONNX.cpp - ONNX protobuf to logbtq graph ops -----------------===//
//
// The model level of the importer: opsets, graph inputs, initializers (the
// parameters) and outputs. Node importers live in ImportOps.cpp.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

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

Location GraphImporter::fileLoc() const {
  return FileLineColLoc::get(context, fileName, 0, 0);
}

/// `loc("node_name"("model.onnx":N:0))`, N being the node's 1-based position
/// in the graph: ONNX files have no lines, and a name alone may be empty.
Location GraphImporter::nodeLoc(const onnx::NodeProto &node, int index) const {
  std::string name = node.name().empty()
                         ? node.op_type() + "#" + std::to_string(index)
                         : node.name();
  return NameLoc::get(StringAttr::get(context, name),
                      FileLineColLoc::get(context, fileName, index + 1, 0));
}

LogicalResult GraphImporter::checkOpsets(const onnx::ModelProto &model) {
  for (const onnx::OperatorSetIdProto &set : model.opset_import()) {
    if (!set.domain().empty() && set.domain() != "ai.onnx")
      continue;
    opset = set.version();
  }
  if (opset == 0)
    return emitError(fileLoc())
           << "model imports no default-domain (ai.onnx) opset";
  if (opset < kMinOpset || opset > kMaxOpset)
    return emitError(fileLoc())
           << "opset " << opset << " is not supported (supported: "
           << kMinOpset << " to " << kMaxOpset
           << "); convert the model with onnx.version_converter";
  return success();
}

LogicalResult GraphImporter::collectInitializers(const onnx::GraphProto &graph) {
  for (const onnx::TensorProto &init : graph.initializer()) {
    FailureOr<KnownTensor> tensor = decodeTensor(init, fileLoc());
    if (failed(tensor))
      return failure();
    known[init.name()] = std::move(*tensor);
  }
  return success();
}

std::vector<std::string>
GraphImporter::findParameters(const onnx::GraphProto &graph) {
  llvm::StringSet<> readAsTensor;
  for (const onnx::NodeProto &node : graph.node()) {
    ArrayRef<unsigned> constants =
        getConstantInputIndices(node.op_type(), opset);
    for (auto [i, name] : llvm::enumerate(node.input()))
      if (!llvm::is_contained(constants, i))
        readAsTensor.insert(name);
  }
  std::vector<std::string> params;
  for (const onnx::TensorProto &init : graph.initializer())
    if (known[init.name()].isFloat && readAsTensor.contains(init.name()))
      params.push_back(init.name());
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
  return RankedTensorType::get(shape, builder.getF32Type());
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        int index) {
  Location loc = nodeLoc(node, index);
  const llvm::StringMap<NodeImportFn> &importers = getNodeImporters();
  auto it = importers.find(node.op_type());
  bool defaultDomain = node.domain().empty() || node.domain() == "ai.onnx";
  if (!defaultDomain || it == importers.end()) {
    SmallVector<StringRef> supported;
    for (const auto &entry : importers)
      supported.push_back(entry.getKey());
    llvm::sort(supported);
    InFlightDiagnostic diag = emitError(loc) << "unsupported ONNX op '";
    if (!defaultDomain)
      diag << node.domain() << ".";
    diag << node.op_type() << "' (node '" << node.name() << "', opset "
         << opset << "); supported ops: " << llvm::join(supported, ", ");
    return failure();
  }
  NodeContext ctx(*this, node, loc);
  return it->second(ctx);
}

LogicalResult GraphImporter::buildForward(const onnx::GraphProto &graph,
                                          ModuleOp module) {
  std::vector<std::string> params = findParameters(graph);

  // BatchNormalization statistics are parameters that never train.
  llvm::StringSet<> frozen;
  for (const onnx::NodeProto &node : graph.node())
    if (node.op_type() == "BatchNormalization")
      for (int i = 3; i < node.input_size(); ++i)
        frozen.insert(node.input(i));
  for (const std::string &name : options.frozen) {
    if (!llvm::is_contained(params, name))
      return emitError(fileLoc())
             << "--frozen names '" << name
             << "', which is not a parameter of the model (parameters: "
             << llvm::join(params, ", ") << ")";
    frozen.insert(name);
  }

  // Arguments: parameters first, then the graph inputs (DESIGN.md's ABI).
  SmallVector<Type> argTypes;
  SmallVector<DictionaryAttr> argAttrs;
  for (const std::string &name : params) {
    const KnownTensor &tensor = known[name];
    auto type = RankedTensorType::get(tensor.shape, builder.getF32Type());
    auto init = DenseF32ResourceElementsAttr::get(
        type, name,
        HeapAsmResourceBlob::allocateAndCopyInferAlign(
            ArrayRef<float>(tensor.floats)));
    SmallVector<NamedAttribute> attrs{
        builder.getNamedAttr("logbtq.param", builder.getStringAttr(name)),
        builder.getNamedAttr("logbtq.init", init)};
    if (frozen.contains(name))
      attrs.push_back(
          builder.getNamedAttr("logbtq.frozen", builder.getUnitAttr()));
    argTypes.push_back(type);
    argAttrs.push_back(builder.getDictionaryAttr(attrs));
  }
  SmallVector<std::string> inputs;
  for (const onnx::ValueInfoProto &info : graph.input()) {
    if (known.count(info.name()))
      continue; // An initializer listed as an input too (older exporters).
    FailureOr<RankedTensorType> type = inputType(info);
    if (failed(type))
      return failure();
    argTypes.push_back(*type);
    argAttrs.push_back(builder.getDictionaryAttr(builder.getNamedAttr(
        "logbtq.input", builder.getStringAttr(info.name()))));
    inputs.push_back(info.name());
  }
  if (inputs.empty())
    return emitError(fileLoc()) << "graph has no inputs besides initializers";

  builder.setInsertionPointToEnd(module.getBody());
  auto func = func::FuncOp::create(builder, fileLoc(), "forward",
                                   builder.getFunctionType(argTypes, {}));
  func.setAllArgAttrs(argAttrs);
  Block *body = func.addEntryBlock();
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
    results.push_back(it->second);
    resultAttrs.push_back(builder.getDictionaryAttr(builder.getNamedAttr(
        "logbtq.output", builder.getStringAttr(info.name()))));
  }
  if (results.empty())
    return emitError(fileLoc()) << "graph has no outputs";
  func::ReturnOp::create(builder, fileLoc(), results);
  func.setFunctionType(
      builder.getFunctionType(argTypes, ValueRange(results).getTypes()));
  func.setAllResultAttrs(resultAttrs);
  return success();
}

OwningOpRef<ModuleOp> GraphImporter::importModel(const onnx::ModelProto &model) {
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
  (*module)->setAttr("logbtq.source", builder.getStringAttr(fileName));
  (*module)->setAttr("logbtq.opset", builder.getI64IntegerAttr(opset));
  if (failed(buildForward(graph, *module)))
    return nullptr;
  // The node importers check shapes as they go; this catches what they miss.
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

OwningOpRef<ModuleOp>
mlir::logbtq::importONNX(StringRef bytes, StringRef fileName,
                         MLIRContext *context,
                         const ONNXImportOptions &options) {
  context->loadDialect<LogBTQDialect, func::FuncDialect, arith::ArithDialect>();
  Location loc = FileLineColLoc::get(context, fileName, 0, 0);
  if (bytes.empty())
    return emitError(loc) << "file is empty; expected an ONNX model", nullptr;
  onnx::ModelProto model;
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      !model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return emitError(loc) << "not a valid ONNX model: the protobuf does not "
                             "parse (truncated or not ONNX?), "
                          << bytes.size() << " bytes",
           nullptr;
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
  static TranslateToMLIRRegistration registration(
      "import-onnx", "Import an ONNX model as logbtq graph ops",
      [](llvm::SourceMgr &sourceMgr,
         MLIRContext *context) -> OwningOpRef<Operation *> {
        const llvm::MemoryBuffer *buffer =
            sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        ONNXImportOptions options;
        if (batch > 0)
          options.batch = batch;
        options.frozen.assign(frozen.begin(), frozen.end());
        return importONNX(buffer->getBuffer(), buffer->getBufferIdentifier(),
                          context, options);
      },
      [](DialectRegistry &registry) {
        registry.insert<LogBTQDialect, func::FuncDialect,
                        arith::ArithDialect>();
      });
}
