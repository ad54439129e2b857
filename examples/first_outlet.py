"""Which outlet reported each story first, and how long the others took.

Run after `storyclust run` (default output folder: out):

    python3 examples/first_outlet.py [OUT_DIR]
"""
import sys

import pandas as pd

out = sys.argv[1] if len(sys.argv) > 1 else "out"
stories = pd.read_parquet(f"{out}/stories.parquet")
outlets = pd.read_parquet(f"{out}/story_outlets.parquet")

# Rows of story_outlets come in order of first report within each story.
# Outlets that reported at the same moment (dates without a time often tie)
# share first place.
dated = outlets.dropna(subset=["first_published"]).copy()
dated["outlet"] = dated["outlet"].astype(str)
earliest = dated.groupby("story_id")["first_published"].transform("min")
leaders = dated[dated["first_published"] == earliest]
first = leaders.groupby("story_id").agg(
    outlet=("outlet", lambda o: o.iloc[0] if len(o) == 1 else "tie: " + ", ".join(o)),
    first_published=("first_published", "first"),
    headline=("headline", "first"))
others = dated.groupby("story_id")["lag_seconds"].agg(
    median_lag_hours=lambda s: s.iloc[1:].median() / 3600 if len(s) > 1 else float("nan"))
table = (stories.set_index("story_id")[["label", "n_outlets", "n_independent"]]
         .join(first, how="inner").join(others)
         .sort_values(["n_outlets", "first_published"], ascending=[False, True]))
print(table.head(15).to_string())

# Which outlets are most often first on a story covered by at least three?
wide = table[table.n_outlets >= 3]
print()
print("alone first on stories with 3+ outlets:")
print(wide[~wide["outlet"].str.startswith("tie: ")]["outlet"].value_counts().head(10).to_string())
