//===- TrainerABI.h - What a compiled model exports to the runtime -*- C++ -*-//
//
// logbtq-compile turns a model into an object file that exports the symbols
// below; the runtime (lib/Runtime) links against them. The signature is the
// same for every model: parameters, optimizer state and data travel as flat
// 1-D buffers, and the model's shapes come from `logbtq_model_info`. This
// keeps the runtime generic and makes a checkpoint a plain copy of buffers.
//
// Every function is an MLIR function with `llvm.emit_c_interface`, so it is
// called through `_mlir_ciface_<name>` with memref descriptors passed by
// pointer and multiple results returned through a struct pointer.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_RUNTIME_TRAINERABI_H
#define LOGBTQ_RUNTIME_TRAINERABI_H

#include <cstdint>

extern "C" {

/// A rank-1 memref descriptor, as MLIR's LLVM lowering lays it out.
struct LogbtqMemRef1D {
  void *allocated;
  void *aligned;
  int64_t offset;
  int64_t sizes[1];
  int64_t strides[1];
};

/// Entries of the `stats` vector the step functions return.
enum LogbtqStat {
  LOGBTQ_STAT_LOSS = 0,     ///< total loss: cross-entropy + barrier terms
  LOGBTQ_STAT_CORRECT = 1,  ///< number of correct predictions in the batch
  LOGBTQ_STAT_CE = 2,       ///< mean softmax cross-entropy
  LOGBTQ_STAT_BARRIER = 3,  ///< lambda * sum of barrier penalties
  LOGBTQ_NUM_STATS = 4
};

struct LogbtqTrainResults {
  LogbtqMemRef1D params;   ///< updated parameters (f32, flat)
  LogbtqMemRef1D momentum; ///< updated momentum (f32, flat)
  LogbtqMemRef1D stats;    ///< LOGBTQ_NUM_STATS f32 values
};

struct LogbtqGradResults {
  LogbtqMemRef1D grads; ///< gradient of the loss for every parameter (flat)
  LogbtqMemRef1D stats; ///< LOGBTQ_NUM_STATS f32 values
};

/// One SGD step on a batch. `x` holds batch * input-size f32 values in the
/// model's input layout, `y` batch int32 labels. Results are new buffers
/// allocated with malloc (the runtime frees the ones they replace).
void _mlir_ciface_logbtq_train_step(LogbtqTrainResults *results,
                                    LogbtqMemRef1D *params,
                                    LogbtqMemRef1D *momentum,
                                    LogbtqMemRef1D *x, LogbtqMemRef1D *y,
                                    float lr, float t);

/// Loss and gradients without an update (the step dump and gradient checks).
void _mlir_ciface_logbtq_grad_step(LogbtqGradResults *results,
                                   LogbtqMemRef1D *params, LogbtqMemRef1D *x,
                                   LogbtqMemRef1D *y, float t);

/// Forward pass only: `stats` with the loss (cross-entropy only) and the
/// number of correct predictions.
void _mlir_ciface_logbtq_eval_step(LogbtqMemRef1D *stats,
                                   LogbtqMemRef1D *params, LogbtqMemRef1D *x,
                                   LogbtqMemRef1D *y);

/// A text description of the model, one record per line:
///   logbtq-model 1
///   batch 64
///   input 1,28,28
///   classes 10
///   quant f32
///   param-count 235146
///   param <name> <dims comma-separated, or scalar> <offset> trainable|frozen
///   barrier <lambda> <bound> <t0> <gamma> <t_max>
///   optimizer sgd <momentum> <weight_decay>
extern const char logbtq_model_info[];

/// The initial values of all parameters, flat, in `param` order.
extern const float logbtq_initial_params[];

} // extern "C"

#endif // LOGBTQ_RUNTIME_TRAINERABI_H
