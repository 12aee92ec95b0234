//===- OptionsTest.cpp - One declaration of every training option ---------===//
//
// Options.def declares each option once for the pipeline and logbtq-compile;
// the pass that implements it declares it again in ODS, because that is how
// a pass gets options. These tests keep the two the same: the flag, the
// default, and that a value set on the pipeline reaches the pass.
//
//===----------------------------------------------------------------------===//

#include "logbtq/Dialect/LogBTQ/Transforms/Passes.h"
#include "logbtq/Pipelines/Pipelines.h"

#include "mlir/Pass/PassManager.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace mlir;
using namespace mlir::logbtq;

namespace {

/// The textual form of the passes the training pipeline builds, e.g.
/// "logbtq-quantize{activation-range=0 ...}".
std::string pipelineText(const TrainingPipelineOptions &options) {
  MLIRContext context;
  PassManager pm(&context);
  buildTrainingPipeline(pm, options);
  std::string text;
  llvm::raw_string_ostream os(text);
  pm.printAsTextualPipeline(os);
  return text;
}

/// "flag=value" as the pass prints it, inside the braces of `pass`.
std::string passOptionsText(const std::string &pipeline,
                            const std::string &pass) {
  size_t at = pipeline.find(pass + "{");
  if (at == std::string::npos)
    return "";
  size_t begin = at + pass.size() + 1, end = begin;
  // Up to the brace that closes the pass's (list values nest braces).
  for (int depth = 1; end < pipeline.size(); ++end) {
    depth += pipeline[end] == '{' ? 1 : pipeline[end] == '}' ? -1 : 0;
    if (depth == 0)
      break;
  }
  return " " + pipeline.substr(begin, end - begin) + " ";
}

struct Declared {
  std::string pass, flag;
};

/// Every option of Options.def with the pass it belongs to.
std::vector<Declared> declaredOptions() {
  std::vector<Declared> all;
  auto passName = [](StringRef pass) -> std::string {
    if (pass == "InsertBarriers")
      return "logbtq-insert-barriers";
    if (pass == "BuildTraining")
      return "logbtq-build-training";
    if (pass == "Quantize")
      return "logbtq-quantize";
    if (pass == "FlattenABI")
      return "logbtq-flatten-abi";
    return "unknown pass " + pass.str();
  };
#define LOGBTQ_OPTION(PASS, TYPE, FIELD, FLAG, ...)                            \
  all.push_back({passName(#PASS), FLAG});
#define LOGBTQ_ENUM_OPTION(PASS, TYPE, FIELD, FLAG, ...)                       \
  all.push_back({passName(#PASS), FLAG});
#define LOGBTQ_LIST_OPTION(PASS, TYPE, FIELD, FLAG, ...)                       \
  all.push_back({passName(#PASS), FLAG});
#include "logbtq/Pipelines/Options.def"
  return all;
}

TEST(OptionsTest, EveryOptionReachesItsPassUnderTheSameFlag) {
  TrainingPipelineOptions options;
  std::string pipeline = pipelineText(options);
  for (const Declared &option : declaredOptions()) {
    std::string passOptions = passOptionsText(pipeline, option.pass);
    ASSERT_FALSE(passOptions.empty())
        << option.pass << " is not in the pipeline: " << pipeline;
    // List options print only when set.
    if (option.flag == "barrier-targets")
      continue;
    EXPECT_NE(passOptions.find(" " + option.flag + "="), std::string::npos)
        << "--" << option.flag << " is not an option of " << option.pass
        << ": {" << passOptions << "}";
  }
}

TEST(OptionsTest, PassDefaultsAreThePipelineDefaults) {
  TrainingPipelineOptions pipeline;
#define LOGBTQ_OPTION(PASS, TYPE, FIELD, ...)                                  \
  EXPECT_EQ(LogBTQ##PASS##Options().FIELD, TYPE(pipeline.FIELD)) << #FIELD;
#define LOGBTQ_ENUM_OPTION(PASS, TYPE, FIELD, ...)                             \
  EXPECT_TRUE(LogBTQ##PASS##Options().FIELD == TYPE(pipeline.FIELD)) << #FIELD;
#define LOGBTQ_LIST_OPTION(PASS, TYPE, FIELD, ...)                             \
  EXPECT_TRUE(LogBTQ##PASS##Options().FIELD.empty() && pipeline.FIELD.empty()) \
      << #FIELD;
#include "logbtq/Pipelines/Options.def"
}

TEST(OptionsTest, ValuesSetOnThePipelineReachThePasses) {
  TrainingPipelineOptions options;
  options.barrierLambda = 0.5;
  options.barrierTargets = std::vector<std::string>{"weights", "inputs"};
  options.momentum = 0.25;
  options.quant = NumberFormat::F32;
  options.dynamicRanges = true;
  options.outputRange = 7;
  options.barrierTMax = 64;
  std::string pipeline = pipelineText(options);
  // Values as the passes print them (doubles in %e form, lists in braces).
  auto has = [&](const std::string &pass, const std::string &text) {
    return passOptionsText(pipeline, pass).find(" " + text + " ") !=
           std::string::npos;
  };
  EXPECT_TRUE(has("logbtq-insert-barriers", "barrier-lambda=5.000000e-01")) << pipeline;
  EXPECT_TRUE(has("logbtq-insert-barriers", "barrier-targets={weights,inputs}"))
      << pipeline;
  EXPECT_TRUE(has("logbtq-build-training", "momentum=2.500000e-01")) << pipeline;
  EXPECT_TRUE(has("logbtq-quantize", "quant=f32")) << pipeline;
  EXPECT_TRUE(has("logbtq-quantize", "dynamic-ranges=true")) << pipeline;
  EXPECT_TRUE(has("logbtq-quantize", "output-range=7")) << pipeline;
  EXPECT_TRUE(has("logbtq-flatten-abi", "barrier-t-max=6.400000e+01")) << pipeline;
}

TEST(OptionsTest, EnumeratedValuesAreParsedByName) {
  TrainingPipelineOptions options;
  EXPECT_TRUE(succeeded(options.parseFromString("quant=f32")));
  EXPECT_TRUE(options.quant == NumberFormat::F32);
  // A value outside the list is refused, not stored.
  EXPECT_TRUE(failed(options.parseFromString("quant=int4")));
  EXPECT_TRUE(failed(options.parseFromString("optimizer=lamb")));
  EXPECT_TRUE(succeeded(options.parseFromString("optimizer=adamw")));
  EXPECT_TRUE(options.optimizer == OptimizerKind::AdamW);
}

} // namespace
