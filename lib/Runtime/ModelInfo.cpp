//===- ModelInfo.cpp - The description a compiled model exports -----------===//

#include "logbtq/Runtime/ModelInfo.h"

#include "logbtq/Numerics/MU8.h"
#include "logbtq/Runtime/TrainerABI.h"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>

namespace logbtq::runtime {
namespace {

/// Largest element count of one tensor the runtime accepts (2^40): far above
/// any real model, low enough that products of checked factors never overflow.
constexpr int64_t kMaxElements = int64_t(1) << 40;

std::vector<std::string_view> splitWords(std::string_view line) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
      ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t')
      ++i;
    if (i > start)
      words.push_back(line.substr(start, i - start));
  }
  return words;
}

/// Parses all of `s` as a decimal integer into `value`.
bool parseInt(std::string_view s, int64_t &value) {
  value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  return ec == std::errc() && end == s.data() + s.size();
}

/// Parses all of `s` as a finite number into `value`.
bool parseDouble(std::string_view s, double &value) {
  value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  return ec == std::errc() && end == s.data() + s.size() &&
         std::isfinite(value);
}

/// Parses the records of one text, keeping the line number for messages.
class Parser {
public:
  Expected<ModelInfo> parse(std::string_view text);

private:
  template <typename... Parts>
  Error fail(const Parts &...parts) {
    return makeError("model info line ", lineNo, ": ", parts...);
  }

  Error parseRecord(std::string_view key,
                    const std::vector<std::string_view> &args);
  Error expectArgs(std::string_view key,
                   const std::vector<std::string_view> &args, size_t n,
                   const char *usage);
  Error positiveInt(std::string_view what, std::string_view s, int64_t &out);
  Error number(std::string_view what, std::string_view s, double &out);
  /// number() for each (what, destination) in turn, reading args[0], ...
  Error numbers(const std::vector<std::string_view> &args,
                std::initializer_list<std::pair<const char *, double *>> fields);
  Error shape(std::string_view what, std::string_view s,
              std::vector<int64_t> &out);

  ModelInfo info;
  int lineNo = 0;
  /// Line of each single record seen so far (to report duplicates).
  std::map<std::string, int, std::less<>> seen;
};

Error Parser::expectArgs(std::string_view key,
                         const std::vector<std::string_view> &args, size_t n,
                         const char *usage) {
  if (args.size() != n)
    return fail("'", key, "' takes ", n, n == 1 ? " value" : " values", " (",
                usage, "), got ", args.size());
  return Error::success();
}

Error Parser::positiveInt(std::string_view what, std::string_view s,
                          int64_t &out) {
  int64_t v = 0;
  if (!parseInt(s, v) || v <= 0 || v > kMaxElements)
    return fail(what, " must be a positive integer, got '", s, "'");
  out = v;
  return Error::success();
}

Error Parser::number(std::string_view what, std::string_view s, double &out) {
  double v = 0;
  if (!parseDouble(s, v))
    return fail(what, " must be a finite number, got '", s, "'");
  out = v;
  return Error::success();
}

Error Parser::numbers(
    const std::vector<std::string_view> &args,
    std::initializer_list<std::pair<const char *, double *>> fields) {
  size_t i = 0;
  for (auto [what, out] : fields)
    if (Error e = number(what, args[i++], *out))
      return e;
  return Error::success();
}

Error Parser::shape(std::string_view what, std::string_view s,
                    std::vector<int64_t> &out) {
  out.clear();
  // A rank-0 tensor (one element, no dimensions).
  if (s == "scalar")
    return Error::success();
  int64_t product = 1;
  size_t start = 0;
  while (true) {
    size_t comma = s.find(',', start);
    std::string_view dim = s.substr(start, comma - start);
    int64_t v = 0;
    if (!parseInt(dim, v) || v <= 0)
      return fail(what, " has a bad dimension '", dim, "' in '", s,
                  "' (expected positive integers separated by commas)");
    if (v > kMaxElements / product)
      return fail(what, " '", s, "' has more than 2^40 elements");
    product *= v;
    out.push_back(v);
    if (comma == std::string_view::npos)
      break;
    start = comma + 1;
  }
  return Error::success();
}

