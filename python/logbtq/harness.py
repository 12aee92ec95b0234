"""Running the compiled tools from the Python check harnesses.

gradcheck.py and mu8_stepcheck.py compile a model, run the trainer and compare
its dump with a reference; a tool that fails, hangs or is missing is not a
numeric mismatch, and both report it the same way (exit status 2).
"""
import shlex
import subprocess
import time


class HarnessError(Exception):
    """Something other than a numeric mismatch went wrong (exit status 2)."""


def run(cmd, what, timeout, write):
    """Runs `cmd`, logging the command line, its output and exit status
    through `write` (one call per piece, each ending in a newline); raises
    HarnessError when it cannot start, times out or exits non-zero (with the
    last 15 lines of its standard error)."""
    write("$ " + " ".join(shlex.quote(c) for c in cmd) + "\n")
    start = time.time()
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        raise HarnessError("%s timed out after %d s" % (what, timeout))
    except OSError as e:
        raise HarnessError("%s could not run: %s" % (what, e))
    write(proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
          + "(exit %d, %.1f s)\n" % (proc.returncode, time.time() - start))
    if proc.returncode != 0:
        err = proc.stderr.decode(errors="replace").strip().splitlines()
        raise HarnessError("%s failed with exit status %d:\n  %s" % (
            what, proc.returncode, "\n  ".join(err[-15:])))
    return proc
