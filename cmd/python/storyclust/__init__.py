"""storyclust from Python: which articles, from which outlets, cover the same
event, as pandas DataFrames.

    import storyclust
    res = storyclust.run("articles.jsonl", window="48h")
    res.stories.head()

run() takes paths or a DataFrame (or a pyarrow Table) and the flags of
`storyclust run` as keyword arguments in snake case; read() loads an
existing output; eval() scores labelled files. The work is done by the
storyclust binary shipped in the package.
"""
from ._core import Result, StoryclustError, binary, eval, read, run

try:
    from ._version import __version__
except ImportError:  # a source tree, not an installed package
    __version__ = "0+unknown"

__all__ = ["run", "read", "eval", "Result", "StoryclustError", "binary", "__version__"]
