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

int main(int argc, char **argv) {
  logbtq::runtime::ModelEntryPoints model;
  model.trainStep = _mlir_ciface_logbtq_train_step;
  model.gradStep = _mlir_ciface_logbtq_grad_step;
  model.evalStep = _mlir_ciface_logbtq_eval_step;
  model.info = logbtq_model_info;
  model.initialParams = logbtq_initial_params;
  return logbtq::runtime::trainerMain(argc, argv, model);
}
