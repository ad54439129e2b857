// Package pipeline runs the storyclust batch job: read the inputs, vectorise
// the articles, group them into stories, and write the output tables and the
// run manifest.
//
// Run owns the wiring: which files are read (in parallel, results kept in
// input order), which rows are rejected and why, the canonical article order
// that makes the output independent of input order, progress reporting, and
// the order in which outputs appear (tables first, each renamed into place,
// then _manifest.json). Parsing lives in package data, text analysis in
// vectorize, and clustering in cluster.
package pipeline
