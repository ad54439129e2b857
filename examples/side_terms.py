"""Which terms each side stresses on the stories both sides covered.

Run after `storyclust run --outlets OUTLETS.csv --group-by ATTRIBUTE`
(default output folder: out):

    python3 examples/side_terms.py [OUT_DIR]

framing.parquet holds the pooled answer: per group, the terms it uses more
than the other groups within the same stories, with their z-scores. Below
it, the stories that most groups covered, and the terms each outlet
stressed in each (story_outlets, at the run's --min-z).
"""
import json
import sys

import pandas as pd

out = sys.argv[1] if len(sys.argv) > 1 else "out"
with open(f"{out}/_manifest.json") as f:
    attribute = json.load(f)["parameters"]["group_by"]
framing = pd.read_parquet(f"{out}/framing.parquet")
groups = pd.read_parquet(f"{out}/story_groups.parquet")
outlets = pd.read_parquet(f"{out}/story_outlets.parquet")
labels = pd.read_parquet(f"{out}/stories.parquet").set_index("story_id")["label"]

print(f"terms each {attribute} uses more than the others, on the stories they all covered:")
for group, terms in framing.groupby("group", observed=True, sort=True):
    top = terms.nlargest(10, "z")
    print(f"  {group}: " + ", ".join(f"{t} ({z:.1f})" for t, z in zip(top.term, top.z)))

# The stories covered by two or more groups, widest first.
known = groups.dropna(subset=["group"])
width = known.groupby("story_id").agg(n_groups=("group", "nunique"), n_outlets=("n_outlets", "sum"))
shared = width[width.n_groups >= 2].sort_values(["n_groups", "n_outlets"], ascending=False)
print()
print(f"{len(shared)} stories covered by two or more values of {attribute}; the widest:")
for sid in shared.index[:5]:
    print(f"  {labels[sid][:80]}")
    for _, r in outlets[outlets.story_id == sid].sort_values(attribute).iterrows():
        terms = ", ".join(r.distinctive_terms) or "-"
        print(f"    {str(r.outlet)[:24]:24} {str(r[attribute]):8} {terms}")
