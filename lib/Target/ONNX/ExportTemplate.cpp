//===- ExportTemplate.cpp - The ONNX model less its trained weights -------===//
//
// What the trainer's --export-onnx appends its weights to
// (Runtime/ONNXExportTemplate.h has the layout). Built from the same proto
// the importer reads, after --num-classes has replaced the head, so the
// export is the graph that was trained.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"
#include "logbtq/Runtime/ONNXExportTemplate.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Endian.h"

using namespace mlir;
using namespace mlir::logbtq;

namespace {

void appendSection(std::string &out, const std::string &bytes) {
  char length[4];
  llvm::support::endian::write32le(length, uint32_t(bytes.size()));
  out.append(length, 4);
  out += bytes;
}

/// A training-mode BatchNormalization (opset 14+: training_mode = 1, three
/// outputs) as the inference form that reads the running statistics.
void toInferenceForm(onnx::NodeProto &node) {
  auto *attributes = node.mutable_attribute();
  for (int i = attributes->size() - 1; i >= 0; --i)
    if (attributes->Get(i).name() == "training_mode")
      attributes->DeleteSubrange(i, 1);
  while (node.output_size() > 1)
    node.mutable_output()->RemoveLast();
}

} // namespace

FailureOr<std::string>
mlir::logbtq::buildONNXExportTemplate(StringRef bytes, Location loc,
                                      const ONNXImportOptions &options,
                                      ArrayRef<std::string> params) {
  onnx::ModelProto model;
  if (failed(onnx_import::parseModel(bytes, loc, options, model)))
    return failure();
  llvm::StringSet<> trained;
  for (const std::string &name : params)
    trained.insert(name);
  onnx::GraphProto graph = model.graph();
  model.clear_graph();
  model.set_producer_name("logbtq");
  model.set_producer_version("trained");

  auto *initializers = graph.mutable_initializer();
  for (int i = initializers->size() - 1; i >= 0; --i)
    if (trained.contains(initializers->Get(i).name()))
      initializers->DeleteSubrange(i, 1);
  llvm::StringSet<> remaining;
  for (const onnx::TensorProto &t : graph.initializer())
    remaining.insert(t.name());

  auto *nodes = graph.mutable_node();
  for (int i = nodes->size() - 1; i >= 0; --i) {
    onnx::NodeProto &node = *nodes->Mutable(i);
    if (node.op_type() == "Identity" && node.output_size() == 1 &&
        trained.contains(node.output(0)))
      nodes->DeleteSubrange(i, 1);
    else if (node.op_type() == "BatchNormalization")
      toInferenceForm(node);
  }

  // The data input: the one graph input that is neither a parameter nor
  // another initializer (the importer has checked there is one).
  std::optional<onnx::ValueInfoProto> data;
  auto *inputs = graph.mutable_input();
  for (int i = inputs->size() - 1; i >= 0; --i) {
    const std::string &name = inputs->Get(i).name();
    if (trained.contains(name)) {
      inputs->DeleteSubrange(i, 1);
    } else if (!remaining.contains(name)) {
      if (data)
        return emitError(loc) << "the ONNX export needs one data input; the "
                                 "model has '"
                              << data->name() << "' and '" << name << "'";
      data = inputs->Get(i);
      inputs->DeleteSubrange(i, 1);
    }
  }
  if (!data)
    return emitError(loc) << "the ONNX export found no data input";
  std::string dataName = data->name();
  data->clear_name();
  // The same graph reading the data input through a normalization.
  onnx::GraphProto normalized = graph;
  for (onnx::NodeProto &node : *normalized.mutable_node())
    for (std::string &input : *node.mutable_input())
      if (input == dataName)
        input = dataName + kOnnxNormalizedSuffix;

  std::string blob(kOnnxTemplateMagic, kOnnxTemplateMagicSize);
  appendSection(blob, model.SerializeAsString());
  appendSection(blob, graph.SerializeAsString());
  appendSection(blob, normalized.SerializeAsString());
  appendSection(blob, data->SerializeAsString());
  appendSection(blob, dataName);
  return blob;
}
