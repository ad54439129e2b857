"""Read the accumulated output of scheduled storyclust runs in pandas
(pyarrow) and DuckDB, as the README says, and check that it is one
consistent dataset: each article and story once, partitions that match the
dates, story counts that match the articles. Usage: check_scheduled.py OUT
N_ARTICLES. Exits non-zero on the first failure."""
import sys

import duckdb
import pandas as pd

out, want = sys.argv[1], int(sys.argv[2])


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        sys.exit(1)


arts = pd.read_parquet(f"{out}/articles")
check(len(arts) == want, f"pandas reads {len(arts)} articles, want {want}")
check(arts["article_id"].is_unique, "article_id is unique")
check(str(arts["published_at"].dtype) == "datetime64[us, UTC]", f"articles.published_at is {arts['published_at'].dtype}")
check(isinstance(arts["outlet"].dtype, pd.CategoricalDtype), f"articles.outlet is {arts['outlet'].dtype}")
dates = arts["published_at"].dt.strftime("%Y-%m-%d").fillna("undated")
check((dates == arts["date"].astype(str)).all(), "each article is in the partition of its publication date")

stories = pd.read_parquet(f"{out}/stories")
check(stories["story_id"].is_unique, f"{len(stories)} stories, each once")
counts = arts.groupby("story_id").size()
joined = stories.set_index("story_id")["n_articles"]
check(set(counts.index) == set(joined.index), "articles and stories name the same stories")
check((counts.sort_index() == joined.sort_index()).all(), "n_articles of each story counts its articles")

outlets = pd.read_parquet(f"{out}/story_outlets")
check(set(outlets["story_id"]) <= set(stories["story_id"]), "story_outlets names only current stories")

lineage = pd.read_parquet(f"{out}/story_lineage")
check(set(lineage["relation"]) <= {"continue", "merge", "split", "new"}, f"lineage relations {sorted(set(lineage['relation']))}")
check(set(stories["story_id"]) <= set(lineage["story_id"]), "every story has a lineage")
pd.read_parquet(f"{out}/rejects")

db = duckdb.sql(f"""
    SELECT count(*) AS n, count(DISTINCT article_id) AS ids, count(DISTINCT story_id) AS stories
    FROM read_parquet('{out}/articles/**/*.parquet', hive_partitioning = true)
""").fetchall()[0]
check(db == (want, want, len(stories)), f"DuckDB reads {db}, want ({want}, {want}, {len(stories)})")
bad = duckdb.sql(f"""
    SELECT count(*) FROM read_parquet('{out}/stories/**/*.parquet', hive_partitioning = true) s
    JOIN (SELECT story_id, count(*) AS n FROM read_parquet('{out}/articles/**/*.parquet', hive_partitioning = true) GROUP BY story_id) a
    USING (story_id) WHERE a.n <> s.n_articles
""").fetchall()[0][0]
check(bad == 0, "DuckDB: story counts match their articles")
runs = duckdb.sql(f"SELECT count(DISTINCT run) FROM read_parquet('{out}/story_lineage/*/*.parquet', hive_partitioning = true)").fetchall()[0][0]
check(runs >= 1, f"DuckDB reads the lineage of {runs} runs")
