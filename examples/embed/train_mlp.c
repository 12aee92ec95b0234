/* Trains a compiled model through logbtq's C API with a data loop of its
   own: Fashion-MNIST read with zlib, batches in a shuffled order, an
   evaluation of the test set, a checkpoint, a second trainer restored from
   it, and the trained model exported as ONNX.

     logbtq-compile mlp.onnx --emit=lib -o build/libmodel.a  (writes model.h)
     cc -Ibuild train_mlp.c build/libmodel.a $(LOGBTQ_LINK_FLAGS) -o train_mlp
     ./train_mlp DATA_DIR TRAIN_IMAGES OUT_DIR

   Prints the test accuracy of each trainer; exits 1 on any error. */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* An IDX file of unsigned bytes, gzip-compressed: its data after the
   header, and the first dimension. */
static unsigned char *read_idx(const char *dir, const char *name, int rank,
                               long *count) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  gzFile f = gzopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    return NULL;
  }
  unsigned char header[16];
  long size = 1;
  if (gzread(f, header, 4 + 4 * rank) != 4 + 4 * rank) {
    gzclose(f);
    return NULL;
  }
  for (int i = 0; i < rank; ++i) {
    const unsigned char *d = header + 4 + 4 * i;
    long v = (long)d[0] << 24 | (long)d[1] << 16 | (long)d[2] << 8 | d[3];
    if (i == 0)
      *count = v;
    size *= v;
  }
  unsigned char *data = malloc((size_t)size);
  if (!data || gzread(f, data, (unsigned)size) != size) {
    fprintf(stderr, "short read in %s\n", path);
    free(data);
    data = NULL;
  }
  gzclose(f);
  return data;
}

static void fail(logbtq_trainer *t, const char *what) {
  fprintf(stderr, "%s: %s\n", what, logbtq_trainer_error(t));
  exit(1);
}

/* Samples `order[0..batch)` as floats in [0, 1] and their labels. */
static void gather(const unsigned char *pixels, const unsigned char *labels,
                   const long *order, float *x, int32_t *y) {
  for (long i = 0; i < LOGBTQ_MODEL_BATCH; ++i) {
    const unsigned char *p = pixels + order[i] * LOGBTQ_MODEL_INPUT_SIZE;
    for (long k = 0; k < LOGBTQ_MODEL_INPUT_SIZE; ++k)
      x[i * LOGBTQ_MODEL_INPUT_SIZE + k] = p[k] / 255.0f;
    y[i] = labels[order[i]];
  }
}

/* Test accuracy in percent: full batches, the last one padded with copies
   of its last sample, whose rows are not counted. */
