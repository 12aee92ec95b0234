#!/usr/bin/env python3
"""Tables of trainer runs from their --metrics files.

    ablation_table.py LABEL=run.jsonl ...            # a markdown table
    ablation_table.py --summary LABEL=run.jsonl ...  # one line per run

Columns: test accuracy of the last epoch, encode saturation rates
(activations, weights, gradients, momentum; over the whole run), int32
accumulator overflows (outputs, whole run), share of exactly-zero
activation codes, training samples per second (mean of the epochs after the
first), peak RSS. A float32 run has no rates ("-").
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from logbtq.metrics import read_metrics  # noqa: E402


def load(path):
    try:
        return read_metrics(path)
    except ValueError as e:
        raise SystemExit(str(e))


def pct(v, digits=2):
    return "-" if v is None else f"{100.0 * v:.{digits}f}%"


def row(label, path):
    epochs, final = load(path)
    later = epochs[1:] or epochs
    speed = sum(e["samples_per_s"] for e in later) / len(later)
    return {
        "label": label,
        "epochs": len(epochs),
        "acc": final["test_acc"],
        "sat_act": final.get("sat_act"),
        "sat_weight": final.get("sat_weight"),
        "sat_grad": final.get("sat_grad"),
        "sat_mom": final.get("sat_mom"),
        "overflow": final.get("acc_overflow"),
        "zero_act": final.get("zero_act"),
        "speed": speed,
        "rss": final.get("peak_rss_mib"),
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("runs", nargs="+", metavar="LABEL=FILE")
    p.add_argument("--summary", action="store_true")
    a = p.parse_args()
    rows = []
    for spec in a.runs:
        label, _, path = spec.partition("=")
        rows.append(row(label, path))
    if a.summary:
        for r in rows:
            rates = "" if r["sat_act"] is None else (
                f"  activation saturation {pct(r['sat_act'])}  weight {pct(r['sat_weight'])}"
                f"  int32 overflows {int(round(r['overflow'])):,}  zero activations {pct(r['zero_act'], 1)}")
            print(f"{r['label']:>8}: test accuracy {100 * r['acc']:.2f}% after {r['epochs']} epochs"
                  f"{rates}  {r['speed']:.0f} samples/s  peak RSS {r['rss']:.0f} MiB")
        return 0
    print("| run | test acc | act. sat. | weight sat. | grad sat. | mom. sat. | int32 overflows |"
          " zero act. codes | samples/s | peak RSS |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        overflow = "-" if r["overflow"] is None else f"{int(round(r['overflow'])):,}"
        print(f"| {r['label']} | {100 * r['acc']:.2f}% | {pct(r['sat_act'])} | {pct(r['sat_weight'])} |"
              f" {pct(r['sat_grad'])} | {pct(r['sat_mom'])} | {overflow} | {pct(r['zero_act'], 1)} |"
              f" {r['speed']:.0f} | {r['rss']:.0f} MiB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
