package table

import (
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/storyclust/storyclust/data"
)

// The output tables: their schemas, their rows, and how a row is
// appended to a Table; write.go writes the tables.

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
