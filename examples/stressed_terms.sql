-- Which terms did each outlet stress in story S, and when did it report?
-- S is the story with the most outlets unless set first, as in
--   SET VARIABLE story = 's-…';
-- Run from the folder that holds the output (out/):
--   duckdb < examples/stressed_terms.sql
SELECT o.outlet,
       o.first_published,
       o.lag_seconds / 3600.0 AS lag_hours,
       o.headline,
       o.distinctive_terms[1:5] AS stressed,
       list_transform(o.scores[1:5], lambda x: round(x, 2)) AS z,
       o.n_wire_copies
FROM 'out/story_outlets.parquet' AS o
WHERE o.story_id = coalesce(
        getvariable('story'),
        (SELECT story_id FROM 'out/stories.parquet' ORDER BY n_outlets DESC, story_id LIMIT 1))
ORDER BY o.first_published NULLS LAST, o.outlet;
