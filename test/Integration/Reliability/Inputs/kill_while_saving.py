"""SIGKILLs a trainer that saves a checkpoint after every (one-step) epoch,
at random moments, KILLS times, and checks after each kill that the
checkpoint on disk is a whole one: the magic, the size its header promises,
and the CRC-32 of everything before the last 4 bytes (docs/Runtime.md,
"Checkpoints"). Each run resumes from the last checkpoint, so a kill hits a
run that has an old checkpoint and is writing a new one; the epochs it
records never go back.

    kill_while_saving.py KILLS SEED CHECKPOINT -- TRAINER ARGS...

Prints the number of kills, how many found a checkpoint, how many landed
while a temporary file (a save in progress) was there, "all valid", and
whether enough kills (a tenth) hit a save.
"""
import os
import random
import struct
import subprocess
import sys
import time
import zlib


def check(path):
    """(epochs done, step) of a valid checkpoint; raises if it is not one."""
    data = open(path, "rb").read()
    if data[:8] != b"LOGBTQCK":
        raise ValueError("bad magic")
    version, header = struct.unpack_from("<II", data, 8)
    quant, = struct.unpack_from("<I", data, 24)
    params, ranges, epochs, step = struct.unpack_from("<qqqq", data, 32)
    slots, = struct.unpack_from("<I", data, 260)
    size = header + (1 + slots) * params * (1 if quant == 1 else 4) + 4 * ranges + 4
    if len(data) != size:
        raise ValueError("%d bytes, header promises %d" % (len(data), size))
    stored, = struct.unpack_from("<I", data, len(data) - 4)
    if zlib.crc32(data[:-4]) & 0xffffffff != stored:
        raise ValueError("checksum mismatch")
    return epochs, step


def main(argv):
    kills, seed, ckpt = int(argv[1]), int(argv[2]), argv[3]
    cmd = argv[argv.index("--") + 1:]
    rng = random.Random(seed)
    found = during_save = 0
    last = (0, 0)
    for _ in range(kills):
        args = cmd + (["--resume", ckpt] if os.path.exists(ckpt) else [])
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.02, 0.4))
        saving = os.path.exists(ckpt + ".tmp")
        proc.kill()
        _, err = proc.communicate()
        if proc.returncode not in (-9, 0):
            raise SystemExit("trainer failed (status %d): %s" % (proc.returncode, err.decode()))
        during_save += saving or os.path.exists(ckpt + ".tmp")
        if os.path.exists(ckpt):
            found += 1
            now = check(ckpt)
            if now < last:
                raise SystemExit("checkpoint went back from %s to %s" % (last, now))
            last = now
    print("kills %d, checkpoint found %d, during a save %d, all valid" % (kills, found, during_save))
    # At least a tenth of the kills must have hit a save, or the test did
    # not test what it says.
    print("kills during saves: %s" % ("enough" if during_save * 10 >= kills else "TOO FEW"))
    print("epochs done at the end: %d" % last[0])


if __name__ == "__main__":
    main(sys.argv)
