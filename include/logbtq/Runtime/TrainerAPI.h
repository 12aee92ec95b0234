/*===- TrainerAPI.h - Training a compiled model from C ----------*- C -*-===//
//
// `logbtq-compile MODEL --emit=lib -o libmodel.a` gives a static library of
// the model and the runtime with this C API; `model.h`, written next to it,
// is this header with the model's sizes as macros. The program owns the data
// loop: it fills a batch of floats and labels, calls
// logbtq_trainer_train_step, and evaluates, saves and exports when it likes.
//
// Every call that can fail returns LOGBTQ_OK (0) or LOGBTQ_ERROR, and
// logbtq_trainer_error() then says why (file, byte, reason). A trainer holds
// all of its state; two trainers in one program train independently (one
// compiled model per program: its symbols have fixed names). A trainer is
// not safe to call from two threads at once.
//
// Link: cc prog.c libmodel.a -lstdc++ -lz -lm and LLVM's OpenMP runtime
// (LOGBTQ_LINK_FLAGS in model.h says where it is).
//
//===----------------------------------------------------------------------===*/

#ifndef LOGBTQ_RUNTIME_TRAINERAPI_H
#define LOGBTQ_RUNTIME_TRAINERAPI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LOGBTQ_OK 0
#define LOGBTQ_ERROR 2

typedef struct logbtq_trainer logbtq_trainer;

/* The compiled model's shape. */
typedef struct logbtq_model_description {
  int64_t batch;       /* samples per step */
  int64_t input_size;  /* floats per sample, in the model's input layout */
  int64_t classes;     /* logits per sample; labels are 0 .. classes - 1 */
  int64_t param_count; /* floats of all parameters (get/set_weights) */
  int64_t param_records; /* parameters (logbtq_trainer_param) */
  int quantized;       /* 1: weights and state are MU8 codes; 0: float32 */
} logbtq_model_description;

/* One parameter of the flat weight array. */
typedef struct logbtq_param {
  const char *name; /* the ONNX initializer's name; valid with the trainer */
  int64_t offset;   /* first element in the flat array */
  int64_t count;    /* elements */
  int trainable;    /* 0: frozen, or a batch norm running statistic */
} logbtq_param;

/* What a step measured. Counters are for the batch (0 for a float32
   model); the eval step fills loss (cross-entropy) and correct only. */
typedef struct logbtq_step_stats {
  double loss;      /* data loss + barrier terms (eval: the data loss) */
  double data_loss; /* cross-entropy, or the model's other loss */
  double barrier;   /* lambda * barrier penalties */
  int64_t correct;  /* correct predictions in the batch */
  /* MU8 encodes beyond the range, and encodes, by tensor kind. */
  int64_t saturated_weights, saturated_activations, saturated_gradients,
      saturated_momentum;
  int64_t encoded_weights, encoded_activations, encoded_gradients,
      encoded_momentum;
  int64_t accumulator_overflows, accumulator_outputs;
} logbtq_step_stats;

/* The model's shape (no trainer needed). */
void logbtq_model_describe(logbtq_model_description *out);

/* A new trainer at the model's initial weights, or at a checkpoint's state
   (`checkpoint` non-NULL: a file of logbtq_trainer_save or the trainer
   executable's --save). *out is set unless memory runs out (then NULL);
   on LOGBTQ_ERROR it holds the message: destroy it after reading it. */
int logbtq_trainer_create(const char *checkpoint, logbtq_trainer **out);
void logbtq_trainer_destroy(logbtq_trainer *trainer);

/* The message of the last call that failed ("" if none). */
const char *logbtq_trainer_error(const logbtq_trainer *trainer);

/* One optimizer step on batch * input_size floats `x` and batch labels.
   `stats` may be NULL. */
int logbtq_trainer_train_step(logbtq_trainer *trainer, const float *x,
                              const int32_t *labels, float lr,
                              logbtq_step_stats *stats);

/* The forward pass on a full batch: batch * classes `logits` (may be NULL)
   and, with `labels` (may be NULL), the loss and correct count in `stats`
   (may be NULL). A shorter batch: pad it, and read the rows you gave. */
int logbtq_trainer_eval(logbtq_trainer *trainer, const float *x,
                        const int32_t *labels, float *logits,
                        logbtq_step_stats *stats);

/* The barrier's t follows the model's schedule by epoch (0-based; the
   trainer executable's t of that epoch): call it when an epoch starts. */
int logbtq_trainer_set_epoch(logbtq_trainer *trainer, int64_t epoch);

/* Train steps done (the next step's number, which keys MU8's stochastic
   rounding with the seed). */
int64_t logbtq_trainer_steps(const logbtq_trainer *trainer);

/* Parameter `index` (0 .. param_records - 1). */
int logbtq_trainer_param(const logbtq_trainer *trainer, int64_t index,
                         logbtq_param *out);

/* The weights as param_count floats (MU8 codes decoded). */
int logbtq_trainer_get_weights(const logbtq_trainer *trainer, float *out);

/* Replaces the weights (MU8: each value encoded to nearest at its
   parameter's range, saturating); optimizer state is kept. */
int logbtq_trainer_set_weights(logbtq_trainer *trainer, const float *values);

/* Checkpoints: the trainer executable's format (--save / --resume). */
int logbtq_trainer_save(const logbtq_trainer *trainer, const char *path);
int logbtq_trainer_load(logbtq_trainer *trainer, const char *path);

/* The trained model as ONNX (the trainer executable's --export-onnx,
   without normalization). */
int logbtq_trainer_export_onnx(const logbtq_trainer *trainer,
                               const char *path);

#ifdef __cplusplus
}
#endif

#endif /* LOGBTQ_RUNTIME_TRAINERAPI_H */
