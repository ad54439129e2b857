// Command storyclust-beam runs storyclust's job over a corpus too large
// for one machine, as an Apache Beam pipeline: on Prism in process by
// default, or on Flink, Spark or Dataflow with Beam's runner flags.
//
// It reads the inputs with the readers of storyclust run, drops
// duplicate ids, and cuts the articles into shards by publication time
// (weeks or months), each with the articles of the --window before it
// (the overlap). A first pass counts every shard's document frequencies
// and adds them up, so that every shard weighs terms by the idf of the
// whole corpus; a second clusters each shard with the code of storyclust
// run. The stitch then joins the stories that cross a seam: a story of a
// shard that holds overlap articles continues the story of the shard
// before that holds most of them. The stitched stories are grouped by
// the shard of their first article; one worker links every story into
// storylines and writes that table, and each group's other tables are
// built and written by the worker that holds it, as Parquet parts of one
// folder per table. Undated articles, which have no place in time, are a
// shard of their own.
//
// The output has the tables of storyclust run (articles, stories,
// story_outlets, storylines, rejects), each a folder of parts, and
// _manifest.json, whose counts add up over the shards. A local output is
// published as a whole, as storyclust run publishes one. See
// docs/BACKFILL.md.
package main
