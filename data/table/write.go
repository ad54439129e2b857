package table

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
	"github.com/storyclust/storyclust/data"
)

// Format is the file format of the output tables.
type Format string

const (
	Parquet Format = "parquet"
	Arrow   Format = "arrow" // Arrow IPC file format
)

// Ext returns the file name extension of the format, with the dot.
func (f Format) Ext() string { return "." + string(f) }

// rowGroupRows is the number of rows per Parquet row group. Each row group
// is written as one batch (see Stage). Arrow v15 builds a new ZSTD encoder
// for every page it compresses, and a column chunk of a smaller row group
// is mostly a single small page: larger groups build fewer encoders and
// allocate less (BenchmarkStageStoryOutlets).
var rowGroupRows = 64 << 10

// Table is a named Arrow schema with rows appended through its builder. Rows
// are cut into records of at most rowGroupRows rows, each written as one
// Parquet row group.
type Table struct {
	Name   string
	Schema *arrow.Schema
	// Snappy compresses Parquet pages with Snappy instead of ZSTD. Arrow
	// v15 builds a new ZSTD encoder for every page it compresses, which
	// costs more than the compression of a small file, and a scheduled
	// run writes many small partitions (make agreement's daily runs).
	Snappy bool
	b      *array.RecordBuilder
	n      int // rows in b
	recs   []arrow.Record
}

// Row starts a new row and returns the builders of its columns, in schema
// order; the caller appends one value to each.
func (t *Table) Row() []array.Builder {
	if t.n == rowGroupRows {
		t.flush()
	}
	t.n++
	return t.b.Fields()
}

func (t *Table) flush() {
	if t.n > 0 || len(t.recs) == 0 {
		t.recs = append(t.recs, t.b.NewRecord())
	}
	t.n = 0
}

var (
	TimestampUTC = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	dictStr      = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	strList      = arrow.ListOf(arrow.BinaryTypes.String)
)

// ArticlesSchema is the schema of articles.parquet.
var ArticlesSchema = arrow.NewSchema([]arrow.Field{
	{Name: "article_id", Type: arrow.BinaryTypes.String},
	{Name: "story_id", Type: arrow.BinaryTypes.String},
	{Name: "storyline_id", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "outlet", Type: dictStr, Nullable: true},
	{Name: "published_at", Type: TimestampUTC, Nullable: true},
	{Name: "title", Type: arrow.BinaryTypes.String},
	{Name: "url", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "language", Type: dictStr, Nullable: true},
	{Name: "similarity", Type: arrow.PrimitiveTypes.Float32},
	{Name: "source_file", Type: arrow.BinaryTypes.String},
	{Name: "source_line", Type: arrow.PrimitiveTypes.Int64},
	{Name: "duplicate_of", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "is_wire_copy", Type: arrow.FixedWidthTypes.Boolean},
}, nil)

// StoriesSchema is the schema of stories.parquet.
var StoriesSchema = arrow.NewSchema([]arrow.Field{
	{Name: "story_id", Type: arrow.BinaryTypes.String},
	{Name: "storyline_id", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "label", Type: arrow.BinaryTypes.String},
	{Name: "top_terms", Type: strList},
	{Name: "n_articles", Type: arrow.PrimitiveTypes.Int32},
	{Name: "n_outlets", Type: arrow.PrimitiveTypes.Int32},
	{Name: "outlets", Type: strList},
	{Name: "first_published", Type: TimestampUTC, Nullable: true},
	{Name: "last_published", Type: TimestampUTC, Nullable: true},
	{Name: "representative_article_id", Type: arrow.BinaryTypes.String},
	{Name: "cohesion", Type: arrow.PrimitiveTypes.Float32},
	{Name: "n_independent", Type: arrow.PrimitiveTypes.Int32},
	{Name: "n_undated", Type: arrow.PrimitiveTypes.Int32},
}, nil)

// StorylinesSchema is the schema of storylines.parquet: the stories that
// continue one another, over weeks.
var StorylinesSchema = arrow.NewSchema([]arrow.Field{
	{Name: "storyline_id", Type: arrow.BinaryTypes.String},
	{Name: "label", Type: arrow.BinaryTypes.String},
	{Name: "top_terms", Type: strList},
	{Name: "n_stories", Type: arrow.PrimitiveTypes.Int32},
	{Name: "n_articles", Type: arrow.PrimitiveTypes.Int32},
	{Name: "n_outlets", Type: arrow.PrimitiveTypes.Int32},
	{Name: "first_published", Type: TimestampUTC, Nullable: true},
	{Name: "last_published", Type: TimestampUTC, Nullable: true},
	{Name: "n_undated", Type: arrow.PrimitiveTypes.Int32},
}, nil)