Error Parser::parseRecord(std::string_view key,
                          const std::vector<std::string_view> &args) {
  if (key != "param") {
    auto [it, inserted] = seen.emplace(std::string(key), lineNo);
    if (!inserted)
      return fail("duplicate '", key, "' record (first on line ", it->second,
                  ")");
  }

  if (key == "batch") {
    if (Error e = expectArgs(key, args, 1, "batch <N>"))
      return e;
    return positiveInt("batch", args[0], info.batch);
  }
  if (key == "input") {
    if (Error e = expectArgs(key, args, 1, "input <dims comma-separated>"))
      return e;
    return shape("input shape", args[0], info.input);
  }
  if (key == "classes") {
    if (Error e = expectArgs(key, args, 1, "classes <N>"))
      return e;
    if (Error e = positiveInt("classes", args[0], info.classes))
      return e;
    if (info.classes < 2 || info.classes > (int64_t(1) << 31))
      return fail("classes must be between 2 and 2^31, got ", info.classes);
    return Error::success();
  }
  if (key == "quant") {
    // The kind decides the element type of parameters and momentum, so an
    // unknown one cannot be skipped.
    if (!args.empty() && args[0] == "f32") {
      if (Error e = expectArgs(key, args, 1, "quant f32"))
        return e;
      info.quant = QuantKind::F32;
      info.weightExponent = 0;
      return Error::success();
    }
    if (!args.empty() && args[0] == "mu8") {
      if (Error e = expectArgs(key, args, 2, "quant mu8 <weight exponent>"))
        return e;
      int64_t e = 0;
      if (!parseInt(args[1], e) || e < mu8::kMinExponent ||
          e > mu8::kMaxExponent)
        return fail("quant mu8 weight exponent must be an integer in [",
                    mu8::kMinExponent, ", ", mu8::kMaxExponent, "], got '",
                    args[1], "'");
      info.quant = QuantKind::MU8;
      info.weightExponent = int(e);
      return Error::success();
    }
    return fail("quant must be 'f32' or 'mu8 <weight exponent>', got '",
                args.empty() ? std::string_view() : args[0], "'");
  }
  if (key == "param-count") {
    if (Error e = expectArgs(key, args, 1, "param-count <N>"))
      return e;
    return positiveInt("param-count", args[0], info.paramCount);
  }
  if (key == "ranks") {
    if (Error e = expectArgs(key, args, 1, "ranks <N>"))
      return e;
    return positiveInt("ranks", args[0], info.ranks);
  }
  if (key == "param") {
    // MU8 models add the parameter's range exponent.
    const char *usage = "param <name> <dims comma-separated> <offset> "
                        "trainable|frozen|statistic [<range exponent>]";
    if (args.size() != 5)
      if (Error e = expectArgs(key, args, 4, usage))
        return e;
    ParamInfo p;
    if (args.size() == 5) {
      int64_t e = 0;
      if (!parseInt(args[4], e) || e < mu8::kMinExponent ||
          e > mu8::kMaxExponent)
        return fail("parameter '", args[0],
                    "' range exponent must be an integer in [",
                    mu8::kMinExponent, ", ", mu8::kMaxExponent, "], got '",
                    args[4], "'");
      p.exponent = int(e);
    }
    p.name = std::string(args[0]);
    std::string what = "parameter '" + p.name + "'";
    if (Error e = shape(what + " shape", args[1], p.shape))
      return e;
    int64_t offset = 0;
    if (!parseInt(args[2], offset) || offset < 0 || offset > kMaxElements)
      return fail(what, " offset must be a non-negative integer, got '",
                  args[2], "'");
    p.offset = offset;
    if (args[3] == "trainable") {
      p.trainable = true;
    } else if (args[3] == "frozen" || args[3] == "statistic") {
      p.trainable = false;
      p.statistic = args[3] == "statistic";
    } else {
      return fail(what, " must be 'trainable', 'frozen' or 'statistic', got '",
                  args[3], "'");
    }
    for (const ParamInfo &other : info.params)
      if (other.name == p.name)
        return fail("duplicate parameter name '", p.name, "'");
    info.params.push_back(std::move(p));
    return Error::success();
  }
  if (key == "barrier") {
    if (Error e = expectArgs(key, args, 5,
                             "barrier <lambda> <bound> <t0> <gamma> <t_max>"))
      return e;
    BarrierInfo &b = info.barrier;
    if (Error e = numbers(args, {{"barrier lambda", &b.lambda},
                                 {"barrier bound", &b.bound},
                                 {"barrier t0", &b.t0},
                                 {"barrier gamma", &b.gamma},
                                 {"barrier t_max", &b.tMax}}))
      return e;
    if (b.lambda < 0)
      return fail("barrier lambda must be >= 0, got ", args[0]);
    if (b.bound <= 0 || b.t0 <= 0 || b.gamma <= 0 || b.tMax <= 0)
      return fail("barrier bound, t0, gamma and t_max must be > 0");
    return Error::success();
  }
  if (key == "optimizer") {
    OptimizerInfo &o = info.optimizer;
    bool adam = !args.empty() && (args[0] == "adam" || args[0] == "adamw");
    if (!adam) {
      if (Error e = expectArgs(key, args, 3,
                               "optimizer sgd <momentum> <weight_decay>"))
        return e;
      if (args[0] != "sgd")
        return fail("unknown optimizer '", args[0],
                    "' (this runtime knows sgd, adam, adamw)");
      o.name = "sgd";
      std::vector<std::string_view> values(args.begin() + 1, args.end());
      if (Error e = numbers(values, {{"optimizer momentum", &o.momentum},
                                     {"optimizer weight decay", &o.weightDecay}}))
        return e;
      if (o.momentum < 0 || o.momentum >= 1)
        return fail("optimizer momentum must be in [0, 1), got ", args[1]);
    } else {
      if (Error e = expectArgs(key, args, 5,
                               "optimizer adam|adamw <beta1> <beta2> <eps> "
                               "<weight_decay>"))
        return e;
      o.name = std::string(args[0]);
      std::vector<std::string_view> values(args.begin() + 1, args.end());
      if (Error e = numbers(values, {{"optimizer beta1", &o.beta1},
                                     {"optimizer beta2", &o.beta2},
                                     {"optimizer eps", &o.eps},
                                     {"optimizer weight decay", &o.weightDecay}}))
        return e;
      if (o.beta1 < 0 || o.beta1 >= 1 || o.beta2 < 0 || o.beta2 >= 1)
        return fail("optimizer beta1 and beta2 must be in [0, 1)");
      if (!(o.eps > 0))
        return fail("optimizer eps must be > 0, got ", args[3]);
    }
    if (o.weightDecay < 0)
      return fail("optimizer weight decay must be >= 0, got ",
                  args[adam ? 4 : 2]);
    return Error::success();
  }
  if (key == "loss") {
    if (Error e = expectArgs(key, args, 1, "loss <name>"))
      return e;
    if (std::find(std::begin(kLogbtqLossNames), std::end(kLogbtqLossNames), args[0]) ==
        std::end(kLogbtqLossNames)) {
      std::string known;
      for (const char *name : kLogbtqLossNames)
        known += (known.empty() ? "" : ", ") + std::string(name);
      return fail("unknown loss '", args[0], "' (this runtime knows ", known,
                  ")");
    }
    info.loss = std::string(args[0]);
    return Error::success();
  }
  if (key == "weight-decay-all") {
    if (Error e = expectArgs(key, args, 0, "weight-decay-all"))
      return e;
    info.optimizer.decayAll = true;
    return Error::success();
  }
  if (key == "clip-grad-norm") {
    if (Error e = expectArgs(key, args, 1, "clip-grad-norm <max_norm>"))
      return e;
    double &c = info.optimizer.clipGradNorm;
    if (Error e = number("clip-grad-norm", args[0], c))
      return e;
    if (!(c > 0))
      return fail("clip-grad-norm must be > 0, got ", args[0]);
    return Error::success();
  }
  return fail("unknown record '", key, "'");
}

