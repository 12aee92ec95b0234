#!/usr/bin/env python3
"""Curves of one or several training runs from the trainer's --metrics files.

    /usr/bin/python3 python/tools/plot_metrics.py [LABEL=]RUN.jsonl... -o curves.png

Three panels per epoch: loss (train solid, test dashed), accuracy (train
solid, test dashed), and the MU8 rates (saturated activations, weights,
gradients and momentum, in percent; kinds that never saturate, and every
kind of a float32 run, are left out). The records are
those of docs/Runtime.md ("--metrics"): one JSON object per epoch, and a
final one, which is skipped. A run is labelled by LABEL= or by its file
name. A file that is missing or holds no epoch record is an error naming it.
"""
import argparse
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

RATES = [("sat_act", "activations"), ("sat_weight", "weights"),
         ("sat_grad", "gradients"), ("sat_mom", "momentum")]


class MetricsError(Exception):
    pass


def read_run(spec):
    """(label, epoch records) of `spec`, LABEL=PATH or PATH."""
    label, sep, path = spec.partition("=")
    if not sep:
        label, path = os.path.splitext(os.path.basename(spec))[0], spec
    try:
        lines = open(path).read().splitlines()
    except OSError as e:
        raise MetricsError("%s: %s" % (path, e.strerror))
    epochs = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as e:
            raise MetricsError("%s:%d: not a JSON record (%s)" % (path, number, e))
        if not isinstance(record, dict):
            raise MetricsError("%s:%d: not a JSON object" % (path, number))
        if record.get("final"):
            continue
        if "epoch" not in record:
            raise MetricsError("%s:%d: a record without 'epoch'" % (path, number))
        epochs.append(record)
    if not epochs:
        raise MetricsError("%s: no epoch record" % path)
    return label, epochs


def plot(runs, output):
    fig, (loss_ax, acc_ax, rate_ax) = plt.subplots(1, 3, figsize=(15, 4.2))
    for index, (label, epochs) in enumerate(runs):
        color = "C%d" % index
        x = [r["epoch"] for r in epochs]

        def series(key, scale=1.0):
            return [r[key] * scale if r.get(key) is not None else float("nan")
                    for r in epochs]

        loss_ax.plot(x, series("train_loss"), color=color, marker="o", label=label + " train")
        if any("test_loss" in r for r in epochs):
            loss_ax.plot(x, series("test_loss"), color=color, marker="o", linestyle="--",
                         label=label + " test")
        acc_ax.plot(x, series("train_acc", 100), color=color, marker="o", label=label + " train")
        if any("test_acc" in r for r in epochs):
            acc_ax.plot(x, series("test_acc", 100), color=color, marker="o", linestyle="--",
                        label=label + " test")
        for k, (key, name) in enumerate(RATES):
            if any(r.get(key) for r in epochs):
                rate_ax.plot(x, series(key, 100), color=color, marker="os^v"[k],
                             label="%s %s" % (label, name))
    loss_ax.set(title="loss", xlabel="epoch")
    acc_ax.set(title="accuracy (%)", xlabel="epoch")
    rate_ax.set(title="saturated MU8 encodes (%; kinds at 0 left out)", xlabel="epoch")
    for ax in (loss_ax, acc_ax, rate_ax):
        ax.grid(alpha=0.3)
        ax.xaxis.get_major_locator().set_params(integer=True)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(output, dpi=100)
    plt.close(fig)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("runs", nargs="+", metavar="[LABEL=]RUN.jsonl")
    p.add_argument("-o", "--output", required=True, help="the picture (.png, .svg, .pdf)")
    a = p.parse_args(argv)
    try:
        runs = [read_run(spec) for spec in a.runs]
        plot(runs, a.output)
    except MetricsError as e:
        print("plot_metrics: error: %s" % e, file=sys.stderr)
        return 2
    print(a.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