// StoryOutletsSchema is the schema of story_outlets.parquet.
var StoryOutletsSchema = arrow.NewSchema([]arrow.Field{
	{Name: "story_id", Type: arrow.BinaryTypes.String},
	{Name: "outlet", Type: dictStr},
	{Name: "n_articles", Type: arrow.PrimitiveTypes.Int32},
	{Name: "first_published", Type: TimestampUTC, Nullable: true},
	{Name: "lag_seconds", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "headline", Type: arrow.BinaryTypes.String},
	{Name: "distinctive_terms", Type: strList},
	{Name: "scores", Type: arrow.ListOf(arrow.PrimitiveTypes.Float32)},
	{Name: "n_wire_copies", Type: arrow.PrimitiveTypes.Int32},
}, nil)

// StoryOutletsSchemaWith is StoryOutletsSchema followed by a string
// column per outlet attribute (see --outlets), named as the attribute.
func StoryOutletsSchemaWith(attributes []string) *arrow.Schema {
	return withStrings(StoryOutletsSchema, attributes)
}

// withStrings is schema followed by a nullable string column per name.
func withStrings(schema *arrow.Schema, names []string) *arrow.Schema {
	fields := slices.Clone(schema.Fields())
	for _, n := range names {
		fields = append(fields, arrow.Field{Name: n, Type: arrow.BinaryTypes.String, Nullable: true})
	}
	return arrow.NewSchema(fields, nil)
}

// OutletsSchema is the schema of outlets.parquet, one row per outlet of a
// run: those of the outlets file, then those the inputs name that it does
// not list, each followed (OutletsSchemaWith) by its attributes.
var OutletsSchema = arrow.NewSchema([]arrow.Field{
	{Name: "outlet", Type: arrow.BinaryTypes.String},
	{Name: "listed", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "aliases", Type: strList},
	{Name: "input_names", Type: strList},
	{Name: "n_articles", Type: arrow.PrimitiveTypes.Int32},
	{Name: "n_stories", Type: arrow.PrimitiveTypes.Int32},
}, nil)

// OutletsSchemaWith is OutletsSchema followed by a string column per
// attribute.
func OutletsSchemaWith(attributes []string) *arrow.Schema {
	return withStrings(OutletsSchema, attributes)
}

// StoryGroupsSchema is the schema of story_groups.parquet: each story's
// coverage by the groups of one outlet attribute (see --group-by).
var StoryGroupsSchema = arrow.NewSchema([]arrow.Field{
	{Name: "story_id", Type: arrow.BinaryTypes.String},
	{Name: "group", Type: dictStr, Nullable: true},
	{Name: "n_outlets", Type: arrow.PrimitiveTypes.Int32},
	{Name: "n_articles", Type: arrow.PrimitiveTypes.Int32},
	{Name: "only_group", Type: arrow.FixedWidthTypes.Boolean},
}, nil)

// FramingSchema is the schema of framing.parquet: the terms that set each
// group of outlets apart from the others within the stories they all told
// (see --group-by and cluster.Pooled).
var FramingSchema = arrow.NewSchema([]arrow.Field{
	{Name: "group", Type: dictStr},
	{Name: "term", Type: arrow.BinaryTypes.String},
	{Name: "z", Type: arrow.PrimitiveTypes.Float64},
	{Name: "log_odds", Type: arrow.PrimitiveTypes.Float64},
	{Name: "n_stories", Type: arrow.PrimitiveTypes.Int32},
	{Name: "count_group", Type: arrow.PrimitiveTypes.Float64},
	{Name: "count_others", Type: arrow.PrimitiveTypes.Float64},
}, nil)

// RejectsSchema is the schema of rejects.parquet.
var RejectsSchema = arrow.NewSchema([]arrow.Field{
	{Name: "source_file", Type: arrow.BinaryTypes.String},
	{Name: "source_line", Type: arrow.PrimitiveTypes.Int64},
	{Name: "reason", Type: arrow.BinaryTypes.String},
	{Name: "raw", Type: arrow.BinaryTypes.String},
}, nil)

