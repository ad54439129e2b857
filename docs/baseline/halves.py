"""Split labelled JSONL sets in two by gold story, to see how much the scores
of one set move with the choice of its stories (docs/QUALITY.md).

    python3 docs/baseline/halves.py OUT_DIR ../shared/data/dev/*.jsonl
    storyclust eval OUT_DIR/*.jsonl
    python3 docs/baseline/sklearn_recipe.py OUT_DIR/*.jsonl

A story goes to the half given by the parity of the SHA-1 of its label; in
ECB+ the two events of a topic (labels ending in "ecb" and "ecbplus") stay
together.
"""
import hashlib
import json
import os
import sys


def main():
    out, files = sys.argv[1], sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    for path in files:
        name = os.path.basename(path).removesuffix(".jsonl")
        halves = [open(os.path.join(out, f"{name}-h{h}.jsonl"), "w") for h in (0, 1)]
        with open(path, encoding="utf-8") as f:
            for line in f:
                event = json.loads(line)["event"]
                key = event.removesuffix("plus") if "ecb" in event else event
                halves[int(hashlib.sha1(key.encode()).hexdigest(), 16) % 2].write(line)
        for h in halves:
            h.close()


if __name__ == "__main__":
    main()
