//===- Checkpoint.cpp - Fuzz target: checkpoints --------------------------===//
//
// loadCheckpoint into the tests' fake model (MU8 and float32): a file that
// loads must leave a model that trains a step and saves again.

#include "FuzzInput.h"
#include "FakeModel.h"
#include "logbtq/Runtime/Checkpoint.h"

using namespace logbtq::runtime;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  logbtq::fuzz::MemoryFile file(data, size);
  if (!file.ok())
    return 0;
  for (const ModelEntryPoints &entry :
       {logbtq::fake::entryPoints(), logbtq::fake::mu8EntryPoints()}) {
    Expected<std::unique_ptr<Model>> model = Model::create(entry);
    if (!model)
      continue;
    Expected<RunState> state = loadCheckpoint(file.path(), **model);
    if (!state)
      continue;
    (void)(*model)->paramValues();
    (void)(*model)->trainStep(0.01f, 1.0f, state->step);
  }
  return 0;
}