// LabelledSchema is the schema of a labelled input corpus written as
// Parquet (by storyclust synth): the fields the readers map, and the gold
// event.
var LabelledSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.BinaryTypes.String},
	{Name: "outlet", Type: dictStr},
	{Name: "published", Type: TimestampUTC, Nullable: true},
	{Name: "title", Type: arrow.BinaryTypes.String},
	{Name: "text", Type: arrow.BinaryTypes.String},
	{Name: "url", Type: arrow.BinaryTypes.String},
	{Name: "language", Type: dictStr},
	{Name: "event", Type: arrow.BinaryTypes.String},
}, nil)

// LabelledRow is one row of a table with LabelledSchema.
type LabelledRow struct {
	ID, Outlet       string
	Published        time.Time
	Title, Text, URL string
	Language, Event  string
}

// AppendLabelled adds one row to a table with LabelledSchema.
func (t *Table) AppendLabelled(r LabelledRow) {
	f := t.Row()
	AppendString(f[0], r.ID, false)
	AppendString(f[1], r.Outlet, false)
	AppendTime(f[2], r.Published)
	AppendString(f[3], r.Title, false)
	AppendString(f[4], r.Text, false)
	AppendString(f[5], r.URL, false)
	AppendString(f[6], r.Language, false)
	AppendString(f[7], r.Event, false)
}

// ArticleRow is one row of articles.parquet.
type ArticleRow struct {
	ArticleID, StoryID   string
	StorylineID          string // empty is null
	Outlet               string
	Published            time.Time // zero is null
	Title, URL, Language string
	Similarity           float32
	SourceFile           string
	SourceLine           int
	DuplicateOf          string // empty is null
	WireCopy             bool
}

// StoryRow is one row of stories.parquet.
type StoryRow struct {
	StoryID                 string
	StorylineID             string // empty is null
	Label                   string
	TopTerms                []string
	NArticles, NOutlets     int
	Outlets                 []string
	First, Last             time.Time // zero is null
	RepresentativeArticleID string
	Cohesion                float32
	NIndependent            int
	NUndated                int // articles without a date: First and Last do not span them
}

// StorylineRow is one row of storylines.parquet.
type StorylineRow struct {
	StorylineID, Label string // the label is that of the storyline's largest story
	TopTerms           []string
	NStories           int
	NArticles          int
	NOutlets           int
	First, Last        time.Time // zero is null
	NUndated           int       // articles without a date: First and Last do not span them
}

// StoryOutletRow is one row of story_outlets.parquet.
type StoryOutletRow struct {
	StoryID, Outlet  string
	NArticles        int
	First            time.Time // zero is null
	LagSeconds       float64
	HasLag           bool
	Headline         string
	DistinctiveTerms []string
	Scores           []float32
	NWireCopies      int
	// Attributes are the outlet's attributes, in the columns that follow
	// those of StoryOutletsSchema (empty is null).
	Attributes []string
}

// OutletRow is one row of outlets.parquet.
type OutletRow struct {
	Outlet              string
	Listed              bool
	Aliases, InputNames []string
	NArticles, NStories int
	Attributes          []string // empty is null
}

// FramingRow is one row of framing.parquet.
type FramingRow struct {
	Group, Term        string
	Z, LogOdds         float64
	NStories           int
	CountGroup, Others float64
}

// StoryGroupRow is one row of story_groups.parquet.
type StoryGroupRow struct {
	StoryID             string
	Group               string // empty is null: outlets without a value
	NOutlets, NArticles int
	OnlyGroup           bool
}

// RejectRow is one row of rejects.parquet.
type RejectRow struct {
	SourceFile string
	SourceLine int
	Reason     string
	Raw        []byte
}

// New returns an empty table with the given schema.
func New(name string, schema *arrow.Schema) *Table {
	return &Table{Name: name, Schema: schema, b: array.NewRecordBuilder(memory.DefaultAllocator, schema)}
}

func AppendString(b array.Builder, s string, nullIfEmpty bool) {
	switch bb := b.(type) {
	case *array.StringBuilder:
		if nullIfEmpty && s == "" {
			bb.AppendNull()
		} else {
			bb.Append(s)
		}
	case *array.BinaryDictionaryBuilder:
		if nullIfEmpty && s == "" {
			bb.AppendNull()
		} else if err := bb.AppendString(s); err != nil {
			panic(err) // only on allocation failure
		}
	}
}

func AppendTime(b array.Builder, t time.Time) {
	bb := b.(*array.TimestampBuilder)
	if t.IsZero() {
		bb.AppendNull()
		return
	}
	bb.Append(arrow.Timestamp(t.UnixMicro()))
}

