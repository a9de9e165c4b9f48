"""Progress output and the one error that ends a run."""


class BenchError(Exception):
    """A failure that ends the run; cli.main prints "bench: <message>" and exits 1."""


def say(msg=""):
    print(msg, flush=True)
