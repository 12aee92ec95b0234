//===- ONNXExport.cpp - The trained model as ONNX -------------------------===//
//
// Protobuf's wire format is all this needs: a field is a varint key
// (number << 3 | wire type) and a varint or a length-prefixed payload, and
// fields appended to a message's bytes extend it (repeated fields gain
// elements). ONNX field numbers are from onnx.proto (ONNX 1.12).
//
//===----------------------------------------------------------------------===//

#include "logbtq/Runtime/ONNXExport.h"

#include "logbtq/Runtime/AtomicFile.h"
#include "logbtq/Runtime/ONNXExportTemplate.h"

#include <cstring>

namespace logbtq::runtime {
namespace {

// onnx.proto field numbers.
constexpr int kModelGraph = 7;
constexpr int kGraphNode = 1, kGraphInitializer = 5, kGraphInput = 11;
constexpr int kNodeInput = 1, kNodeOutput = 2, kNodeName = 3, kNodeOpType = 4;
constexpr int kTensorDims = 1, kTensorDataType = 2, kTensorName = 8,
              kTensorRawData = 9;
constexpr int kValueInfoName = 1;
constexpr int kFloat = 1; // TensorProto.DataType.FLOAT

constexpr int kVarint = 0, kLengthDelimited = 2;

/// Appends protobuf fields to a message's bytes.
class Writer {
public:
  void varint(uint64_t v) {
    while (v >= 0x80) {
      bytes.push_back(char(v | 0x80));
      v >>= 7;
    }
    bytes.push_back(char(v));
  }
  void key(int field, int wireType) { varint(uint64_t(field) << 3 | wireType); }
  void integer(int field, int64_t v) {
    key(field, kVarint);
    varint(uint64_t(v));
  }
  void bytesField(int field, std::string_view payload) {
    key(field, kLengthDelimited);
    varint(payload.size());
    bytes.append(payload.data(), payload.size());
  }
  void raw(std::string_view payload) {
    bytes.append(payload.data(), payload.size());
  }
  std::string bytes;
};

/// A float32 TensorProto.
std::string tensor(const std::string &name, const std::vector<int64_t> &dims,
                   const float *values, size_t count) {
  Writer w;
  for (int64_t d : dims)
    w.integer(kTensorDims, d);
  w.integer(kTensorDataType, kFloat);
  w.bytesField(kTensorName, name);
  // raw_data is little-endian, the byte order of every host the runtime
  // is built for.
  w.bytesField(kTensorRawData,
               std::string_view(reinterpret_cast<const char *>(values),
                                count * sizeof(float)));
  return w.bytes;
}

std::string node(const std::string &opType, const std::string &name,
                 std::initializer_list<std::string> inputs,
                 const std::string &output) {
  Writer w;
  for (const std::string &input : inputs)
    w.bytesField(kNodeInput, input);
  w.bytesField(kNodeOutput, output);
  w.bytesField(kNodeName, name);
  w.bytesField(kNodeOpType, opType);
  return w.bytes;
}

uint32_t read32le(const unsigned char *p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 |
         uint32_t(p[3]) << 24;
}

} // namespace

Expected<OnnxTemplate> parseOnnxTemplate(const unsigned char *blob) {
  if (!blob)
    return makeError("--export-onnx: this trainer was not compiled from an "
                     "ONNX model (an MLIR input has no ONNX graph to export)");
  if (std::memcmp(blob, kOnnxTemplateMagic, kOnnxTemplateMagicSize) != 0)
    return makeError("--export-onnx: the model's export template is "
                     "malformed (no LBTQONNX magic)");
  std::string_view sections[kOnnxTemplateSections];
  const unsigned char *p = blob + kOnnxTemplateMagicSize;
  for (std::string_view &section : sections) {
    uint32_t n = read32le(p);
    section = std::string_view(reinterpret_cast<const char *>(p + 4), n);
    p += 4 + n;
  }
  return OnnxTemplate{sections[0], sections[1], sections[2], sections[3],
                      sections[4]};
}

Expected<std::string> serializeTrainedONNX(const Model &model,
                                           const unsigned char *blob,
                                           const Normalization &norm) {
  Expected<OnnxTemplate> parts = parseOnnxTemplate(blob);
  if (!parts)
    return parts.error();
  const ModelInfo &info = model.info();
  std::string input(parts->inputName);

  Writer graph;
  if (!norm.empty()) {
    // (x - mean[c]) / std[c] as the trainer computes it, in float32, with
    // constants that broadcast over N x C x H x W (or any other input).
    std::vector<int64_t> dims = {1};
    if (info.input.size() == 3)
      dims = {int64_t(norm.mean.size()), 1, 1};
    graph.bytesField(kGraphNode,
                     node("Sub", input + "/normalize/Sub",
                          {input, input + "_mean"}, input + "_centered"));
    graph.bytesField(kGraphNode, node("Div", input + "/normalize/Div",
                                      {input + "_centered", input + "_std"},
                                      input + kOnnxNormalizedSuffix));
    graph.bytesField(
        kGraphInitializer,
        tensor(input + "_mean", dims, norm.mean.data(), norm.mean.size()));
    graph.bytesField(
        kGraphInitializer,
        tensor(input + "_std", dims, norm.std.data(), norm.std.size()));
  }
  // The data input first, as it was (repeated fields keep their order).
  Writer valueInfo;
  valueInfo.bytesField(kValueInfoName, input);
  valueInfo.raw(parts->input);
  graph.bytesField(kGraphInput, valueInfo.bytes);
  graph.raw(norm.empty() ? parts->graph : parts->normalizedGraph);

  std::vector<float> values = model.paramValues();
  for (const ParamInfo &p : info.params)
    graph.bytesField(kGraphInitializer,
                     tensor(p.name, p.shape, values.data() + p.offset,
                            size_t(p.numElements())));

  Writer out;
  out.raw(parts->model);
  out.bytesField(kModelGraph, graph.bytes);
  return std::move(out.bytes);
}

Error exportONNX(const std::string &path, const Model &model,
                 const unsigned char *blob, const Normalization &norm) {
  Expected<std::string> bytes = serializeTrainedONNX(model, blob, norm);
  if (!bytes)
    return bytes.error();
  return writeFileAtomically("--export-onnx", path, bytes->data(),
                             bytes->size());
}

} // namespace logbtq::runtime
