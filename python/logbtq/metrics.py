"""The trainer's --metrics file (docs/Runtime.md, "Output"): one JSON record
per epoch, then one with "final": true."""
import json


def read_metrics(path):
    """(epoch records, final record) of a metrics file; ValueError when it
    has no epoch record or no final record (a run that did not finish)."""
    epochs, final = [], None
    with open(path) as f:
        for line in f:
            if line.strip():
                record = json.loads(line)
                if record.get("final"):
                    final = record
                else:
                    epochs.append(record)
    if not epochs or final is None:
        raise ValueError(f"{path}: no epoch record or no final record")
    return epochs, final