Expected<ModelInfo> Parser::parse(std::string_view text) {
  bool sawHeader = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos)
      end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++lineNo;
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    std::vector<std::string_view> words = splitWords(line);
    if (words.empty() || words[0][0] == '#')
      continue;
    std::vector<std::string_view> args(words.begin() + 1, words.end());

    if (!sawHeader) {
      if (words[0] != "logbtq-model")
        return fail("expected 'logbtq-model 3' as the first record, got '",
                    words[0], "'");
      // Older versions have other step signatures (1: f32-only buffers, no
      // ranges or step; 2: no logits from the eval step): calling such a
      // model with this ABI would corrupt memory.
      if (args.size() != 1 || args[0] != std::to_string(kModelInfoVersion))
        return fail("unsupported model info version '",
                    args.empty() ? std::string_view() : args[0],
                    "' (this runtime reads 'logbtq-model 3'; rebuild the "
                    "model with a matching logbtq-compile)");
      sawHeader = true;
      continue;
    }
    if (Error e = parseRecord(words[0], args))
      return e;
  }
  if (!sawHeader)
    return makeError("model info: empty (expected 'logbtq-model 3' first)");

  for (const char *key : {"batch", "input", "classes", "quant", "param-count",
                          "barrier", "optimizer"})
    if (!seen.count(key))
      return makeError("model info: missing '", key, "' record");
  if (info.params.empty())
    return makeError("model info: no 'param' records");
  if (info.batch > kMaxElements / info.inputSize())
    return makeError("model info: a batch of ", info.batch, " inputs of shape ",
                     formatShape(info.input), " has more than 2^40 elements");

  // Parameters are slices of the flat buffer: inside it, not overlapping.
  std::vector<const ParamInfo *> byOffset;
  for (const ParamInfo &p : info.params) {
    if (p.offset + p.numElements() > info.paramCount)
      return makeError("model info: parameter '", p.name, "' (offset ",
                       p.offset, ", ", p.numElements(),
                       " elements) ends past param-count ", info.paramCount);
    byOffset.push_back(&p);
  }
  std::sort(byOffset.begin(), byOffset.end(),
            [](const ParamInfo *a, const ParamInfo *b) {
              return a->offset < b->offset;
            });
  for (size_t i = 1; i < byOffset.size(); ++i) {
    const ParamInfo &prev = *byOffset[i - 1];
    if (prev.offset + prev.numElements() > byOffset[i]->offset)
      return makeError("model info: parameters '", prev.name, "' and '",
                       byOffset[i]->name, "' overlap");
  }
  return std::move(info);
}

} // namespace

int64_t ParamInfo::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

int64_t ModelInfo::inputSize() const {
  int64_t n = 1;
  for (int64_t d : input)
    n *= d;
  return n;
}

int64_t ModelInfo::trainableCount() const {
  int64_t n = 0;
  for (const ParamInfo &p : params)
    if (p.trainable)
      n += p.numElements();
  return n;
}

int64_t ModelInfo::statisticCount() const {
  int64_t n = 0;
  for (const ParamInfo &p : params)
    n += p.statistic;
  return n;
}

const char *quantName(QuantKind kind) {
  return kind == QuantKind::MU8 ? "mu8" : "f32";
}

std::string ModelInfo::quantString() const {
  if (quant == QuantKind::MU8)
    return "mu8 " + std::to_string(weightExponent);
  return "f32";
}

Expected<ModelInfo> parseModelInfo(std::string_view text) {
  return Parser().parse(text);
}

std::string formatShape(const std::vector<int64_t> &shape) {
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "," : "") + std::to_string(shape[i]);
  return s;
}

} // namespace logbtq::runtime
