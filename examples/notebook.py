# %% [markdown]
# # storyclust in a notebook
#
# A percent-format notebook (Jupyter, VS Code and jupytext open it as
# cells; `python3 examples/notebook.py` runs it whole). It needs the
# Python package: `pip install .` from a clone of storyclust.

# %%
import pandas as pd

import storyclust

# %% [markdown]
# Run on the sample corpus embedded in the binary (any path, list of paths
# or DataFrame works the same), with the flags of `storyclust run` in snake
# case. The tables come back as DataFrames.

# %%
res = storyclust.run(quiet=True, window="72h")
print(res.manifest["counts"]["clustered"], "articles in", len(res.stories), "stories")
res.stories.sort_values("n_outlets", ascending=False)[["label", "n_outlets", "n_articles"]].head()

# %% [markdown]
# A DataFrame in: here the articles of the three biggest stories, run
# again on their own.

# %%
big = res.stories.nlargest(3, "n_outlets").story_id
rows = res.articles[res.articles.story_id.isin(big)]
print(len(rows), "articles of the three biggest stories")

# %% [markdown]
# The outlets in the most stories, and how many of their articles are wire
# copies of another outlet's.

# %%
so = res.story_outlets
summary = so.groupby("outlet", observed=True).agg(stories=("story_id", "size"), wire_copies=("n_wire_copies", "sum"))
print(summary.sort_values("stories", ascending=False).head(5).to_string())

# %% [markdown]
# With an outlets file, attributes come with every row, and --group-by
# counts each story's coverage per group.

# %%
grouped = storyclust.run(quiet=True, outlets="examples/outlets.csv", group_by="country")
only = grouped.story_groups[grouped.story_groups.only_group]
print(only.merge(grouped.stories[["story_id", "label"]], on="story_id")[["label", "group", "n_outlets"]].head().to_string())
assert set(grouped.story_outlets.columns) >= {"country", "kind"}
