//===- LrSchedule.cpp - The learning rate of every train step -------------===//

#include "logbtq/Runtime/LrSchedule.h"

#include "logbtq/Runtime/Options.h"

#include "Format.h"

#include <cmath>

namespace logbtq::runtime {

double LrSchedule::at(int64_t step, int64_t stepsPerEpoch) const {
  double rate = lr;
  if (kind == LrScheduleKind::Cosine) {
    // The decay starts where the warm-up ends; a warm-up as long as the run
    // leaves no decay.
    int64_t total = epochs * stepsPerEpoch - warmupSteps;
    if (step >= warmupSteps && total > 0) {
      double progress = double(step - warmupSteps) / double(total);
      rate = lrMin + (lr - lrMin) * (1 + std::cos(M_PI * progress)) / 2;
    }
  } else {
    int64_t epoch = stepsPerEpoch > 0 ? step / stepsPerEpoch : 0;
    bool listed = false;
    for (int64_t e : decayEpochs)
      if (e <= epoch + 1) {
        rate *= decayFactor;
        listed |= e == epoch + 1;
      }
    if (decayLast && epoch == epochs - 1 && !listed)
      rate *= decayFactor;
  }
  if (step < warmupSteps)
    rate *= double(step + 1) / double(warmupSteps);
  return rate;
}

std::string LrSchedule::describe() const {
  std::string s;
  if (kind == LrScheduleKind::Cosine) {
    s = formatString("cosine from %g to %g over %lld epoch%s", lr, lrMin,
                     (long long)epochs, epochs == 1 ? "" : "s");
  } else {
    s = formatString("%g", lr);
    std::vector<std::string> parts;
    if (!decayEpochs.empty()) {
      std::string list;
      for (int64_t e : decayEpochs)
        list += (list.empty() ? "" : ",") + std::to_string(e);
      parts.push_back(std::string("from epoch") +
                      (decayEpochs.size() > 1 ? "s " : " ") + list);
    }
    if (decayLast)
      parts.push_back("in the last epoch");
    if (!parts.empty()) {
      s += formatString(" (x%g ", decayFactor) + parts[0];
      for (size_t i = 1; i < parts.size(); ++i)
        s += " and " + parts[i];
      s += ")";
    }
  }
  if (warmupSteps)
    s += formatString(", %lld warm-up step%s", (long long)warmupSteps,
                      warmupSteps == 1 ? "" : "s");
  return s;
}

bool LrSchedule::operator==(const LrSchedule &o) const {
  // What the rates depend on: --epochs only where the schedule reads it, so
  // a step schedule without --lr-decay-last can be resumed with more epochs.
  bool cosine = kind == LrScheduleKind::Cosine;
  bool readsEpochs = cosine || decayLast;
  return kind == o.kind && lr == o.lr && warmupSteps == o.warmupSteps &&
         (!cosine || lrMin == o.lrMin) &&
         (cosine || (decayEpochs == o.decayEpochs &&
                     decayFactor == o.decayFactor &&
                     decayLast == o.decayLast)) &&
         (!readsEpochs || epochs == o.epochs);
}

LrSchedule lrScheduleOf(const TrainerOptions &options) {
  LrSchedule s;
  s.kind = options.lrSchedule;
  s.lr = options.lr;
  s.lrMin = options.lrMin;
  s.warmupSteps = options.warmupSteps;
  s.epochs = options.epochs;
  s.decayEpochs = options.lrDecayEpochs;
  s.decayFactor = options.lrDecayFactor;
  s.decayLast = options.lrDecayLast;
  return s;
}

} // namespace logbtq::runtime
