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

/// Entries of the `stats` vector the train and grad steps return
/// (LOGBTQ_NUM_STATS f32 values). Counts are exact integers stored as f32
/// (a batch never encodes 2^24 values of one kind). A float32 model returns
/// zeros for every counter.
enum LogbtqStat {
  LOGBTQ_STAT_LOSS = 0,     ///< total loss: cross-entropy + barrier terms
  LOGBTQ_STAT_CORRECT = 1,  ///< number of correct predictions in the batch
  LOGBTQ_STAT_CE = 2,       ///< mean softmax cross-entropy
  LOGBTQ_STAT_BARRIER = 3,  ///< lambda * sum of barrier penalties
  // Encodes that saturated (|x| beyond the range), per tensor kind.
  LOGBTQ_STAT_SAT_WEIGHTS = 4,
  LOGBTQ_STAT_SAT_ACTIVATIONS = 5, ///< activations and inputs
  LOGBTQ_STAT_SAT_GRADIENTS = 6,   ///< activation and weight gradients
  LOGBTQ_STAT_SAT_MOMENTUM = 7,
  LOGBTQ_STAT_ACC_OVERFLOW = 8, ///< int32 accumulators that overflowed
  // How many values of each kind were encoded (the rates' denominators).
  LOGBTQ_STAT_ENC_WEIGHTS = 9,
  LOGBTQ_STAT_ENC_ACTIVATIONS = 10,
  LOGBTQ_STAT_ENC_GRADIENTS = 11,
  LOGBTQ_STAT_ENC_MOMENTUM = 12,
  LOGBTQ_STAT_ACC_OUTPUTS = 13, ///< int32 accumulators computed
  LOGBTQ_STAT_ZERO_ACTIVATIONS = 14, ///< activation codes exactly 0
  LOGBTQ_STAT_RESERVED = 15,
  LOGBTQ_NUM_STATS = 16
};

/// The results of a train step. `params` and `momentum` have the element
/// type of the model's `quant` record: f32, or int8 MU8 codes.
struct LogbtqTrainResults {
  LogbtqMemRef1D params;   ///< updated parameters (flat)
  /// Updated optimizer state: K slots of param-count elements, slot after
  /// slot (SGD: the momentum, K = 1; Adam: first moments, then square roots
  /// of the second, K = 2).
  LogbtqMemRef1D momentum;
  /// Updated range exponents (int32): K per param, then one per statistic.
  LogbtqMemRef1D ranges;
  LogbtqMemRef1D stats;    ///< LOGBTQ_NUM_STATS f32 values
};

struct LogbtqGradResults {
  LogbtqMemRef1D grads; ///< f32 gradient of the loss for every parameter
  LogbtqMemRef1D stats; ///< LOGBTQ_NUM_STATS f32 values
};

/// The results of a local step (models compiled with --ranks).
struct LogbtqLocalResults {
  /// param-count gradient values laid out like the parameters: int8 MU8
  /// codes (quant mu8) or f32.
  LogbtqMemRef1D grads;
  /// One int32 range exponent per `param` record: that parameter's
  /// gradient codes are at range 2^e (zeros for f32).
  LogbtqMemRef1D exponents;
  LogbtqMemRef1D stats; ///< LOGBTQ_NUM_STATS f32 values
};

/// The results of an eval step.
struct LogbtqEvalResults {
  LogbtqMemRef1D logits; ///< batch * classes f32 values, sample after sample
  LogbtqMemRef1D stats;  ///< the loss (cross-entropy) and the correct count
};

/// One optimizer step on a batch. `x` holds batch * input-size f32 values in
/// the model's input layout, `y` batch int32 labels. `ranges` holds one
/// int32 per `param` record and state slot: the power-of-two range exponent
/// of that state tensor, then one per `statistic` parameter, in `param`
/// order: the range of its codes (MU8 models; a float32 model returns
/// zeros). `step`
/// numbers the step from 0 over the whole run: with the seed it keys the
/// stochastic rounding of the update, and Adam's bias correction reads it,
/// so a resumed run repeats it exactly.
/// Results are new buffers allocated with malloc (the runtime frees the
/// ones they replace), or an argument handed back.
void _mlir_ciface_logbtq_train_step(LogbtqTrainResults *results,
                                    LogbtqMemRef1D *params,
                                    LogbtqMemRef1D *momentum,
                                    LogbtqMemRef1D *ranges, LogbtqMemRef1D *x,
                                    LogbtqMemRef1D *y, float lr, float t,
                                    int64_t step);

