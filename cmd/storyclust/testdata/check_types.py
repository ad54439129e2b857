"""Open every output table of a storyclust run in pandas (pyarrow) and DuckDB
and check the column types a notebook user relies on. Prints one line per
check; exits non-zero on the first failure."""
import sys

import duckdb
import pandas as pd
import pyarrow.parquet as pq

out = sys.argv[1]


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        sys.exit(1)


arts = pd.read_parquet(f"{out}/articles.parquet")
check(str(arts["published_at"].dtype) == "datetime64[us, UTC]", f"pandas articles.published_at is {arts['published_at'].dtype}")
check(isinstance(arts["outlet"].dtype, pd.CategoricalDtype), f"pandas articles.outlet is {arts['outlet'].dtype}")
check(isinstance(arts["language"].dtype, pd.CategoricalDtype), f"pandas articles.language is {arts['language'].dtype}")
check(str(arts["similarity"].dtype) == "float32", f"pandas articles.similarity is {arts['similarity'].dtype}")
check(str(arts["source_line"].dtype) == "int64", f"pandas articles.source_line is {arts['source_line'].dtype}")
check(arts["similarity"].between(0, 1).all(), "similarity within [0, 1], no NaN")
check(arts["article_id"].is_unique, "article_id is unique")
meta = pq.read_schema(f"{out}/articles.parquet").metadata or {}
check(b"storyclust.threshold" in meta and b"storyclust.window" in meta, f"pyarrow schema metadata has the run parameters: {sorted(meta)}")

stories = pd.read_parquet(f"{out}/stories.parquet")
check(str(stories["first_published"].dtype) == "datetime64[us, UTC]", f"pandas stories.first_published is {stories['first_published'].dtype}")
check(all(all(isinstance(t, str) for t in x) for x in stories["top_terms"]) and len(stories["top_terms"].iloc[0]) > 0,
      "pandas stories.top_terms holds lists of strings")
check(len(stories["outlets"].iloc[0]) == stories["n_outlets"].iloc[0], "outlets list matches n_outlets")
check(stories["n_articles"].sum() == len(arts), "every article is in exactly one story")
check(set(arts["story_id"]) == set(stories["story_id"]), "story ids join")

schema = pq.read_schema(f"{out}/stories.parquet")
check(str(schema.field("top_terms").type) == "list<element: string>", f"arrow stories.top_terms is {schema.field('top_terms').type}")
check(str(schema.field("first_published").type) == "timestamp[us, tz=UTC]", f"arrow first_published is {schema.field('first_published').type}")
meta = pq.read_metadata(f"{out}/stories.parquet").metadata
check(b"storyclust.threshold" in meta, "parameters in key-value metadata")
check(pq.ParquetFile(f"{out}/articles.parquet").metadata.row_group(0).column(0).compression == "ZSTD", "ZSTD compression")

check(str(arts["is_wire_copy"].dtype) == "bool", f"pandas articles.is_wire_copy is {arts['is_wire_copy'].dtype}")
copies = arts[arts["is_wire_copy"]]
check(copies["duplicate_of"].isin(arts["article_id"]).all(), "duplicate_of names an article for every wire copy")
same = arts[~arts["is_wire_copy"] & arts["duplicate_of"].notna()].merge(
    arts, left_on="duplicate_of", right_on="article_id", suffixes=("", "_of"))
check(len(same) == (~arts["is_wire_copy"] & arts["duplicate_of"].notna()).sum()
      and (same["outlet"].astype(str) == same["outlet_of"].astype(str)).all()
      and (same["title"] == same["title_of"]).all() and (same["story_id"] == same["story_id_of"]).all(),
      f"the {len(same)} other duplicates name an article of their outlet and story with their title")
check((stories["n_independent"] <= stories["n_outlets"]).all(), "n_independent <= n_outlets")

