"""End-to-end benchmark: storyclust on synthetic corpora of several sizes,
beside the scikit-learn recipe a user would try at scale, on one machine in
one run. `make bench` runs it and writes the table to docs/bench/results.md
(with the machine, the commit and the date); see docs/PERFORMANCE.md.

    python3 docs/bench/bench.py --bin bin/storyclust --sizes 100000 1000000 --sklearn 10000 20000 50000 --results docs/bench/results.md
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time


def run(cmd, **kw):
    """Run cmd; return (wall seconds, peak RSS in MiB, stdout)."""
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, **kw)
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.monotonic() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{cmd[0]} failed: {cmd}")
    return wall, usage.ru_maxrss / 1024, out.decode()


def text_mb(path):
    """The raw text of a corpus, title and body, in MB of UTF-8: what the
    vectorise stage reads, and what scikit-learn's vectoriser is given."""
    total = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            total += len((r["title"] or "").encode()) + len((r["text"] or "").encode())
    return total / 1e6


def bcubed_of_eval(text):
    # The last line of `storyclust eval` is the mean row: B3 P, R, F1, ...
    fields = text.strip().splitlines()[-1].split()
    return float(fields[3])


SKLEARN = r"""
import json, sys, time, collections
import numpy as np
from sklearn.cluster import DBSCAN
from sklearn.feature_extraction.text import TfidfVectorizer
rows = [json.loads(l) for l in open(sys.argv[1])][: int(sys.argv[2])]
texts = [(r["title"] or "") + " " + (r["text"] or "") for r in rows]
t0 = time.monotonic()
x = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
t1 = time.monotonic()
labels = DBSCAN(eps=float(sys.argv[3]), min_samples=1, metric="cosine", n_jobs=-1).fit_predict(x)
t2 = time.monotonic()
gold = [r["event"] for r in rows]
both = collections.Counter(zip(gold, labels)); gs = collections.Counter(gold); ps = collections.Counter(labels)
p = sum(c * c / ps[b] for (a, b), c in both.items()) / len(gold)
r = sum(c * c / gs[a] for (a, b), c in both.items()) / len(gold)
print(json.dumps({"vectorize_s": t1 - t0, "cluster_s": t2 - t1, "f1": 2 * p * r / (p + r)}))
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="bin/storyclust")
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--sklearn", type=int, nargs="*", default=[10_000, 20_000, 50_000])
    ap.add_argument("--eps", type=float, default=0.6, help="DBSCAN cosine distance")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--vocab", default="../shared/data/dev", help="real text for the generator's word frequencies")
    ap.add_argument("--dir", default=None, help="where to keep the corpora (default: a temporary folder)")
    ap.add_argument("--results", default=None, help="write the tables, with the machine, commit and date, to this Markdown file")
    args = ap.parse_args()
    work = args.dir or tempfile.mkdtemp(prefix="storyclust-bench-")
    os.makedirs(work, exist_ok=True)
    try:
        bench(args, work)
    finally:
        if not args.dir:
            shutil.rmtree(work, ignore_errors=True)  # the corpora take gigabytes


def machine():
    """The CPU model, cores and memory of this machine, in a few words."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            mem = int(f.readline().split()[1]) / 1024 / 1024
        return f"{model}, {os.cpu_count()} cores, {mem:.0f} GiB"
    except OSError:
        return f"{model}, {os.cpu_count()} cores"


