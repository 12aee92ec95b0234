//===- ONNXImport.cpp - Fuzz target: the ONNX importer --------------------===//
//
// importONNX on the bytes, with --batch 2 as logbtq-compile would give, and
// the export template of what imports. Every failure must be a diagnostic:
// they are swallowed here, and anything else (a crash, a sanitizer report,
// a verifier failure the importer let through) is a finding.

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"
#include "logbtq/Target/ONNX/ImportONNX.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

using namespace mlir;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // A context per input: MLIR's uniquing would otherwise keep every type
  // and attribute any input created.
  MLIRContext context(MLIRContext::Threading::DISABLED);
  ScopedDiagnosticHandler quiet(&context, [](Diagnostic &) { return success(); });
  logbtq::ONNXImportOptions options;
  options.batch = 2;
  StringRef bytes(reinterpret_cast<const char *>(data), size);
  OwningOpRef<ModuleOp> module =
      logbtq::importONNX(bytes, "fuzz.onnx", &context, options);
  if (!module)
    return 0;
  if (failed(verify(*module)))
    __builtin_trap(); // the importer returned invalid IR
  (void)logbtq::buildONNXExportTemplate(bytes, UnknownLoc::get(&context),
                                        options, {});
  return 0;
}

#ifdef LOGBTQ_LIBFUZZER
//===----------------------------------------------------------------------===//
// A structure-aware mutator: most mutations parse the input as a
// ModelProto and change one thing a byte flip rarely reaches intact (an
// attribute's value, an op type, a dimension, an edge, a node, the opset),
// so the importer's node handlers see well-formed protobufs with unusual
// contents. A quarter of the time, and for inputs that do not parse,
// libFuzzer's own byte mutations run instead.
//===----------------------------------------------------------------------===//

#include "onnx/onnx_pb.h"

#include <cstring>
#include <random>

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

namespace {

const char *const kOps[] = {"Relu",    "Gemm",       "Conv",     "MaxPool",
                            "Add",     "Mul",        "Reshape",  "Flatten",
                            "Softmax", "Transpose",  "Concat",   "AveragePool",
                            "Sub",     "MatMul",     "Identity", "Pad",
                            "Slice",   "BatchNormalization", "Dropout",
                            "GlobalAveragePool"};

int64_t tweak(std::minstd_rand &rng, int64_t v) {
  switch (rng() % 6) {
  case 0:
    return 0;
  case 1:
    return -v;
  case 2:
    return v + 1;
  case 3:
    return v - 1;
  case 4:
    return int64_t(1) << (rng() % 63);
  default:
    return int64_t(rng() % 7) - 2;
  }
}

void mutateGraph(onnx::ModelProto &model, std::minstd_rand &rng) {
  onnx::GraphProto &g = *model.mutable_graph();
  int nodes = g.node_size();
  switch (rng() % 7) {
  case 0: // an attribute's value
    if (nodes) {
      onnx::NodeProto &n = *g.mutable_node(int(rng() % nodes));
      if (n.attribute_size()) {
        onnx::AttributeProto &a = *n.mutable_attribute(int(rng() % n.attribute_size()));
        if (a.ints_size())
          a.set_ints(int(rng() % a.ints_size()), tweak(rng, a.ints(0)));
        else
          a.set_i(tweak(rng, a.i()));
        if (rng() % 4 == 0)
          a.set_f(float(tweak(rng, int64_t(a.f()))));
      }
    }
    break;
  case 1: // an op type
    if (nodes)
      g.mutable_node(int(rng() % nodes))
          ->set_op_type(kOps[rng() % (sizeof kOps / sizeof *kOps)]);
    break;
  case 2: { // a dimension of an input, output or initializer
    std::vector<onnx::TensorShapeProto *> shapes;
    for (auto &v : *g.mutable_input())
      shapes.push_back(v.mutable_type()->mutable_tensor_type()->mutable_shape());
    for (auto &v : *g.mutable_output())
      shapes.push_back(v.mutable_type()->mutable_tensor_type()->mutable_shape());
    if (g.initializer_size() && rng() % 2) {
      onnx::TensorProto &t = *g.mutable_initializer(int(rng() % g.initializer_size()));
      if (t.dims_size())
        t.set_dims(int(rng() % t.dims_size()), tweak(rng, t.dims(0)));
    } else if (!shapes.empty()) {
      onnx::TensorShapeProto &s = *shapes[rng() % shapes.size()];
      if (s.dim_size())
        s.mutable_dim(int(rng() % s.dim_size()))->set_dim_value(tweak(rng, 3));
    }
    break;
  }
  case 3: // an edge: a node reads another value
    if (nodes > 1) {
      onnx::NodeProto &n = *g.mutable_node(int(rng() % nodes));
      const onnx::NodeProto &m = g.node(int(rng() % nodes));
      if (n.input_size() && m.output_size())
        n.set_input(int(rng() % n.input_size()), m.output(0));
    }
    break;
  case 4: // drop a node
    if (nodes)
      g.mutable_node()->DeleteSubrange(int(rng() % nodes), 1);
    break;
  case 5: // repeat a node
    if (nodes)
      *g.add_node() = g.node(int(rng() % nodes));
    break;
  default: // the opset
    if (model.opset_import_size())
      model.mutable_opset_import(0)->set_version(int64_t(rng() % 20));
    break;
  }
}

} // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size,
                                          size_t maxSize, unsigned seed) {
  std::minstd_rand rng(seed);
  onnx::ModelProto model;
  if (rng() % 4 == 0 || !model.ParseFromArray(data, int(size)) ||
      !model.has_graph())
    return LLVMFuzzerMutate(data, size, maxSize);
  mutateGraph(model, rng);
  std::string bytes = model.SerializeAsString();
  if (bytes.size() > maxSize)
    return LLVMFuzzerMutate(data, size, maxSize);
  std::memcpy(data, bytes.data(), bytes.size());
  return bytes.size();
}
#endif // LOGBTQ_LIBFUZZER
