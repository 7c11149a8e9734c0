"""Samples one process every 0.2 s until it ends or this sampler gets SIGTERM (then one last sample).

    python3 sample.py PID FILE

One line per sample, tab-separated: Unix time in seconds, VmRSS and VmHWM in KiB (from /proc/PID/status), and the
process's CPU seconds so far, user plus system (utime + stime from /proc/PID/stat).
"""

import os
import signal
import sys
import time

INTERVAL = 0.2
TICKS = os.sysconf("SC_CLK_TCK")


def sample(pid):
    """(VmRSS KiB, VmHWM KiB, CPU s), or None once the process is gone (or a zombie, which has no VmRSS)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            fields = dict(line.split(":", 1) for line in status)
        with open(f"/proc/{pid}/stat") as stat:
            # The command name (field 2) is in parentheses and may hold spaces: count fields after the last ")".
            after_name = stat.read().rpartition(")")[2].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    if "VmRSS" not in fields:
        return None
    utime, stime = int(after_name[11]), int(after_name[12])
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0]), (utime + stime) / TICKS


def record(out, pid):
    """Writes one sample; False once the process is gone."""
    figures = sample(pid)
    if figures is None:
        return False
    rss, hwm, cpu = figures
    out.write(f"{time.time():.3f}\t{rss}\t{hwm}\t{cpu:.2f}\n")
    out.flush()
    return True


def main():
    pid, path = int(sys.argv[1]), sys.argv[2]
    # SIGTERM is taken by sigtimedwait below, so it ends the wait between two samples, never a write.
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTERM])
    with open(path, "w") as out:
        while record(out, pid):
            if signal.sigtimedwait([signal.SIGTERM], INTERVAL) is not None:
                record(out, pid)
                return


if __name__ == "__main__":
    main()
