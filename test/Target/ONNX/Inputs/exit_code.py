"""Runs a command and succeeds only if it exits with the given code.

    %python %S/Inputs/exit_code.py CODE COMMAND [ARGS...]

`not` accepts any non-zero exit and lit's internal shell has no `$?`; this
checks, portably, that a rejected input makes the tool fail cleanly (exit 1)
rather than crash (a signal, a negative code here) or abort. The command's
stdout and stderr pass through, so FileCheck can still read the message.
"""
import subprocess
import sys


def main(argv):
    if len(argv) < 3:
        sys.stderr.write("usage: exit_code.py CODE COMMAND [ARGS...]\n")
        return 2
    want = int(argv[1])
    proc = subprocess.run(argv[2:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    sys.stdout.buffer.write(proc.stdout)
    sys.stdout.flush()
    sys.stderr.buffer.write(proc.stderr)
    sys.stderr.flush()
    if proc.returncode != want:
        how = ("killed by signal %d" % -proc.returncode if proc.returncode < 0
               else "exit code %d" % proc.returncode)
        sys.stderr.write("exit_code.py: %s: %s, expected exit code %d\n"
                         % (argv[2], how, want))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