def commit():
    try:
        out = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True, text=True, check=True)
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def bench(args, work):
    vocab = ["--vocab", args.vocab] if os.path.isdir(args.vocab) else []
    version = subprocess.run([args.bin, "version"], capture_output=True, text=True).stdout.strip()
    head = [
        f"Machine: {machine()}. Build: {version} (commit {commit()}). Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC.",
        "",
        "MB/s: the input file's bytes over the wall time; vec MB/s: the raw text (titles and bodies) over the vectorise stage; stage times in seconds.",
        "",
    ]
    rows = ["| articles | wall s | articles/s | MB/s | peak MiB | read | vectorize | vec MB/s | cluster | storylines | write | B³ F1 |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    print(f"machine: {machine()}; corpora in {work}")
    print("MB/s: the input file's bytes over the wall time; vec MB/s: the raw text (titles and bodies) over the vectorise stage")
    print(f"{'articles':>9} {'wall s':>7} {'art/s':>8} {'MB/s':>6} {'peak MiB':>8} {'read':>6} {'vector':>6} {'vec MB/s':>8} {'cluster':>7} {'lines':>6} {'write':>6} {'B3 F1':>6}")
    sizes = sorted(set(args.sizes + args.sklearn))
    corpus = {}
    for n in sizes:
        path = os.path.join(work, f"synth-{n}-s{args.seed}.jsonl")
        if not os.path.exists(path):
            run([args.bin, "synth", "--articles", str(n), "--seed", str(args.seed), "--out", path] + vocab, stderr=subprocess.DEVNULL)
        corpus[n] = path
    ours = {}
    for n in sizes:
        out = os.path.join(work, f"out-{n}")
        wall, rss, _ = run([args.bin, "run", "--quiet", "--out", out, corpus[n]])
        m = json.load(open(os.path.join(out, "_manifest.json")))
        secs = {s["stage"]: s["seconds"] for s in m["seconds"]}
        mb = os.path.getsize(corpus[n]) / 1e6
        _, _, ev = run([args.bin, "eval", "--pred", out, corpus[n]])
        f1 = bcubed_of_eval(ev)
        text = text_mb(corpus[n])
        vec = text / secs["vectorize"]
        ours[n] = (wall, vec, text)
        print(f"{n:>9} {wall:>7.1f} {n / wall:>8.0f} {mb / wall:>6.1f} {rss:>8.0f} {secs['read']:>6.1f} {secs['vectorize']:>6.1f} {vec:>8.1f} {secs['cluster']:>7.1f} {secs.get('storylines', 0):>6.1f} {secs['write']:>6.1f} {f1:>6.3f}")
        rows.append(f"| {n:,} | {wall:.1f} | {n / wall:,.0f} | {mb / wall:.1f} | {rss:,.0f} | {secs['read']:.1f} | {secs['vectorize']:.1f} | {vec:.1f} | {secs['cluster']:.1f} | {secs.get('storylines', 0):.1f} | {secs['write']:.1f} | {f1:.3f} |")
    skl = []
    if args.sklearn:
        skl = ["", "scikit-learn (TfidfVectorizer + DBSCAN, cosine, sparse input) on the first N articles of the same corpora; the last two columns divide storyclust's wall time and vec MB/s by these:", "",
               "| articles | wall s | vectorize s | vec MB/s | cluster s | peak MiB | B³ F1 | storyclust × faster | × vec MB/s |",
               "|---|---|---|---|---|---|---|---|---|"]
        print()
        print("scikit-learn (TfidfVectorizer + DBSCAN, cosine, sparse) on the same corpora:")
        print("vec MB/s: the raw text over TfidfVectorizer's fit_transform; the last two columns divide storyclust's wall time and vec MB/s by these")
        print(f"{'articles':>9} {'wall s':>7} {'vector s':>8} {'vec MB/s':>8} {'cluster s':>9} {'peak MiB':>8} {'B3 F1':>6} {'x faster':>8} {'x vec MB/s':>10}")
        for n in args.sklearn:
            wall, rss, out = run([sys.executable, "-c", SKLEARN, corpus[n], str(n), str(args.eps)])
            r = json.loads(out)
            vec = ours[n][2] / r["vectorize_s"]
            print(f"{n:>9} {wall:>7.1f} {r['vectorize_s']:>8.1f} {vec:>8.1f} {r['cluster_s']:>9.1f} {rss:>8.0f} {r['f1']:>6.3f} {wall / ours[n][0]:>8.1f} {ours[n][1] / vec:>10.1f}")
            skl.append(f"| {n:,} | {wall:.1f} | {r['vectorize_s']:.1f} | {vec:.1f} | {r['cluster_s']:.1f} | {rss:,.0f} | {r['f1']:.3f} | {wall / ours[n][0]:.1f} | {ours[n][1] / vec:.1f} |")
    if args.results:
        with open(args.results, "w") as f:
            f.write("# Benchmark results\n\nWritten by `make bench` (docs/bench/bench.py); do not edit by hand.\n\n")
            f.write("\n".join(head + rows + skl) + "\n")
        print(f"\nwrote {args.results}")


if __name__ == "__main__":
    main()
