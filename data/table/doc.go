// Package table writes the job's output tables and reads them back.
//
// A Table is a named Arrow schema with rows appended one at a time; Stage
// writes it to Parquet (ZSTD, Arrow schema stored, timestamps as
// timestamp[us, UTC], outlet and language as dictionary columns) or to an
// Arrow IPC file with the same schema, under a temporary name that Commit
// renames into place. The schemas of the output tables (articles, stories,
// story_outlets, rejects) and of labelled corpora live here, with a row type
// and an Append method each; other tables of the job (a scheduled run's
// state) build on Row, AppendString, AppendTime, Rows and ReadRows.
//
// Read reads a run's tables back, from single files or Hive partitions;
// package data/report renders them as one self-contained HTML page.
package table