// AppendStrings appends ss as one list to a list-of-strings column.
func AppendStrings(b array.Builder, ss []string) {
	lb := b.(*array.ListBuilder)
	lb.Append(true)
	vb := lb.ValueBuilder().(*array.StringBuilder)
	for _, s := range ss {
		vb.Append(s)
	}
}

// AppendFloats appends xs as one list to a list-of-float32 column.
func AppendFloats(b array.Builder, xs []float32) {
	lb := b.(*array.ListBuilder)
	lb.Append(true)
	lb.ValueBuilder().(*array.Float32Builder).AppendValues(xs, nil)
}

// AppendArticle adds one row to a table with ArticlesSchema.
func (t *Table) AppendArticle(r ArticleRow) {
	f := t.Row()
	AppendString(f[0], r.ArticleID, false)
	AppendString(f[1], r.StoryID, false)
	AppendString(f[2], r.StorylineID, true)
	AppendString(f[3], r.Outlet, true)
	AppendTime(f[4], r.Published)
	AppendString(f[5], r.Title, false)
	AppendString(f[6], r.URL, true)
	AppendString(f[7], r.Language, true)
	f[8].(*array.Float32Builder).Append(r.Similarity)
	AppendString(f[9], r.SourceFile, false)
	f[10].(*array.Int64Builder).Append(int64(r.SourceLine))
	AppendString(f[11], r.DuplicateOf, true)
	f[12].(*array.BooleanBuilder).Append(r.WireCopy)
}

// AppendStory adds one row to a table with StoriesSchema.
func (t *Table) AppendStory(r StoryRow) {
	f := t.Row()
	AppendString(f[0], r.StoryID, false)
	AppendString(f[1], r.StorylineID, true)
	AppendString(f[2], r.Label, false)
	AppendStrings(f[3], r.TopTerms)
	f[4].(*array.Int32Builder).Append(int32(r.NArticles))
	f[5].(*array.Int32Builder).Append(int32(r.NOutlets))
	AppendStrings(f[6], r.Outlets)
	AppendTime(f[7], r.First)
	AppendTime(f[8], r.Last)
	AppendString(f[9], r.RepresentativeArticleID, false)
	f[10].(*array.Float32Builder).Append(r.Cohesion)
	f[11].(*array.Int32Builder).Append(int32(r.NIndependent))
	f[12].(*array.Int32Builder).Append(int32(r.NUndated))
}

// AppendStoryline adds one row to a table with StorylinesSchema.
func (t *Table) AppendStoryline(r StorylineRow) {
	f := t.Row()
	AppendString(f[0], r.StorylineID, false)
	AppendString(f[1], r.Label, false)
	AppendStrings(f[2], r.TopTerms)
	f[3].(*array.Int32Builder).Append(int32(r.NStories))
	f[4].(*array.Int32Builder).Append(int32(r.NArticles))
	f[5].(*array.Int32Builder).Append(int32(r.NOutlets))
	AppendTime(f[6], r.First)
	AppendTime(f[7], r.Last)
	f[8].(*array.Int32Builder).Append(int32(r.NUndated))
}

// AppendStoryOutlet adds one row to a table with StoryOutletsSchema.
func (t *Table) AppendStoryOutlet(r StoryOutletRow) {
	f := t.Row()
	AppendString(f[0], r.StoryID, false)
	AppendString(f[1], r.Outlet, false)
	f[2].(*array.Int32Builder).Append(int32(r.NArticles))
	AppendTime(f[3], r.First)
	if r.HasLag {
		f[4].(*array.Float64Builder).Append(r.LagSeconds)
	} else {
		f[4].AppendNull()
	}
	AppendString(f[5], r.Headline, false)
	AppendStrings(f[6], r.DistinctiveTerms)
	AppendFloats(f[7], r.Scores)
	f[8].(*array.Int32Builder).Append(int32(r.NWireCopies))
	appendAttributes(f[9:], r.Attributes)
}

// appendAttributes appends vals to the attribute columns f, null where a
// value is empty or missing.
func appendAttributes(f []array.Builder, vals []string) {
	for k, b := range f {
		v := ""
		if k < len(vals) {
			v = vals[k]
		}
		AppendString(b, v, true)
	}
}

