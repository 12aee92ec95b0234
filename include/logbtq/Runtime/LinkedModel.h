//===- LinkedModel.h - The model linked into this program -------*- C++ -*-===//
//
// The entry points of the compiled model a program links (TrainerABI.h),
// for the two archives that bind them: the trainer's main() and the C API
// of a model library. The runtime proper never names the model's symbols,
// so its tests link it with a fake model instead.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_RUNTIME_LINKEDMODEL_H
#define LOGBTQ_RUNTIME_LINKEDMODEL_H

#include "logbtq/Runtime/Model.h"
#include "logbtq/Runtime/TrainerABI.h"

// The ONNX export template (ONNXExportTemplate.h): only models compiled
// from ONNX define it.
extern "C" const unsigned char logbtq_onnx_export[] __attribute__((weak));
// The data-parallel steps: only models compiled with --ranks define them.
#pragma weak _mlir_ciface_logbtq_local_step
#pragma weak _mlir_ciface_logbtq_apply_step

namespace logbtq::runtime {

inline ModelEntryPoints linkedModel() {
  ModelEntryPoints model;
  model.trainStep = _mlir_ciface_logbtq_train_step;
  model.gradStep = _mlir_ciface_logbtq_grad_step;
  model.evalStep = _mlir_ciface_logbtq_eval_step;
  model.localStep = _mlir_ciface_logbtq_local_step;
  model.applyStep = _mlir_ciface_logbtq_apply_step;
  model.info = logbtq_model_info;
  model.initialParams = logbtq_initial_params;
  model.onnxExport = logbtq_onnx_export;
  return model;
}

} // namespace logbtq::runtime

#endif // LOGBTQ_RUNTIME_LINKEDMODEL_H
