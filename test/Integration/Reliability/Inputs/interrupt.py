"""Runs a trainer and sends it a signal once it is inside an epoch.

    interrupt.py SIGNAL AFTER_LINES -- TRAINER ARGS...

Waits for AFTER_LINES lines of progress ("epoch 1/N  10% ...") on the
trainer's stdout, sends SIGNAL (INT or TERM), lets it finish, then prints
everything it wrote and "status N" (its exit status; 128 + signal number
when it stopped for the signal).
"""
import signal
import subprocess
import sys


def main(argv):
    sig = getattr(signal, "SIG" + argv[1])
    after = int(argv[2])
    cmd = argv[argv.index("--") + 1:]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines, progress, sent = [], 0, False
    for line in proc.stdout:
        lines.append(line)
        if not sent and "% (" in line:
            progress += 1
            if progress >= after:
                proc.send_signal(sig)
                sent = True
    status = proc.wait()
    sys.stdout.write("".join(lines))
    print("signal sent: %s" % ("yes" if sent else "no"))
    # Popen reports a death by signal as -N; a clean stop for it is 128 + N.
    print("status %d" % status)


if __name__ == "__main__":
    main(sys.argv)
