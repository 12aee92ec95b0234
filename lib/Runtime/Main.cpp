//===- Main.cpp - main() of a compiled trainer ----------------------------===//
//
// The only file of LogBTQRuntimeMain (liblogbtq_runtime_main.a): binds the
// symbols of the model linked into the program (TrainerABI.h) and runs the
// trainer. Kept apart from LogBTQRuntime so that tests link the runtime
// without a main() and without a model.
//
//===----------------------------------------------------------------------===//

#include "logbtq/Runtime/LinkedModel.h"
#include "logbtq/Runtime/TrainerMain.h"

#include <malloc.h>

int main(int argc, char **argv) {
  // A step allocates and frees the same buffers every time. By default
  // glibc maps the large ones afresh and returns them to the kernel on
  // free, so every step paid page faults and zeroing for them; kept in the
  // heap, the next step reuses them (the cnn trains 8% faster).
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  return logbtq::runtime::trainerMain(argc, argv,
                                      logbtq::runtime::linkedModel());
}
