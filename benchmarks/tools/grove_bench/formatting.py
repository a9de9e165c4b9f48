"""How figures are written in the table, the reports and the comparison."""


def fmt_num(v, digits=3):
    """A figure with as many digits as it deserves; "-" for None."""
    if v is None:
        return "-"
    if v == 0:
        return "0"
    if isinstance(v, int) or (isinstance(v, float) and v.is_integer() and abs(v) >= 1):
        return f"{int(v):,}" if abs(v) >= 10000 else str(int(v))
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 100:
        return f"{v:.0f}"
    if a >= 10:
        return f"{v:.1f}"
    if a >= 1:
        return f"{v:.2f}"
    return f"{v:.{digits}f}"


# The series rows' metrics, as the table and the progress lines name them.
SERIES_UNITS = {"per_root_ns": "ns/root", "per_mib_us": "µs/MiB"}


def fmt_metric(v, metric):
    """A figure with its unit: seconds for wall_s, ns for the per-op metrics,
    µs for per_mib_us, GB/s for gbps."""
    if v is None:
        return "-"
    if metric == "wall_s":
        return f"{v:.3f} s" if v < 10 else f"{v:.2f} s"
    if metric in ("per_op_ns", "per_root_ns"):
        return f"{fmt_num(v)} ns"
    if metric == "per_mib_us":
        return f"{fmt_num(v)} µs"
    if metric == "gbps":
        return f"{v:.2f} GB/s"
    return fmt_num(v)


def fmt_headline(v, metric):
    """A row's main figure in the table and the progress lines: a series
    metric with its full unit (ns/root), any other as fmt_metric writes it."""
    if metric in SERIES_UNITS:
        return f"{fmt_num(v)} {SERIES_UNITS[metric]}"
    return fmt_metric(v, metric)


def md_table(header, body):
    """A Markdown table; | inside a cell is escaped."""
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for b in body:
        out.append("| " + " | ".join(str(c).replace("|", "\\|") for c in b) + " |")
    return "\n".join(out)


def text_table(header, body):
    """Lines of a plain-text table with columns padded to their widest cell."""
    widths = [max(len(h), *(len(str(b[i])) for b in body)) if body else len(h)
              for i, h in enumerate(header)]
    return ["  ".join(str(c).ljust(w) for c, w in zip(line, widths)) for line in [header] + body]