// AppendOutlet adds one row to a table with OutletsSchemaWith's schema.
func (t *Table) AppendOutlet(r OutletRow) {
	f := t.Row()
	AppendString(f[0], r.Outlet, false)
	f[1].(*array.BooleanBuilder).Append(r.Listed)
	AppendStrings(f[2], r.Aliases)
	AppendStrings(f[3], r.InputNames)
	f[4].(*array.Int32Builder).Append(int32(r.NArticles))
	f[5].(*array.Int32Builder).Append(int32(r.NStories))
	appendAttributes(f[6:], r.Attributes)
}

// AppendFraming adds one row to a table with FramingSchema.
func (t *Table) AppendFraming(r FramingRow) {
	f := t.Row()
	AppendString(f[0], r.Group, false)
	AppendString(f[1], r.Term, false)
	f[2].(*array.Float64Builder).Append(r.Z)
	f[3].(*array.Float64Builder).Append(r.LogOdds)
	f[4].(*array.Int32Builder).Append(int32(r.NStories))
	f[5].(*array.Float64Builder).Append(r.CountGroup)
	f[6].(*array.Float64Builder).Append(r.Others)
}

// AppendStoryGroup adds one row to a table with StoryGroupsSchema.
func (t *Table) AppendStoryGroup(r StoryGroupRow) {
	f := t.Row()
	AppendString(f[0], r.StoryID, false)
	AppendString(f[1], r.Group, true)
	f[2].(*array.Int32Builder).Append(int32(r.NOutlets))
	f[3].(*array.Int32Builder).Append(int32(r.NArticles))
	f[4].(*array.BooleanBuilder).Append(r.OnlyGroup)
}

// AppendReject adds one row to a table with RejectsSchema. Raw is stored as
// text, with invalid UTF-8 replaced.
func (t *Table) AppendReject(r RejectRow) {
	f := t.Row()
	AppendString(f[0], r.SourceFile, false)
	f[1].(*array.Int64Builder).Append(int64(r.SourceLine))
	AppendString(f[2], r.Reason, false)
	raw := r.Raw
	if len(raw) > data.MaxRaw {
		raw = raw[:data.MaxRaw]
	}
	AppendString(f[3], strings.ToValidUTF8(string(raw), "\uFFFD"), false)
}

