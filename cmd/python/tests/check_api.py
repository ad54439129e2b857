"""Checks the installed storyclust package, as a user of it would: run on
a file and on the same rows as a DataFrame, read, eval, errors, and the
console command. Run by TestPythonPackage with a fresh environment's
python, in a scratch directory; argv[1] is a labelled JSONL file."""
import json
import os
import subprocess
import sys
import tempfile

import pandas as pd

import storyclust

labelled = sys.argv[1]

# A file in, and the same rows as a DataFrame: the same stories.
from_file = storyclust.run(labelled, quiet=True)
rows = pd.read_json(labelled, lines=True, dtype=False)
from_frame = storyclust.run(rows, out="from_frame", quiet=True)
assert from_frame.out == "from_frame", from_frame.out


def stories(res):
    a = res.articles
    return dict(zip(a.article_id, a.story_id))


assert len(from_file.articles) == len(rows) > 100, (len(from_file.articles), len(rows))
assert stories(from_file) == stories(from_frame), "a DataFrame and its file give other stories"
assert from_file.manifest["counts"]["clustered"] == len(rows)
for table in ("articles", "stories", "story_outlets", "storylines", "rejects"):
    assert isinstance(getattr(from_file, table), pd.DataFrame), table
assert from_file.framing is None  # no --group-by

# Flags in snake case change what they say.
tight = storyclust.run(labelled, threshold=0.6, storyline_window="240h", quiet=True)
assert tight.manifest["parameters"]["threshold"] == 0.6
assert tight.manifest["parameters"]["storyline_window"] == "240h0m0s"
assert len(tight.stories) >= len(from_file.stories)

# read() loads an existing output the same way.
again = storyclust.read(from_frame.out)
assert stories(again) == stories(from_frame)

# eval() gives the scores as a DataFrame.
scores = storyclust.eval(labelled)
assert list(scores.file) == [labelled] and 0.8 < scores.b_cubed_f1[0] <= 1, scores

# Errors carry the tool's message and exit code.
try:
    storyclust.run("no/such/file.jsonl", quiet=True)
except storyclust.StoryclustError as e:
    assert e.returncode == 2 and "no/such/file.jsonl" in str(e), (e.returncode, str(e))
else:
    raise AssertionError("a missing input raised nothing")
try:
    storyclust.read(tempfile.mkdtemp())
except storyclust.StoryclustError:
    pass
else:
    raise AssertionError("read() of an empty folder raised nothing")

# The console command is the bundled binary, at the package's version.
bindir = os.path.dirname(sys.executable)
out = subprocess.run([os.path.join(bindir, "storyclust"), "version"], capture_output=True, text=True, check=True).stdout
assert out.strip() == "storyclust " + storyclust.__version__, (out, storyclust.__version__)
print(json.dumps({"ok": True, "version": storyclust.__version__, "stories": len(from_file.stories)}))
