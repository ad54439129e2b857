// Package pipeline runs the storyclust batch job: read the inputs, vectorise
// the articles, group them into stories, and write the output tables and the
// run manifest.
//
// Run owns the wiring: which files are read (in parallel, results kept in
// input order), which rows are rejected and why, the canonical article order
// that makes the output independent of input order, progress reporting,
// cancellation (checked on every row read and before anything is
// published), and how outputs appear: a one-off run writes its tables and
// _manifest.json as one new version of the output directory and publishes
// it with one rename (publishTables, package snapshot). Parsing lives in
// package data, the output tables in data/table, text analysis in
// vectorize, and clustering in cluster.
//
// With Config.State, runs are scheduled runs that grow one dataset:
// runScheduled merges each run's articles with the live stories kept in
// the state (state.go, its tables in statetables.go), names stories so that they keep their ids
// (lineage.go), writes the changed Hive partitions of a new version of the
// output (scheduled.go), and publishes output and state as a whole
// (package snapshot).
//
// Memory: a run holds every article it clusters, as raw term counts and,
// but for the linkage, a weighted vector (the texts are let go once
// vectorised; the weights are computed again from the counts after the
// linkage), and the candidate edges between them, until its tables are
// built, because average linkage and the story summaries need all of them;
// only the candidate search is bounded by the time window. A one-off run
// lets all of it go before its tables are encoded. Scheduled runs bound
// the whole by the window: the state keeps the live stories' articles, not
// the corpus, and each run clusters only those and its own.
package pipeline
