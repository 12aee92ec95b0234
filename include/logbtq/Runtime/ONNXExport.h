//===- ONNXExport.h - The trained model as ONNX -----------------*- C++ -*-===//
//
// --export-onnx PATH: the ONNX model the trainer was compiled from, with the
// trained parameters (MU8 codes decoded to float32, batch norm running
// statistics included) as float32 initializers, and the trainer's input
// normalization, if any, as Sub and Div nodes in front. Written from the
// template logbtq-compile embeds (ONNXExportTemplate.h) with a few lines of
// protobuf encoding, so the runtime needs no protobuf library.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_RUNTIME_ONNXEXPORT_H
#define LOGBTQ_RUNTIME_ONNXEXPORT_H

#include "logbtq/Runtime/Dataset.h"
#include "logbtq/Runtime/Error.h"
#include "logbtq/Runtime/Model.h"

#include <string>
#include <string_view>

namespace logbtq::runtime {

/// The sections of an export template.
struct OnnxTemplate {
  std::string_view model;
  std::string_view graph;
  std::string_view normalizedGraph;
  std::string_view input;
  std::string_view inputName;
};

/// Splits the template at `blob`; errors if it is not one.
Expected<OnnxTemplate> parseOnnxTemplate(const unsigned char *blob);

/// The serialized ModelProto of `model`'s current parameters.
Expected<std::string> serializeTrainedONNX(const Model &model,
                                           const unsigned char *blob,
                                           const Normalization &norm);

/// Writes it to `path` atomically (a temporary file renamed over it).
Error exportONNX(const std::string &path, const Model &model,
                 const unsigned char *blob, const Normalization &norm);

} // namespace logbtq::runtime

#endif // LOGBTQ_RUNTIME_ONNXEXPORT_H
