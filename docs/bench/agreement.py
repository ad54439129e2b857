"""How far scheduled runs agree with one run over the same articles.

For each labelled JSONL file: one `storyclust run` over the whole file, and
one scheduled run (`--state`) per day of it, in date order (a file without
dates is cut into --chunks parts in file order instead). Then `storyclust
compare` scores the stories (or, with --level storyline, the storylines) of
the scheduled runs against those of the one run (B-cubed), and `storyclust
eval --pred` scores both against the gold labels at the same grain. It also prints the one run's wall time and peak memory, and the
scheduled runs' total wall time and largest peak memory. `make agreement`
runs it on the dev sets and a synthetic stream; see docs/SCHEDULED.md.

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

from bench import run  # wall time and peak memory of a child process


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
    """Write the rows of path into one file per day (or per chunk); return their paths in order.

    Two passes over the file, so that a corpus larger than memory splits too."""
    keys = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                keys.append(day_of(json.loads(line)))
    if sum(1 for k in keys if k) >= len(keys) / 2:
        keys = [k or "0000-00-00" for k in keys]  # undated rows go with the first run
    else:
        size = -(-len(keys) // chunks)
        keys = [f"part{i // size:04d}" for i in range(len(keys))]
    files = {k: open(os.path.join(into, k + ".jsonl"), "w", encoding="utf-8") for k in set(keys)}
    with open(path, encoding="utf-8") as f:
        rows = (line for line in f if line.strip())
        for k, line in zip(keys, rows):
            files[k].write(line if line.endswith("\n") else line + "\n")
    for f in files.values():
        f.close()
    return [files[k].name for k in sorted(files)]


def storyclust(binary, *args):
    return subprocess.run([binary, *args], check=True, capture_output=True, text=True).stdout


def bcubed_f1(binary, path, pred, level):
    return json.loads(storyclust(binary, "eval", "--json", "--level", level, "--pred", pred, path))[0]["b_cubed_f1"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default="bin/storyclust")
    ap.add_argument("--chunks", type=int, default=5, help="runs for a file without dates")
    ap.add_argument("--log", help="append each scheduled run's part, wall seconds and peak MiB to this file")
    ap.add_argument("--level", default="story", choices=["story", "storyline"], help="the grain compared and scored")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    print(f"grain: {args.level}")
    print(f"{'file':24} {'runs':>5} {'articles':>8} {'agreement B3 F1':>16} {'one run F1':>11} {'scheduled F1':>13}"
          f" {'one run s':>10} {'MiB':>6} {'scheduled s':>12} {'max MiB':>8}")
    for path in args.files:
        with tempfile.TemporaryDirectory() as tmp:
            parts = split(path, args.chunks, tmp)
            one, inc, state = (os.path.join(tmp, d) for d in ("one", "inc", "state"))
            one_s, one_mib, _ = run([args.bin, "run", "--quiet", "--out", one, *parts])
            inc_s, inc_mib = 0.0, 0.0
            for p in parts:
                s, mib, _ = run([args.bin, "run", "--quiet", "--state", state, "--out", inc, p])
                inc_s, inc_mib = inc_s + s, max(inc_mib, mib)
                if args.log:
                    with open(args.log, "a", encoding="utf-8") as log:
                        log.write(f"{os.path.basename(p)} {s:.1f} {mib:.0f}\n")
            agree = json.loads(storyclust(args.bin, "compare", "--json", "--level", args.level, one, inc))
            print(f"{os.path.basename(path):24} {len(parts):5d} {agree['items']:8d} "
                  f"{agree['b_cubed_f1']:16.3f} {bcubed_f1(args.bin, path, one, args.level):11.3f} "
                  f"{bcubed_f1(args.bin, path, inc, args.level):13.3f} {one_s:10.1f} {one_mib:6.0f} {inc_s:12.1f} {inc_mib:8.0f}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
