"""The PyTorch peer of a logbtq trainer: same model, initial weights, batch,
learning rate, momentum, schedule and data order rules, on the same machine.

    /usr/bin/python3 python/tools/bench_pytorch.py --model mlp --epochs 5 \
        [--threads 1] [--train-limit N] [--lr 0.05] [--batch 64] [--lr-decay-last] \
        [--optimizer sgd|adamw --weight-decay W] \
        [--metrics out.jsonl]

Prints per-epoch test accuracy and training samples per second, like the
trainer, so the two can be put side by side (docs/Benchmarks.md). The
barrier is not part of this baseline: it is plain float32 training.
`--metrics FILE` also writes one JSON object per epoch and a final one, with
the trainer's keys for what this script measures (docs/Runtime.md, "Output";
python/tools/bench.py reads them): samples_per_s counts training only, as
the trainer's does.
"""
import argparse
import json
import os
import resource
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from logbtq import models, shuffle, torch_models  # noqa: E402
from logbtq.datasets import read_idx  # noqa: E402

DATA = "/usr/share/datasets/fashion-mnist"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="mlp", choices=sorted(torch_models.MODULES))
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--momentum", type=float, default=0.9)
    ap.add_argument("--optimizer", default="sgd", choices=["sgd", "adamw"],
                    help="adamw: torch.optim.AdamW (betas 0.9, 0.999, eps 1e-8)")
    ap.add_argument("--weight-decay", type=float, default=0.0)
    ap.add_argument("--lr-decay-last", action="store_true",
                    help="lr x 0.1 in the last epoch, as the trainer's flag")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--train-limit", type=int, default=0)
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--metrics", metavar="FILE",
                    help="also write JSON lines, one per epoch and a final one")
    ap.add_argument("--trainer-order", action="store_true",
                    help="read the batches in the trainer's order for --seed "
                         "(lib/Runtime/Shuffle.cpp), not numpy's: both runs "
                         "then see the same batches")
    ap.add_argument("--classes", type=int, default=0, metavar="K",
                    help="train and test on labels 0..K-1 only, with a new "
                         "K-class head (a pretraining task for fine-tuning)")
    ap.add_argument("--export-onnx", metavar="FILE",
                    help="write the trained model as ONNX (a pretrained model "
                         "for logbtq-compile --train-from)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x_train = read_idx(f"{args.data}/train-images-idx3-ubyte.gz")
    y_train = read_idx(f"{args.data}/train-labels-idx1-ubyte.gz")
    x_test = read_idx(f"{args.data}/t10k-images-idx3-ubyte.gz")
    y_test = read_idx(f"{args.data}/t10k-labels-idx1-ubyte.gz")
    if args.train_limit:
        x_train, y_train = x_train[:args.train_limit], y_train[:args.train_limit]
    if args.classes:
        keep, keep_test = y_train < args.classes, y_test < args.classes
        x_train, y_train = x_train[keep], y_train[keep]
        x_test, y_test = x_test[keep_test], y_test[keep_test]
    to_tensor = lambda x: torch.tensor(x, dtype=torch.float32).div_(255).reshape(-1, 1, 28, 28)
    xt, yt = to_tensor(x_train), torch.tensor(y_train, dtype=torch.int64)
    xv, yv = to_tensor(x_test), torch.tensor(y_test, dtype=torch.int64)

    # The zoo's initial weights, exactly those logbtq-compile starts from.
    module = torch_models.build(args.model, seed=0)
    if args.classes:
        # The last Linear is the classifier: a new one for K classes.
        parent_name, _, child = [n for n, m in module.named_modules()
                                 if isinstance(m, torch.nn.Linear)][-1].rpartition(".")
        parent = module.get_submodule(parent_name) if parent_name else module
        old = getattr(parent, child)
        setattr(parent, child, torch.nn.Linear(old.in_features, args.classes))
    if args.optimizer == "adamw":
        opt = torch.optim.AdamW(module.parameters(), lr=args.lr, eps=1e-8,
                                weight_decay=args.weight_decay)
    else:
        opt = torch.optim.SGD(module.parameters(), lr=args.lr, momentum=args.momentum,
                              weight_decay=args.weight_decay)
    rng = np.random.default_rng(args.seed)
    steps = len(xt) // args.batch
    print(f"pytorch {torch.__version__}: {args.model}, {steps} batches of "
          f"{args.batch} per epoch, {args.threads} thread(s)")
    metrics = open(args.metrics, "w") if args.metrics else None
    correct = None
    for epoch in range(args.epochs):
        if args.lr_decay_last and epoch == args.epochs - 1:
            for group in opt.param_groups:
                group["lr"] = args.lr * 0.1
        order = torch.tensor(shuffle.epoch_order(len(xt), args.seed, epoch)
                             if args.trainer_order else rng.permutation(len(xt)))
        module.train()
        start = time.perf_counter()
        for s in range(steps):
            idx = order[s * args.batch:(s + 1) * args.batch]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(module(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
        seconds = time.perf_counter() - start
        module.eval()
        with torch.no_grad():
            correct = sum((module(xv[i:i + 1000]).argmax(1) == yv[i:i + 1000]).sum().item()
                          for i in range(0, len(xv), 1000))
        with_eval = time.perf_counter() - start
        print(f"epoch {epoch + 1}/{args.epochs}  test acc {100 * correct / len(xv):.2f}%  "
              f"{steps * args.batch / seconds:.0f} samples/s  {seconds:.1f} s")
        write_record(metrics, epoch_record(epoch, opt.param_groups[0]["lr"], steps, args.batch,
                                           correct, len(xv), seconds, with_eval))
    write_record(metrics, final_record(args.epochs, steps, correct, len(xv)))
    if metrics:
        metrics.close()
    if args.export_onnx:
        module.eval()
        torch_models.export_module(module, args.export_onnx)


def epoch_record(epoch, lr, steps, batch, correct, test_samples, train_seconds, seconds):
    """The --metrics record of one epoch: the trainer's keys this script has.
    samples_per_s counts training only; seconds include evaluation."""
    return {"epoch": epoch + 1, "lr": lr, "train_samples": steps * batch,
            "steps": (epoch + 1) * steps, "test_acc": correct / test_samples,
            "test_samples": test_samples, "samples_per_s": steps * batch / train_seconds,
            "seconds": seconds}


def final_record(epochs, steps, correct, test_samples):
    """The final --metrics record; peak RSS as the trainer measures it (ru_maxrss)."""
    record = {"final": True, "epochs": epochs, "steps": epochs * steps,
              "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    if correct is not None:
        record.update(test_acc=correct / test_samples, test_samples=test_samples)
    return record


def write_record(f, record):
    if f:
        f.write(json.dumps(record) + "\n")
        f.flush()


if __name__ == "__main__":
    main()
