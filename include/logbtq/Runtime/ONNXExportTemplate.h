//===- ONNXExportTemplate.h - An ONNX model less its weights ----*- C++ -*-===//
//
// logbtq-compile keeps the ONNX model it compiled, less what training
// changes, in the trainer as `logbtq_onnx_export`; the trainer's
// --export-onnx writes it back with the trained weights (ONNXExport.h). The
// compiler (with libprotobuf) prepares everything structural, so the
// runtime (without it) only appends protobuf fields:
//
//   "LBTQONNX", then five sections, each a little-endian uint32 length and
//   that many bytes:
//   1. the ModelProto without its graph;
//   2. the GraphProto without the parameters' initializers (and the Identity
//      nodes that alias them, PyTorch's deduplication), without the data
//      input, and with every batch norm in inference form (a training-mode
//      export's extra outputs dropped): a protobuf message may be continued
//      by appending fields, which is how the trainer adds the initializers,
//      the input and any normalization nodes;
//   3. the same graph with its nodes reading the data input X as
//      "X_normalized" instead, for a trainer that normalized its data
//      (--normalize): it writes the nodes that compute it from X;
//   4. the data input's ValueInfoProto without its name;
//   5. the data input's name.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_RUNTIME_ONNXEXPORTTEMPLATE_H
#define LOGBTQ_RUNTIME_ONNXEXPORTTEMPLATE_H

inline constexpr char kOnnxTemplateMagic[] = "LBTQONNX";
inline constexpr unsigned kOnnxTemplateMagicSize = 8;
inline constexpr unsigned kOnnxTemplateSections = 5;
inline constexpr char kOnnxNormalizedSuffix[] = "_normalized";
// The symbol `logbtq_onnx_export` holds it in a trainer compiled from ONNX
// (Main.cpp declares it weak: a model from MLIR has none).

#endif // LOGBTQ_RUNTIME_ONNXEXPORTTEMPLATE_H