so = pd.read_parquet(f"{out}/story_outlets.parquet")
check(isinstance(so["outlet"].dtype, pd.CategoricalDtype), f"pandas story_outlets.outlet is {so['outlet'].dtype}")
check(str(so["first_published"].dtype) == "datetime64[us, UTC]", f"pandas story_outlets.first_published is {so['first_published'].dtype}")
check(all(len(t) == len(s) for t, s in zip(so["distinctive_terms"], so["scores"])), "one score per distinctive term")
check((so.groupby("story_id").size().reindex(stories["story_id"]).fillna(0).values == stories["n_outlets"].values).all(),
      "one story_outlets row per outlet of each story")
check((so["lag_seconds"].dropna() >= 0).all(), "lags are not negative")
sos = pq.read_schema(f"{out}/story_outlets.parquet")
check(str(sos.field("scores").type) == "list<element: float>", f"arrow story_outlets.scores is {sos.field('scores').type}")

lines = pd.read_parquet(f"{out}/storylines.parquet")
check(set(stories["storyline_id"]) == set(lines["storyline_id"]), "every story is in a storyline, and storyline ids join")
check((arts.merge(stories[["story_id", "storyline_id"]], on="story_id", suffixes=("", "_s"))
       .eval("storyline_id == storyline_id_s").all()), "articles.storyline_id is their story's")
check((stories.groupby("storyline_id").size().reindex(lines["storyline_id"]).values == lines["n_stories"].values).all(),
      "n_stories counts each storyline's stories")
check((stories.groupby("storyline_id")["n_articles"].sum().reindex(lines["storyline_id"]).values == lines["n_articles"].values).all(),
      "n_articles sums its stories' articles")
check(str(lines["first_published"].dtype) == "datetime64[us, UTC]", f"pandas storylines.first_published is {lines['first_published'].dtype}")

rejects = pd.read_parquet(f"{out}/rejects.parquet")
check(list(rejects.columns) == ["source_file", "source_line", "reason", "raw"], f"rejects columns {list(rejects.columns)}")

con = duckdb.connect()
types = dict((r[0], r[1]) for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{out}/articles.parquet')").fetchall())
check(types["published_at"] == "TIMESTAMP WITH TIME ZONE", f"duckdb articles.published_at is {types['published_at']}")
check(types["similarity"] == "FLOAT", f"duckdb articles.similarity is {types['similarity']}")
stypes = dict((r[0], r[1]) for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{out}/stories.parquet')").fetchall())
check(stypes["top_terms"] == "VARCHAR[]", f"duckdb stories.top_terms is {stypes['top_terms']}")
check(stypes["n_outlets"] == "INTEGER", f"duckdb stories.n_outlets is {stypes['n_outlets']}")
n = con.execute(f"""SELECT count(*) FROM read_parquet('{out}/articles.parquet') a
                    JOIN read_parquet('{out}/stories.parquet') s USING (story_id)""").fetchone()[0]
check(n == len(arts), "duckdb joins articles to stories")
otypes = dict((r[0], r[1]) for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{out}/story_outlets.parquet')").fetchall())
check(otypes["distinctive_terms"] == "VARCHAR[]" and otypes["scores"] == "FLOAT[]", f"duckdb story_outlets lists are {otypes['distinctive_terms']}, {otypes['scores']}")
check(otypes["lag_seconds"] == "DOUBLE", f"duckdb story_outlets.lag_seconds is {otypes['lag_seconds']}")
ltypes = dict((r[0], r[1]) for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{out}/storylines.parquet')").fetchall())
check(ltypes["top_terms"] == "VARCHAR[]" and ltypes["n_stories"] == "INTEGER", f"duckdb storylines.top_terms is {ltypes['top_terms']}, n_stories {ltypes['n_stories']}")
rtypes = dict((r[0], r[1]) for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{out}/rejects.parquet')").fetchall())
check(rtypes["source_line"] == "BIGINT", f"duckdb rejects.source_line is {rtypes['source_line']}")
