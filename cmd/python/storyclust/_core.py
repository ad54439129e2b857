"""Runs the bundled binary and loads its tables."""
import collections
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path


class StoryclustError(RuntimeError):
    """The binary failed; the message is what it said, and returncode its
    exit code (2: the command line, an input or the output directory
    cannot be used; 1: anything else)."""

    def __init__(self, message, returncode):
        super().__init__(message)
        self.returncode = returncode


def binary():
    """The path of the storyclust binary: $STORYCLUST_BINARY when set (a
    build of one's own), else the one bundled in the package."""
    if os.environ.get("STORYCLUST_BINARY"):
        return os.environ["STORYCLUST_BINARY"]
    exe = "storyclust.exe" if os.name == "nt" else "storyclust"
    path = Path(__file__).resolve().parent / "bin" / exe
    if not path.exists():
        raise StoryclustError(f"no storyclust binary at {path}: install the package with pip", 2)
    return str(path)


class Result:
    """One output directory of storyclust run. The tables load on first
    use, as pandas DataFrames; a table the run did not write is None."""

    def __init__(self, out):
        self.out = str(out)
        self._tables = {}

    def _table(self, name):
        if name not in self._tables:
            import pandas as pd

            flat, folder = Path(self.out, name + ".parquet"), Path(self.out, name)
            if flat.exists():
                self._tables[name] = pd.read_parquet(flat)
            elif folder.is_dir():  # scheduled runs: Hive partitions
                self._tables[name] = pd.read_parquet(folder)
            else:
                self._tables[name] = None
        return self._tables[name]

    articles = property(lambda self: self._table("articles"))
    stories = property(lambda self: self._table("stories"))
    story_outlets = property(lambda self: self._table("story_outlets"))
    storylines = property(lambda self: self._table("storylines"))
    rejects = property(lambda self: self._table("rejects"))
    outlets = property(lambda self: self._table("outlets"))
    story_groups = property(lambda self: self._table("story_groups"))
    framing = property(lambda self: self._table("framing"))

    @property
    def manifest(self):
        """_manifest.json, as a dict."""
        with open(Path(self.out, "_manifest.json"), encoding="utf-8") as f:
            return json.load(f)

    def __repr__(self):
        return f"storyclust.Result({self.out!r})"


def _flags(options):
    """Keyword arguments as flags: window="48h" is --window 48h, True a
    bare flag, False and None nothing, a list the flag repeated."""
    args = []
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        if value is None or value is False:
            continue
        if value is True:
            args.append(flag)
        elif isinstance(value, (list, tuple)):
            for v in value:
                args += [flag, str(v)]
        else:
            args += [flag, str(value)]
    return args


def _call(args):
    """Runs the binary; its progress goes to stderr as it comes. Returns
    stdout; raises StoryclustError with what it said on failure."""
    proc = subprocess.Popen([binary(), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    last = collections.deque(maxlen=40)
    for line in proc.stderr:
        sys.stderr.write(line)
        last.append(line)
    out = proc.stdout.read()
    code = proc.wait()
    if code != 0:
        said = "".join(last).strip() or out.strip()
        raise StoryclustError(said or f"storyclust exited with {code}", code)
    return out


def _inputs(inputs, tmp):
    """Paths for inputs: a path, a list of them, a pandas DataFrame or a
    pyarrow Table (written to a Parquet file in tmp)."""
    if inputs is None:
        return []
    if isinstance(inputs, (str, os.PathLike)):
        return [os.fspath(inputs)]
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    if isinstance(inputs, pd.DataFrame):
        inputs = pa.Table.from_pandas(inputs, preserve_index=False)
    if isinstance(inputs, pa.Table):
        path = os.path.join(tmp, "articles.parquet")
        pq.write_table(inputs, path)
        return [path]
    return [os.fspath(p) for p in inputs]


def run(inputs=None, out=None, **options):
    """Clusters articles and returns the output as a Result.

    inputs is a path (file or directory), a list of paths, a pandas
    DataFrame or a pyarrow Table with the usual column names (id, title,
    text, outlet, published, url, language); None runs the sample corpus.
    out is the output directory, a new temporary one when None. options
    are the flags of `storyclust run` in snake case: threshold=0.3,
    window="72h", state="...", outlets="...", group_by="lean",
    field=["text=body"], quiet=True.
    """
    if out is None:
        out = tempfile.mkdtemp(prefix="storyclust-")
    with tempfile.TemporaryDirectory(prefix="storyclust-in-") as tmp:
        _call(["run", "--out", os.fspath(out), *_flags(options), *_inputs(inputs, tmp)])
    return Result(out)


def read(out):
    """Loads an existing output directory (of one run or of scheduled
    runs) as a Result."""
    if not Path(out, "_manifest.json").exists():
        raise StoryclustError(f"{out}: no storyclust output here (no _manifest.json)", 2)
    return Result(out)


def eval(paths, **options):
    """Scores labelled files (JSONL with a gold label per article; see
    `storyclust eval --help`) and returns one row per file as a DataFrame.
    options are eval's flags in snake case: level="storyline",
    threshold=0.25."""
    import pandas as pd

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    out = _call(["eval", "--json", *_flags(options), *[os.fspath(p) for p in paths]])
    return pd.DataFrame(json.loads(out))
