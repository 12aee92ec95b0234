/* Two trainers in one program: the second starts from the first's
   checkpoint and both take the same five steps on the same batch, so their
   weights must end equal (MU8 stochastic rounding is keyed by the step
   number, which the checkpoint carries). A bad label is an error with a
   message, not a crash. Usage: two_trainers OUT_DIR */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check(int status, logbtq_trainer *t, const char *what) {
  if (status != LOGBTQ_OK) {
    fprintf(stderr, "%s: %s\n", what, logbtq_trainer_error(t));
    exit(1);
  }
}

int main(int argc, char **argv) {
  if (argc != 2)
    return 1;
  static float x[LOGBTQ_MODEL_BATCH * LOGBTQ_MODEL_INPUT_SIZE];
  int32_t y[LOGBTQ_MODEL_BATCH];
  for (int i = 0; i < LOGBTQ_MODEL_BATCH * LOGBTQ_MODEL_INPUT_SIZE; ++i)
    x[i] = (float)((i * 7919) % 256) / 255.0f;
  for (int i = 0; i < LOGBTQ_MODEL_BATCH; ++i)
    y[i] = i % LOGBTQ_MODEL_CLASSES;

  logbtq_trainer *a = NULL, *b = NULL;
  check(logbtq_trainer_create(NULL, &a), a, "create a");
  check(logbtq_trainer_train_step(a, x, y, 0.05f, NULL), a, "step a");
  char path[4096];
  snprintf(path, sizeof path, "%s/two.ck", argv[1]);
  check(logbtq_trainer_save(a, path), a, "save");
  check(logbtq_trainer_create(path, &b), b, "create b");
  for (int s = 0; s < 5; ++s) {
    check(logbtq_trainer_train_step(a, x, y, 0.05f, NULL), a, "step a");
    check(logbtq_trainer_train_step(b, x, y, 0.05f, NULL), b, "step b");
  }
  static float wa[LOGBTQ_MODEL_PARAM_COUNT], wb[LOGBTQ_MODEL_PARAM_COUNT];
  check(logbtq_trainer_get_weights(a, wa), a, "weights a");
  check(logbtq_trainer_get_weights(b, wb), b, "weights b");
  printf("weights equal after 5 steps each: %s\n",
         memcmp(wa, wb, sizeof wa) == 0 ? "yes" : "no");
  /* ... and not because the steps did nothing: a fresh trainer differs. */
  logbtq_trainer *c = NULL;
  check(logbtq_trainer_create(NULL, &c), c, "create c");
  check(logbtq_trainer_get_weights(c, wb), c, "weights c");
  printf("a fresh trainer's weights differ: %s\n",
         memcmp(wa, wb, sizeof wa) != 0 ? "yes" : "no");
  logbtq_trainer_destroy(c);

  y[0] = LOGBTQ_MODEL_CLASSES;
  if (logbtq_trainer_train_step(a, x, y, 0.05f, NULL) != LOGBTQ_ERROR)
    return 1;
  printf("bad label: %s\n", logbtq_trainer_error(a));
  logbtq_trainer_destroy(a);
  logbtq_trainer_destroy(b);
  return 0;
}
