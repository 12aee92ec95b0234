//===- Main.cpp - main() of a compiled trainer ----------------------------===//
//
// The only file of LogBTQRuntimeMain (liblogbtq_runtime_main.a): binds the
// symbols of the model linked into the program (TrainerABI.h) and runs the
// trainer. Kept apart from LogBTQRuntime so that tests link the runtime
// without a main() and without a model.
//
//===----------------------------------------------------------------------===//

#include "logbtq/Runtime/TrainerABI.h"
#include "logbtq/Runtime/TrainerMain.h"

#include <malloc.h>

// The ONNX export template (ONNXExportTemplate.h): only models compiled
// from ONNX define it.
extern "C" const unsigned char logbtq_onnx_export[] __attribute__((weak));

int main(int argc, char **argv) {
  // A step allocates and frees the same buffers every time. By default
  // glibc maps the large ones afresh and returns them to the kernel on
  // free, so every step paid page faults and zeroing for them; kept in the
  // heap, the next step reuses them (the cnn trains 8% faster).
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  logbtq::runtime::ModelEntryPoints model;
  model.trainStep = _mlir_ciface_logbtq_train_step;
  model.gradStep = _mlir_ciface_logbtq_grad_step;
  model.evalStep = _mlir_ciface_logbtq_eval_step;
  model.info = logbtq_model_info;
  model.initialParams = logbtq_initial_params;
  model.onnxExport = logbtq_onnx_export;
  return logbtq::runtime::trainerMain(argc, argv, model);
}
