"""How far scheduled runs agree with one run over the same articles.

For each labelled JSONL file: one `storyclust run` over the whole file, and
one scheduled run (`--state`) per day of it, in date order (a file without
dates is cut into --chunks parts in file order instead). Then `storyclust
compare` scores the stories of the scheduled runs against those of the one
run (B-cubed), and `storyclust eval --pred` scores both against the gold
labels. `make agreement` runs it on the dev sets and a synthetic stream;
see docs/SCHEDULED.md.

    python3 docs/bench/agreement.py --bin bin/storyclust FILE.jsonl ...
"""
import argparse
import collections
import datetime
import json
import os
import subprocess
import sys
import tempfile


def day_of(row):
    p = row.get("published")
    if not p:
        return None
    try:
        t = datetime.datetime.fromisoformat(str(p).replace("Z", "+00:00"))
    except ValueError:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=datetime.timezone.utc)
    return t.astimezone(datetime.timezone.utc).date().isoformat()


def split(path, chunks, into):
    """Write the rows of path into one file per day (or per chunk); return their paths in order."""
    rows = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    days = collections.defaultdict(list)
    dated = sum(1 for r in rows if day_of(r))
    if dated >= len(rows) / 2:
        for r in rows:
            days[day_of(r) or "0000-00-00"].append(r)  # undated rows go with the first run
    else:
        size = -(-len(rows) // chunks)
        for k in range(0, len(rows), size):
            days[f"part{k // size:04d}"] = rows[k : k + size]
    paths = []
    for d in sorted(days):
        p = os.path.join(into, d + ".jsonl")
        with open(p, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(r) + "\n" for r in days[d])
        paths.append(p)
    return paths


def storyclust(binary, *args):
    return subprocess.run([binary, *args], check=True, capture_output=True, text=True).stdout


def bcubed_f1(binary, path, pred):
    return json.loads(storyclust(binary, "eval", "--json", "--pred", pred, path))[0]["BCubedF1"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default="bin/storyclust")
    ap.add_argument("--chunks", type=int, default=5, help="runs for a file without dates")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    print(f"{'file':24} {'runs':>5} {'articles':>8} {'agreement B3 F1':>16} {'one run F1':>11} {'scheduled F1':>13}")
    for path in args.files:
        with tempfile.TemporaryDirectory() as tmp:
            parts = split(path, args.chunks, tmp)
            one, inc, state = (os.path.join(tmp, d) for d in ("one", "inc", "state"))
            storyclust(args.bin, "run", "--quiet", "--out", one, *parts)
            for p in parts:
                storyclust(args.bin, "run", "--quiet", "--state", state, "--out", inc, p)
            agree = json.loads(storyclust(args.bin, "compare", "--json", one, inc))
            print(f"{os.path.basename(path):24} {len(parts):5d} {agree['Items']:8d} "
                  f"{agree['BCubedF1']:16.3f} {bcubed_f1(args.bin, path, one):11.3f} "
                  f"{bcubed_f1(args.bin, path, inc):13.3f}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