/// Loss and f32 gradients without an update (the step dump and gradient
/// checks). `ranges` as the train step takes it (only the statistics' are
/// read).
void _mlir_ciface_logbtq_grad_step(LogbtqGradResults *results,
                                   LogbtqMemRef1D *params,
                                   LogbtqMemRef1D *ranges, LogbtqMemRef1D *x,
                                   LogbtqMemRef1D *y, float t);

/// Data-parallel training (a model compiled with --ranks N; its batch is a
/// rank's share): the loss and gradients of this rank's samples, as the
/// train step would store them, without an update. `ranges` as for the
/// grad step.
void _mlir_ciface_logbtq_local_step(LogbtqLocalResults *results,
                                    LogbtqMemRef1D *params,
                                    LogbtqMemRef1D *ranges, LogbtqMemRef1D *x,
                                    LogbtqMemRef1D *y, float t);

/// The train step's update from gradients computed elsewhere: `grads`
/// holds param-count f32 values (the mean of the ranks' local gradients).
/// Arguments and results otherwise as the train step's; the stats hold
/// the weight and momentum counters only.
void _mlir_ciface_logbtq_apply_step(LogbtqTrainResults *results,
                                    LogbtqMemRef1D *params,
                                    LogbtqMemRef1D *momentum,
                                    LogbtqMemRef1D *ranges,
                                    LogbtqMemRef1D *grads, float lr,
                                    int64_t step);

/// Forward pass only: the logits, and `stats` with the loss (cross-entropy
/// only) and the number of correct predictions. `ranges` as for the grad
/// step.
void _mlir_ciface_logbtq_eval_step(LogbtqEvalResults *results,
                                   LogbtqMemRef1D *params,
                                   LogbtqMemRef1D *ranges, LogbtqMemRef1D *x,
                                   LogbtqMemRef1D *y);

/// A text description of the model, one record per line:
///   logbtq-model 3
///   batch 64
///   input 1,28,28
///   classes 10
///   quant f32 | quant mu8 <weight range exponent>
///   param-count 235146
///   ranks <N>   (only with --ranks: the model has the local and apply
///               steps, and `batch` is one rank's share of a step)
///   param <name> <dims comma-separated, or scalar> <offset>
///     trainable|frozen|statistic [<range exponent> (quant mu8)]
///     (a statistic is a batch norm's running mean or variance: frozen, but
///     the train step updates it; in MU8 its range is the one in `ranges`,
///     the record's is the initial one)
///   barrier <lambda> <bound> <t0> <gamma> <t_max>
///   optimizer sgd <momentum> <weight_decay>
///     | optimizer adam|adamw <beta1> <beta2> <eps> <weight_decay>
/// and, only when they apply:
///   loss <one of kLogbtqLossNames but the first>
///   weight-decay-all
///   clip-grad-norm <max_norm>
extern const char logbtq_model_info[];

/// The initial values of all parameters, flat, in `param` order: f32
/// values, or (quant mu8) int8 MU8 codes at the weight range. It is declared
/// as bytes; the `quant` record says how to read them.
extern const unsigned char logbtq_initial_params[];

} // extern "C"

/// The `loss` record's names, in the order of the compiler's LossKind (the
/// --loss flag's spellings); softmax cross-entropy has no record. Global and
/// prefixed like the rest of this header: a `logbtq` namespace here would
/// collide with `mlir::logbtq` in the compiler's sources.
inline constexpr const char *kLogbtqLossNames[] = {
    "softmax-cross-entropy", "mse", "l1", "bce-with-logits"};

#endif // LOGBTQ_RUNTIME_TRAINERABI_H