// WriteFileAtomic writes b to path through a temporary file in the same
// folder (synced, then renamed), so a reader sees the old file or the whole
// new one, and a failed write leaves nothing behind.
func WriteFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	_, err = tmp.Write(b)
	if err == nil {
		err = tmp.Chmod(0o644) // CreateTemp makes files private
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// Staged is a table written to a temporary file beside its final name.
type Staged struct {
	Temp, Path string
}

// Commit renames the staged file into place.
func (s Staged) Commit() error { return os.Rename(s.Temp, s.Path) }

// Discard removes the staged file.
func (s Staged) Discard() { os.Remove(s.Temp) }

// TempPattern matches the temporary files that Stage leaves behind when the
// process is killed before Commit or Discard.
const TempPattern = ".*.tmp"

// Stage writes the table in the given format, with meta as key-value
// metadata, to a temporary file in dir (synced to disk) that Commit renames
// to dir/Name+ext: a reader sees the old file or the whole new one. On error
// nothing is left behind. The table's rows are released either way.
//
// The Parquet writer panics when its output fails at some points (a full
// disk while it writes the magic number); that panic is returned as an error.
func (t *Table) Stage(dir string, format Format, meta map[string]string) (st Staged, err error) {
	t.flush()
	defer func() {
		for _, r := range t.recs {
			r.Release()
		}
		t.recs = nil
	}()
	path := filepath.Join(dir, t.Name+format.Ext())
	tmp, err := os.CreateTemp(dir, "."+t.Name+".*.tmp")
	if err != nil {
		return Staged{}, fmt.Errorf("write %s: %w", t.Name, err)
	}
	defer func() {
		if v := recover(); v != nil {
			st, err = Staged{}, fmt.Errorf("write %s: %v", t.Name, v)
		}
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	// The format writers get a plain io.Writer: the file is synced and
	// closed here, before the rename.
	out := struct{ io.Writer }{tmp}
	keys, vals := sortedMeta(meta)
	md := arrow.NewMetadata(keys, vals)
	switch format {
	case Arrow:
		schema := arrow.NewSchema(t.Schema.Fields(), &md)
		w, err := ipc.NewFileWriter(tmp, ipc.WithSchema(schema), ipc.WithZstd())
		if err != nil {
			return Staged{}, fmt.Errorf("write %s: %w", t.Name, err)
		}
		for _, rec := range t.recs {
			r2 := array.NewRecord(schema, rec.Columns(), rec.NumRows())
			err := w.Write(r2)
			r2.Release()
			if err != nil {
				return Staged{}, fmt.Errorf("write %s: %w", t.Name, err)
			}
		}
		if err := w.Close(); err != nil {
			return Staged{}, fmt.Errorf("write %s: %w", t.Name, err)
		}
	default:
		codec := compress.Codecs.Zstd
		if t.Snappy {
			codec = compress.Codecs.Snappy
		}
		props := parquet.NewWriterProperties(append(dictionaryProps(t.Schema),
			parquet.WithCompression(codec),
			// Arrow v15 fails on dictionary columns that span more than
			// one write batch or start at an offset: each row group is
			// written from its own record in a single batch.
			parquet.WithBatchSize(int64(rowGroupRows)),
			// Version 2 data pages: with version 1, Arrow v15 reserves
			// room for the levels' length prefix by growing the level
			// buffer on every run of levels it encodes, a reallocation
			// and copy each time, which makes the list columns far
			// costlier to write (BenchmarkStageStoryOutlets).
			// pyarrow (pandas) and DuckDB read both, as the tests check.
			parquet.WithDataPageVersion(parquet.DataPageV2),
		)...)
		// The parameters go in the stored Arrow schema's metadata, which
		// pyarrow shows, and pqarrow copies them into the footer's
		// key-value metadata, which DuckDB's parquet_kv_metadata shows.
		schema := arrow.NewSchema(t.Schema.Fields(), &md)
		w, err := pqarrow.NewFileWriter(schema, out, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
		if err != nil {
			return Staged{}, fmt.Errorf("write %s: %w", t.Name, err)
		}
		for _, rec := range t.recs { // Write starts a row group per record
			if err := w.Write(rec); err != nil {
				return Staged{}, fmt.Errorf("write %s: %w", t.Name, err)
			}
		}
		if err := w.Close(); err != nil {
			return Staged{}, fmt.Errorf("write %s: %w", t.Name, err)
		}
	}
	if err := tmp.Chmod(0o644); err != nil { // CreateTemp makes files private
		return Staged{}, fmt.Errorf("write %s: %w", t.Name, err)
	}
	if err := tmp.Sync(); err != nil {
		return Staged{}, fmt.Errorf("write %s: %w", t.Name, err)
	}
	if err := tmp.Close(); err != nil {
		return Staged{}, fmt.Errorf("write %s: %w", t.Name, err)
	}
	return Staged{Temp: tmp.Name(), Path: path}, nil
}

// Write writes the table as Stage does and renames it into place at once,
// for a file no reader looks at until its folder is published.
func (t *Table) Write(dir string, format Format, meta map[string]string) error {
	st, err := t.Stage(dir, format, meta)
	if err != nil {
		return err
	}
	return st.Commit()
}

// dictionaryColumns are the columns other than Arrow dictionaries whose
// values repeat, and so are written with a Parquet dictionary; the others
// are written plain (ZSTD compresses them as well).
var dictionaryColumns = map[string]bool{
	"story_id": true, "source_file": true,
	"top_terms": true, "outlets": true, "distinctive_terms": true,
	"n_articles": true, "n_outlets": true, "n_wire_copies": true, "n_independent": true,
}

// dictionaryLimit is the largest dictionary of a column chunk. It is far
// above what the dictionary columns of a row group hold, so that a chunk
// never falls back to plain pages part way: Arrow v15 then lists the
// chunk's two page encodings in the order of a Go map's iteration, and
// with a dictionary for every column, a scores or headline chunk that
// overflowed was written with different bytes from run to run.
const dictionaryLimit = 256 << 20

// dictionaryProps returns the writer properties that give dictionaries to
// the Arrow dictionary columns and dictionaryColumns of schema, and to no
// other column.
func dictionaryProps(schema *arrow.Schema) []parquet.WriterProperty {
	props := []parquet.WriterProperty{
		parquet.WithDictionaryDefault(false),
		parquet.WithDictionaryPageSizeLimit(dictionaryLimit),
	}
	for _, f := range schema.Fields() {
		path := f.Name
		if _, ok := f.Type.(*arrow.ListType); ok {
			path += ".list.element"
		}
		if f.Type.ID() == arrow.DICTIONARY || dictionaryColumns[f.Name] {
			props = append(props, parquet.WithDictionaryFor(path, true))
		}
	}
	return props
}

func sortedMeta(meta map[string]string) (keys, vals []string) {
	for k := range meta {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		vals = append(vals, meta[k])
	}
	return keys, vals
}
