//===- ModelInfoTest.cpp - Parsing logbtq_model_info ----------------------===//

#include "logbtq/Runtime/ModelInfo.h"

#include "gtest/gtest.h"

using namespace logbtq::runtime;

namespace {

const char *kGood = "logbtq-model 3\n"
                    "batch 64\n"
                    "input 1,28,28\n"
                    "classes 10\n"
                    "quant mu8 -2\n"
                    "param-count 203540\n"
                    "param fc1.weight 784,256 0 trainable\n"
                    "param fc1.bias 256 200704 trainable\n"
                    "param fc2.weight 256,10 200960 trainable\n"
                    "param fc2.bias 10 203520 trainable\n"
                    "param mask 10 203530 frozen\n"
                    "barrier 0.3 1 5 1.1 100\n"
                    "optimizer sgd 0.9 0.0005\n";

/// The error message of parsing `text` ("" if it parses).
std::string errorOf(const std::string &text) {
  Expected<ModelInfo> info = parseModelInfo(text);
  return info ? "" : info.error().message();
}

/// kGood with line `line` (1-based) replaced by `replacement`.
std::string withLine(int line, const std::string &replacement) {
  std::string text = kGood;
  size_t start = 0;
  for (int i = 1; i < line; ++i)
    start = text.find('\n', start) + 1;
  size_t end = text.find('\n', start);
  return text.substr(0, start) + replacement + text.substr(end);
}

TEST(ModelInfo, ParameterRangeExponents) {
  // An MU8 parameter may carry its own range; the others use the weight's.
  Expected<ModelInfo> info =
      parseModelInfo(withLine(11, "param mask 10 203530 frozen 3"));
  ASSERT_TRUE(info) << info.error().message();
  EXPECT_EQ(info->params[4].exponent, 3);
  EXPECT_FALSE(info->params[0].exponent.has_value());
}

TEST(ModelInfo, StatisticRecords) {
  // A batch norm's running statistic: not trainable, counted apart.
  Expected<ModelInfo> info =
      parseModelInfo(withLine(11, "param mask 10 203530 statistic 1"));
  ASSERT_TRUE(info) << info.error().message();
  EXPECT_FALSE(info->params[4].trainable);
  EXPECT_TRUE(info->params[4].statistic);
  EXPECT_EQ(info->params[4].exponent, 1);
  EXPECT_FALSE(info->params[0].statistic);
  EXPECT_EQ(info->statisticCount(), 1);
  EXPECT_EQ(parseModelInfo(kGood)->statisticCount(), 0);
}

TEST(ModelInfo, ParsesEveryRecord) {
  Expected<ModelInfo> info = parseModelInfo(kGood);
  ASSERT_TRUE(info) << info.error().message();
  EXPECT_EQ(info->version, 2);
  EXPECT_EQ(info->batch, 64);
  EXPECT_EQ(info->input, (std::vector<int64_t>{1, 28, 28}));
  EXPECT_EQ(info->inputSize(), 784);
  EXPECT_EQ(info->classes, 10);
  EXPECT_EQ(info->quant, QuantKind::MU8);
  EXPECT_EQ(info->weightExponent, -2);
  EXPECT_EQ(info->elementSize(), 1u);
  EXPECT_EQ(info->quantString(), "mu8 -2");
  EXPECT_EQ(info->paramCount, 203540);
  ASSERT_EQ(info->params.size(), 5u);
  EXPECT_EQ(info->params[0].name, "fc1.weight");
  EXPECT_EQ(info->params[0].shape, (std::vector<int64_t>{784, 256}));
  EXPECT_EQ(info->params[0].numElements(), 200704);
  EXPECT_EQ(info->params[2].offset, 200960);
  EXPECT_TRUE(info->params[3].trainable);
  EXPECT_FALSE(info->params[4].trainable);
  EXPECT_EQ(info->trainableCount(), 203530);
  EXPECT_DOUBLE_EQ(info->barrier.lambda, 0.3);
  EXPECT_DOUBLE_EQ(info->barrier.bound, 1);
  EXPECT_DOUBLE_EQ(info->barrier.t0, 5);
  EXPECT_DOUBLE_EQ(info->barrier.gamma, 1.1);
  EXPECT_DOUBLE_EQ(info->barrier.tMax, 100);
  EXPECT_EQ(info->optimizer.name, "sgd");
  EXPECT_DOUBLE_EQ(info->optimizer.momentum, 0.9);
  EXPECT_DOUBLE_EQ(info->optimizer.weightDecay, 0.0005);
  EXPECT_EQ(formatShape(info->input), "1,28,28");
}

TEST(ModelInfo, AcceptsCommentsBlankLinesCRLFAndNoFinalNewline) {
  std::string text = "\n# produced by logbtq-compile\n";
  for (char c : std::string(kGood)) {
    if (c == '\n')
      text += "  \r\n";
    else
      text += c;
  }
  text.resize(text.size() - 2); // no final newline
  Expected<ModelInfo> info = parseModelInfo(text);
  ASSERT_TRUE(info) << info.error().message();
  EXPECT_EQ(info->optimizer.weightDecay, 0.0005);
  EXPECT_EQ(info->params.size(), 5u);
}

TEST(ModelInfo, ErrorsNameTheLine) {
  struct Case {
    int line;
    const char *replacement;
    const char *message;
  };
  const Case cases[] = {
      {1, "logbtq-model 2",
       "model info line 1: unsupported model info version '2' (this runtime "
       "reads 'logbtq-model 3'; rebuild the model with a matching "
       "logbtq-compile)"},
      {1, "model 2", "model info line 1: expected 'logbtq-model 3'"},
      {2, "batch 0",
       "model info line 2: batch must be a positive integer, "
       "got '0'"},
      {2, "batch 64x", "model info line 2: batch must be a positive integer"},
      {2, "batch",
       "model info line 2: 'batch' takes 1 value (batch <N>), "
       "got 0"},
      {3, "input 1,,28",
       "model info line 3: input shape has a bad dimension "
       "'' in '1,,28'"},
      {3, "input 1,-28,28", "line 3: input shape has a bad dimension '-28'"},
      {4, "classes 1", "model info line 4: classes must be between 2"},
      {5, "quant",
       "model info line 5: quant must be 'f32' or 'mu8 <weight "
       "exponent>', got ''"},
      {5, "quant int8",
       "model info line 5: quant must be 'f32' or 'mu8 "
       "<weight exponent>', got 'int8'"},
      {5, "quant mu8",
       "model info line 5: 'quant' takes 2 values (quant mu8 <weight "
       "exponent>), got 1"},
      {5, "quant mu8 x",
       "model info line 5: quant mu8 weight exponent must be an integer in "
       "[-32, 32], got 'x'"},
      {5, "quant mu8 33",
       "weight exponent must be an integer in [-32, 32], "
       "got '33'"},
      {5, "quant f32 0",
       "model info line 5: 'quant' takes 1 value (quant f32), got 2"},
      {5, "shape 1,2", "model info line 5: unknown record 'shape'"},
      {6, "batch 32",
       "model info line 6: duplicate 'batch' record (first on "
       "line 2)"},
      {7, "param fc1.weight 784,256 0",
       "model info line 7: 'param' takes 4 "
       "values"},
      {7, "param fc1.weight 784,256 0 trained",
       "model info line 7: parameter 'fc1.weight' must be 'trainable', "
       "'frozen' or 'statistic', got 'trained'"},
      {7, "param fc1.weight 784,256 0 trainable 40",
       "model info line 7: parameter 'fc1.weight' range exponent must be an "
       "integer in [-32, 32], got '40'"},
      {7, "param fc1.weight 784,256 0 trainable 1 2",
       "model info line 7: 'param' takes 4 values"},
      {7, "param fc1.weight 784,256 -1 trainable",
       "line 7: parameter 'fc1.weight' offset must be a non-negative integer"},
      {8, "param fc1.weight 256 200704 trainable",
       "model info line 8: duplicate parameter name 'fc1.weight'"},
      {12, "barrier 0.3 1 5 1.1",
       "model info line 12: 'barrier' takes 5 "
       "values"},
      {12, "barrier 0.3 1 five 1.1 100",
       "model info line 12: barrier t0 must be a finite number, got 'five'"},
      {12, "barrier 0.3 1 5 1.1 inf",
       "line 12: barrier t_max must be a "
       "finite number"},
      {12, "barrier 0.3 0 5 1.1 100",
       "line 12: barrier bound, t0, gamma and "
       "t_max must be > 0"},
      {12, "barrier -1 1 5 1.1 100", "line 12: barrier lambda must be >= 0"},
      {13, "optimizer sgd 1 0",
       "line 13: optimizer momentum must be in [0, "
       "1)"},
  };
  for (const Case &c : cases) {
    std::string error = errorOf(withLine(c.line, c.replacement));
    EXPECT_NE(error.find(c.message), std::string::npos)
        << "line " << c.line << " '" << c.replacement << "' gave: " << error;
  }
}

TEST(ModelInfo, ClipGradNormRecord) {
  // Optional: without it there is no clipping.
  Expected<ModelInfo> plain = parseModelInfo(kGood);
  ASSERT_TRUE(plain) << plain.error().message();
  EXPECT_EQ(plain->optimizer.clipGradNorm, 0);
  Expected<ModelInfo> clipped =
      parseModelInfo(std::string(kGood) + "clip-grad-norm 2.5\n");
  ASSERT_TRUE(clipped) << clipped.error().message();
  EXPECT_EQ(clipped->optimizer.clipGradNorm, 2.5);
  EXPECT_EQ(errorOf(std::string(kGood) + "clip-grad-norm 0\n"),
            "model info line 14: clip-grad-norm must be > 0, got 0");
  EXPECT_EQ(errorOf(std::string(kGood) + "clip-grad-norm\n"),
            "model info line 14: 'clip-grad-norm' takes 1 value "
            "(clip-grad-norm <max_norm>), got 0");
  EXPECT_NE(errorOf(std::string(kGood) +
                    "clip-grad-norm 1\nclip-grad-norm 2\n")
                .find("duplicate 'clip-grad-norm' record (first on line 14)"),
            std::string::npos);
}

TEST(ModelInfo, WeightDecayAllRecord) {
  EXPECT_FALSE(parseModelInfo(kGood)->optimizer.decayAll);
  Expected<ModelInfo> all =
      parseModelInfo(std::string(kGood) + "weight-decay-all\n");
  ASSERT_TRUE(all) << all.error().message();
  EXPECT_TRUE(all->optimizer.decayAll);
  EXPECT_EQ(errorOf(std::string(kGood) + "weight-decay-all yes\n"),
            "model info line 14: 'weight-decay-all' takes 0 values "
            "(weight-decay-all), got 1");
}

TEST(ModelInfo, LossRecord) {
  EXPECT_EQ(parseModelInfo(kGood)->loss, "softmax-cross-entropy");
  Expected<ModelInfo> mse = parseModelInfo(std::string(kGood) + "loss mse\n");
  ASSERT_TRUE(mse) << mse.error().message();
  EXPECT_EQ(mse->loss, "mse");
  EXPECT_EQ(errorOf(std::string(kGood) + "loss hinge\n"),
            "model info line 14: unknown loss 'hinge' (this runtime knows "
            "softmax-cross-entropy, mse, l1, bce-with-logits)");
}

TEST(ModelInfo, AdamRecords) {
  Expected<ModelInfo> adamw =
      parseModelInfo(withLine(13, "optimizer adamw 0.8 0.99 1e-06 0.05"));
  ASSERT_TRUE(adamw) << adamw.error().message();
  const OptimizerInfo &o = adamw->optimizer;
  EXPECT_EQ(o.name, "adamw");
  EXPECT_EQ(o.beta1, 0.8);
  EXPECT_EQ(o.beta2, 0.99);
  EXPECT_EQ(o.eps, 1e-6);
  EXPECT_EQ(o.weightDecay, 0.05);
  EXPECT_EQ(o.slots(), 2);
  EXPECT_EQ(parseModelInfo(kGood)->optimizer.slots(), 1);
  EXPECT_EQ(errorOf(withLine(13, "optimizer adam 0.9 0.999 1e-8")),
            "model info line 13: 'optimizer' takes 5 values (optimizer "
            "adam|adamw <beta1> <beta2> <eps> <weight_decay>), got 4");
  EXPECT_EQ(errorOf(withLine(13, "optimizer adam 0.9 1 1e-8 0")),
            "model info line 13: optimizer beta1 and beta2 must be in [0, 1)");
  EXPECT_EQ(errorOf(withLine(13, "optimizer adamw 0.9 0.999 0 0")),
            "model info line 13: optimizer eps must be > 0, got 0");
  EXPECT_EQ(errorOf(withLine(13, "optimizer lamb 0.9 0")),
            "model info line 13: unknown optimizer 'lamb' (this runtime "
            "knows sgd, adam, adamw)");
}

TEST(ModelInfo, QuantF32) {
  Expected<ModelInfo> info = parseModelInfo(withLine(5, "quant f32"));
  ASSERT_TRUE(info) << info.error().message();
  EXPECT_EQ(info->quant, QuantKind::F32);
  EXPECT_EQ(info->weightExponent, 0);
  EXPECT_EQ(info->elementSize(), 4u);
  EXPECT_EQ(info->quantString(), "f32");
  EXPECT_EQ(errorOf(withLine(5, "quant mu8 32")), "");
  EXPECT_EQ(errorOf(withLine(5, "quant mu8 -32")), "");
}

TEST(ModelInfo, ChecksCompletenessAndLayout) {
  EXPECT_EQ(errorOf(""), "model info: empty (expected 'logbtq-model 3' first)");
  EXPECT_EQ(errorOf(withLine(5, "# no quant")),
            "model info: missing 'quant' record");
  EXPECT_EQ(errorOf(withLine(4, "# no classes")),
            "model info: missing 'classes' record");
  EXPECT_EQ(errorOf(withLine(13, "")),
            "model info: missing 'optimizer' record");
  EXPECT_EQ(errorOf("logbtq-model 3\nbatch 1\ninput 4\nclasses 2\n"
                    "quant f32\nparam-count 4\nbarrier 0 1 1 1 1\n"
                    "optimizer sgd 0 0\n"),
            "model info: no 'param' records");
  EXPECT_EQ(errorOf(withLine(11, "param mask 11 203530 frozen")),
            "model info: parameter 'mask' (offset 203530, 11 elements) ends "
            "past param-count 203540");
  EXPECT_EQ(errorOf(withLine(8, "param fc1.bias 256 200700 trainable")),
            "model info: parameters 'fc1.weight' and 'fc1.bias' overlap");
}

} // namespace
