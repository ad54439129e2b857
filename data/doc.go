// Package data reads news articles from the files researchers already have.
//
// Readers exist for JSON (JSONL, news-please's pretty-printed objects,
// arrays, NewsAPI's wrapped articles), CSV/TSV (All-the-News and similar;
// the separator sniffed), Parquet (Hugging Face style) and plain-text
// articles with wire datelines. Open decodes text files from UTF-8, UTF-16
// or Windows-1252 (detected) or a named encoding, and bounds what one input
// may expand to. Each reader looks like encoding/csv.Reader: NewXReader wraps an
// io.Reader, Read returns one Article at a time and io.EOF at the end. A row
// that cannot be used comes back as a *ParseError naming the file and line;
// the reader stays usable and the next Read continues with the next row. Any
// other error ends the file.
//
// Column names are mapped from common spellings by a FieldMap, members of
// nested objects and structs by their dotted paths; dates are parsed by
// ParseDate from the formats news data actually uses, digit strings told
// apart by their length; outlets given as host names become their
// registered domains (OutletFromHost).
//
// Sample returns the small multi-outlet corpus embedded in the binary.
package data
