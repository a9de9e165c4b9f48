"""The statistics that decide what the report says. Pure functions only."""

import statistics

# Comparison of two sets of runs (lower is better).
DEFAULT_NOISE_PCT = 5.0  # assumed noise of a side with a single run
MIN_CHANGE_PCT = 3.0     # smaller changes are never flagged

# A single-threaded benchmark that got less than this share of a core was
# descheduled in favour of other processes: its figure is suspect.
DISTURBED_CPU_SHARE = 0.75
DISTURBED_MIN_ELAPSED_S = 0.05  # shorter runs are too short to judge
DISTURB_RETRIES = 2
RETRY_MAX_PROCESS_S = 5  # longer runs are not repeated: that would blow the time budget


def percentile(sorted_values, pct):
    """Nearest-rank percentile of an ascending list, as the runtime computes it;
    None for an empty list."""
    n = len(sorted_values)
    if n == 0:
        return None
    rank = (n * pct + 99) // 100
    return sorted_values[max(rank, 1) - 1]


def median(values):
    """Median of the values that are not None; None if there are none."""
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def half_range_pct(values):
    """Spread: half the min-max range as a percentage of the median. None
    with fewer than two values or a zero median."""
    values = [v for v in values if v is not None]
    if len(values) < 2:
        return None
    m = statistics.median(values)
    return (max(values) - min(values)) / 2 / m * 100 if m else None


def _noise_pct(values):
    if len(values) == 1:
        return DEFAULT_NOISE_PCT
    return half_range_pct(values) or 0


def compare_samples(a, b, min_change=None, higher_is_better=False):
    """Verdict for two sets of runs of one metric, A before and B after
    (lower is better unless higher_is_better: a bandwidth).

    A difference counts when it is at least min_change percent (default
    MIN_CHANGE_PCT), at least twice the noise (the spread of the noisier
    side; DEFAULT_NOISE_PCT for a side with a single run), and the two
    ranges of runs do not overlap (two single runs always count as
    separated). Returns None when a side is empty or A's median is 0, else
    a dict with the medians a and b, change_pct, noise_pct and verdict
    ("slower", "faster" or "~" for within noise).
    """
    a = [x for x in a if x is not None]
    b = [x for x in b if x is not None]
    if not a or not b:
        return None
    ma, mb = statistics.median(a), statistics.median(b)
    if ma == 0:
        return None
    change = (mb - ma) / ma * 100
    noise = max(_noise_pct(a), _noise_pct(b))
    separated = min(b) > max(a) or max(b) < min(a) or (len(a) == 1 and len(b) == 1)
    floor = MIN_CHANGE_PCT if min_change is None else min_change
    significant = abs(change) >= max(floor, 2 * noise) and separated
    worse = change < 0 if higher_is_better else change > 0
    verdict = ("slower" if worse else "faster") if significant else "~"
    return {"a": ma, "b": mb, "change_pct": change, "noise_pct": noise, "verdict": verdict}


def is_disturbed(cpu_s, elapsed_s):
    """Whether a single-threaded run got too little of a core to trust."""
    return elapsed_s > DISTURBED_MIN_ELAPSED_S and cpu_s < DISTURBED_CPU_SHARE * elapsed_s


def others_cpu_s(busy_s, own_cpu_s):
    """CPU seconds other processes used during a run: the machine's busy
    time minus the benchmark's own; None when the machine's is unknown."""
    if busy_s is None:
        return None
    return max(0.0, busy_s - own_cpu_s)


def retry_budget(total_runs):
    """How many disturbed runs may be repeated in all. A machine that stays
    busy makes retries pointless: the cap keeps the run in its time budget
    and lets the "busy" marks speak."""
    return max(3, total_runs // 10)


def should_retry(result, attempt, retried, budget):
    """Whether to run again after attempt (0-based) gave result: only a
    disturbed, short run, at most DISTURB_RETRIES times and within budget."""
    return (result["disturbed"] and attempt < DISTURB_RETRIES and retried < budget
            and result["process_s"] <= RETRY_MAX_PROCESS_S)