static double accuracy(logbtq_trainer *t, const unsigned char *pixels,
                       const unsigned char *labels, long n, float *x,
                       int32_t *y) {
  static float logits[LOGBTQ_MODEL_BATCH * LOGBTQ_MODEL_CLASSES];
  long order[LOGBTQ_MODEL_BATCH], correct = 0;
  for (long start = 0; start < n; start += LOGBTQ_MODEL_BATCH) {
    long real = n - start < LOGBTQ_MODEL_BATCH ? n - start : LOGBTQ_MODEL_BATCH;
    for (long i = 0; i < LOGBTQ_MODEL_BATCH; ++i)
      order[i] = start + (i < real ? i : real - 1);
    gather(pixels, labels, order, x, y);
    if (logbtq_trainer_eval(t, x, NULL, logits, NULL) != LOGBTQ_OK)
      fail(t, "eval");
    for (long i = 0; i < real; ++i) {
      int best = 0;
      for (int c = 1; c < LOGBTQ_MODEL_CLASSES; ++c)
        if (logits[i * LOGBTQ_MODEL_CLASSES + c] >
            logits[i * LOGBTQ_MODEL_CLASSES + best])
          best = c;
      correct += best == y[i];
    }
  }
  return 100.0 * (double)correct / (double)n;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s DATA_DIR TRAIN_IMAGES OUT_DIR\n", argv[0]);
    return 1;
  }
  const char *dir = argv[1], *out = argv[3];
  long limit = atol(argv[2]), n_train = 0, n_test = 0, n_labels = 0;
  unsigned char *train_x = read_idx(dir, "train-images-idx3-ubyte.gz", 3, &n_train);
  unsigned char *train_y = read_idx(dir, "train-labels-idx1-ubyte.gz", 1, &n_labels);
  unsigned char *test_x = read_idx(dir, "t10k-images-idx3-ubyte.gz", 3, &n_test);
  unsigned char *test_y = read_idx(dir, "t10k-labels-idx1-ubyte.gz", 1, &n_labels);
  if (!train_x || !train_y || !test_x || !test_y)
    return 1;
  if (limit > 0 && limit < n_train)
    n_train = limit;

  logbtq_model_description model;
  logbtq_model_describe(&model);
  printf("model: batch %lld, %lld inputs, %lld classes, %lld parameters, %s\n",
         (long long)model.batch, (long long)model.input_size,
         (long long)model.classes, (long long)model.param_count,
         model.quantized ? "MU8" : "float32");

  logbtq_trainer *t = NULL;
  if (logbtq_trainer_create(NULL, &t) != LOGBTQ_OK)
    fail(t, "create");

  float *x = malloc(sizeof(float) * LOGBTQ_MODEL_BATCH * LOGBTQ_MODEL_INPUT_SIZE);
  int32_t y[LOGBTQ_MODEL_BATCH];
  long *order = malloc(sizeof(long) * (size_t)n_train);
  for (long i = 0; i < n_train; ++i)
    order[i] = i;
  /* A Fisher-Yates shuffle with a small LCG of our own: this program's
     loop, not the trainer's. */
  unsigned long long state = 42;
  for (long i = n_train - 1; i > 0; --i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    long j = (long)((state >> 33) % (unsigned long long)(i + 1));
    long tmp = order[i];
    order[i] = order[j];
    order[j] = tmp;
  }
  logbtq_step_stats stats;
  double loss = 0;
  long steps = n_train / LOGBTQ_MODEL_BATCH;
  for (long s = 0; s < steps; ++s) {
    gather(train_x, train_y, order + s * LOGBTQ_MODEL_BATCH, x, y);
    if (logbtq_trainer_train_step(t, x, y, 0.05f, &stats) != LOGBTQ_OK)
      fail(t, "train_step");
    loss += stats.loss;
  }
  printf("trained: %lld steps, mean loss %.4f, last batch %lld of %d correct, "
         "%lld of %lld activations saturated\n",
         (long long)logbtq_trainer_steps(t), loss / (double)steps,
         (long long)stats.correct, LOGBTQ_MODEL_BATCH,
         (long long)stats.saturated_activations,
         (long long)stats.encoded_activations);
  double first = accuracy(t, test_x, test_y, n_test, x, y);
  printf("test accuracy: %.2f%%\n", first);

  /* A checkpoint, and a second trainer from it: the same accuracy, while
     a third one, fresh, is where the first started. */
  char path[4096];
  snprintf(path, sizeof path, "%s/embed.ck", out);
  if (logbtq_trainer_save(t, path) != LOGBTQ_OK)
    fail(t, "save");
  logbtq_trainer *restored = NULL, *fresh = NULL;
  if (logbtq_trainer_create(path, &restored) != LOGBTQ_OK)
    fail(restored, "create from the checkpoint");
  if (logbtq_trainer_create(NULL, &fresh) != LOGBTQ_OK)
    fail(fresh, "create");
  printf("restored: %.2f%%, steps %lld\n",
         accuracy(restored, test_x, test_y, n_test, x, y),
         (long long)logbtq_trainer_steps(restored));
  printf("fresh: %.2f%%\n", accuracy(fresh, test_x, test_y, n_test, x, y));

  /* The weights as floats: copied into the fresh trainer, they give the
     trained accuracy. */
  float *weights = malloc(sizeof(float) * (size_t)model.param_count);
  logbtq_param p;
  if (logbtq_trainer_get_weights(t, weights) != LOGBTQ_OK ||
      logbtq_trainer_param(t, 0, &p) != LOGBTQ_OK)
    fail(t, "weights");
  printf("param 0: %s, %lld values at %lld\n", p.name, (long long)p.count,
         (long long)p.offset);
  if (logbtq_trainer_set_weights(fresh, weights) != LOGBTQ_OK)
    fail(fresh, "set_weights");
  printf("fresh with the trained weights: %.2f%%\n",
         accuracy(fresh, test_x, test_y, n_test, x, y));

  snprintf(path, sizeof path, "%s/embed.onnx", out);
  if (logbtq_trainer_export_onnx(t, path) != LOGBTQ_OK)
    fail(t, "export_onnx");
  printf("exported: %s\n", path);

  /* Errors come back as a status and a message. */
  if (logbtq_trainer_load(fresh, "/nonexistent/embed.ck") == LOGBTQ_OK)
    return 1;
  printf("error: %s\n", logbtq_trainer_error(fresh));

  logbtq_trainer_destroy(t);
  logbtq_trainer_destroy(restored);
  logbtq_trainer_destroy(fresh);
  free(weights);
  free(order);
  free(x);
  free(train_x);
  free(train_y);
  free(test_x);
  free(test_y);
  return 0;
}
