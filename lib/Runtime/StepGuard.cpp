//===- StepGuard.cpp - Training that never fails silently -----------------===//

#include "logbtq/Runtime/StepGuard.h"

#include "Format.h"

#include <cmath>
#include <cstring>

namespace logbtq::runtime {

std::optional<std::string> findNonFinite(const Model &model,
                                         const StepStats &stats) {
  if (!std::isfinite(stats.loss))
    return formatString("the loss (%g)", stats.loss);
  return findNonFiniteWeight(model);
}

std::optional<std::string> findNonFiniteWeight(const Model &model) {
  const ModelInfo &info = model.info();
  if (info.quant != QuantKind::F32)
    return std::nullopt;
  const float *values = reinterpret_cast<const float *>(model.paramBytes());
  for (const ParamInfo &p : info.params)
    for (int64_t i = 0; i < p.numElements(); ++i)
      if (!std::isfinite(values[p.offset + i]))
        return formatString("parameter %s (element %lld is %g)",
                            p.name.c_str(), (long long)i,
                            double(values[p.offset + i]));
  return std::nullopt;
}

std::optional<std::string> findOverSaturation(const StepStats &stats,
                                              double maxRate) {
  struct Kind {
    const char *name;
    int saturated, encoded;
  };
  const Kind kinds[] = {
      {"weights", LOGBTQ_STAT_SAT_WEIGHTS, LOGBTQ_STAT_ENC_WEIGHTS},
      {"activations", LOGBTQ_STAT_SAT_ACTIVATIONS, LOGBTQ_STAT_ENC_ACTIVATIONS},
      {"gradients", LOGBTQ_STAT_SAT_GRADIENTS, LOGBTQ_STAT_ENC_GRADIENTS},
      {"momentum", LOGBTQ_STAT_SAT_MOMENTUM, LOGBTQ_STAT_ENC_MOMENTUM},
  };
  for (const Kind &k : kinds) {
    double saturated = stats.values[size_t(k.saturated)];
    double encoded = stats.values[size_t(k.encoded)];
    if (encoded > 0 && saturated / encoded > maxRate)
      return formatString("%s: %.2f%% of %.0f values saturated (more than "
                          "--max-saturation %g%%)",
                          k.name, 100 * saturated / encoded, encoded,
                          100 * maxRate);
  }
  return std::nullopt;
}

void StateSnapshot::take(const Model &model) {
  params.assign(model.paramBytes(), model.paramBytes() + model.stateBytes());
  momentum.assign(model.momentumBytes(),
                  model.momentumBytes() + model.optimizerStateBytes());
  ranges.assign(model.rangeValues(), model.rangeValues() + model.rangeCount());
}

Error StateSnapshot::restore(Model &model) const {
  return model.restoreState(params.data(), momentum.data(), ranges.data());
}

} // namespace logbtq::runtime
