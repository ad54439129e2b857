"""The recipe a researcher would write with scikit-learn, scored like
`storyclust eval`: TF-IDF (sublinear tf, English stop words) over title and
text, then agglomerative clustering with average linkage and a cosine
distance threshold. One threshold for every file, chosen on the development
sets (--sweep prints the whole curve).

    python3 docs/baseline/sklearn_recipe.py ../shared/data/dev/*.jsonl
"""
import argparse
import collections
import json
import sys

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer

# Chosen on ../shared/data/dev with --sweep: the best mean B-cubed F1.
DEFAULT_DISTANCE = 0.825


def bcubed(gold, pred):
    both = collections.Counter(zip(gold, pred))
    gs, ps = collections.Counter(gold), collections.Counter(pred)
    n = len(gold)
    p = sum(c * c / ps[pp] for (g, pp), c in both.items()) / n
    r = sum(c * c / gs[g] for (g, pp), c in both.items()) / n
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def cluster(texts, distance):
    x = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    if x.shape[0] < 2:
        return [0] * x.shape[0]
    model = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                    distance_threshold=distance)
    # Rows without any term have no direction; give them a private one so
    # that cosine is defined (they stay singletons).
    dense = x.toarray()
    empty = ~dense.any(axis=1)
    if empty.any():
        pad = np.zeros((dense.shape[0], int(empty.sum())))
        pad[np.where(empty)[0], np.arange(int(empty.sum()))] = 1
        dense = np.hstack([dense, pad])
    return model.fit_predict(dense).tolist()


def load(path, label):
    rows = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    texts = [((r.get("title") or "") + " " + (r.get("text") or "")).strip() for r in rows]
    return texts, [r[label] for r in rows]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+")
    ap.add_argument("--label", default="event")
    ap.add_argument("--distance", type=float, default=DEFAULT_DISTANCE)
    ap.add_argument("--sweep", action="store_true", help="print mean B-cubed F1 for a range of thresholds")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    data = {f: load(f, args.label) for f in args.files}
    if args.sweep:
        for d in np.arange(0.5, 1.0, 0.025):
            f1s = [bcubed(g, cluster(t, d))[2] for t, g in data.values()]
            print(f"distance {d:.3f}  mean B3 F1 {np.mean(f1s):.3f}  " + "  ".join(f"{x:.3f}" for x in f1s))
        return
    results = []
    for f, (texts, gold) in data.items():
        pred = cluster(texts, args.distance)
        p, r, f1 = bcubed(gold, pred)
        results.append({"file": f, "items": len(gold), "gold": len(set(gold)), "pred": len(set(pred)),
                        "b3_precision": p, "b3_recall": r, "b3_f1": f1})
    if args.json:
        json.dump(results, sys.stdout, indent=2)
        return
    print(f"{'file':>22} {'articles':>8} {'gold':>5} {'pred':>5} {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6}")
    for r in results:
        print(f"{r['file'].split('/')[-1]:>22} {r['items']:>8} {r['gold']:>5} {r['pred']:>5} "
              f"{r['b3_precision']:6.3f} {r['b3_recall']:6.3f} {r['b3_f1']:6.3f}")
    print(f"{'mean':>22} {'':>8} {'':>5} {'':>5} {np.mean([r['b3_precision'] for r in results]):6.3f} "
          f"{np.mean([r['b3_recall'] for r in results]):6.3f} {np.mean([r['b3_f1'] for r in results]):6.3f}")


if __name__ == "__main__":
    main()
