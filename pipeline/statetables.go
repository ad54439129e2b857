package pipeline

import (
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/storyclust/storyclust/data"
	"github.com/storyclust/storyclust/data/table"
)

// The tables of a state directory (see pipeline.Config.State) and the
// lineage table of scheduled runs.

// liveSchema is the schema of the state's live.parquet: the articles whose
// stories may still grow, with what the next run needs to vectorise and
// cluster them again.
var liveSchema = arrow.NewSchema([]arrow.Field{
	{Name: "article_id", Type: arrow.BinaryTypes.String},
	{Name: "story_id", Type: arrow.BinaryTypes.String},
	{Name: "digest", Type: arrow.BinaryTypes.String},
	{Name: "outlet", Type: arrow.BinaryTypes.String},
	{Name: "published_at", Type: table.TimestampUTC, Nullable: true},
	{Name: "title", Type: arrow.BinaryTypes.String},
	{Name: "text", Type: arrow.BinaryTypes.String},
	{Name: "url", Type: arrow.BinaryTypes.String},
	{Name: "language", Type: arrow.BinaryTypes.String},
	{Name: "source_file", Type: arrow.BinaryTypes.String},
	{Name: "source_line", Type: arrow.PrimitiveTypes.Int64},
	{Name: "storyline_id", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// liveRow is one row of live.parquet.
type liveRow struct {
	StoryID, Digest string
	StorylineID     string // empty in states written before storylines
	Article         data.Article
}

// appendLive adds one row to a table with liveSchema.
func appendLive(t *table.Table, r liveRow) {
	f := t.Row()
	a := &r.Article
	table.AppendString(f[0], a.ID, false)
	table.AppendString(f[1], r.StoryID, false)
	table.AppendString(f[2], r.Digest, false)
	table.AppendString(f[3], a.Outlet, false)
	table.AppendTime(f[4], a.Published)
	table.AppendString(f[5], a.Title, false)
	table.AppendString(f[6], a.Text, false)
	table.AppendString(f[7], a.URL, false)
	table.AppendString(f[8], a.Language, false)
	table.AppendString(f[9], a.SourceFile, false)
	f[10].(*array.Int64Builder).Append(int64(a.SourceLine))
	table.AppendString(f[11], r.StorylineID, true)
}

// readLive reads a table written with liveSchema.
func readLive(path string) ([]liveRow, error) {
	return table.Rows(path, liveSchema, func(c table.Cols, i int) liveRow {
		return liveRow{StoryID: c.Str("story_id", i), Digest: c.Str("digest", i), StorylineID: c.Str("storyline_id", i), Article: data.Article{
			ID: c.Str("article_id", i), Outlet: c.Str("outlet", i), Published: c.Time("published_at", i),
			Title: c.Str("title", i), Text: c.Str("text", i), URL: c.Str("url", i), Language: c.Str("language", i),
			SourceFile: c.Str("source_file", i), SourceLine: c.Int("source_line", i),
		}}
	})
}

// seenSchema is the schema of the state's seen.parquet: every article any
// run has written, with a digest of its content and the partition of the
// articles table that holds its row.
var seenSchema = arrow.NewSchema([]arrow.Field{
	{Name: "article_id", Type: arrow.BinaryTypes.String},
	{Name: "digest", Type: arrow.BinaryTypes.String},
	{Name: "partition", Type: arrow.BinaryTypes.String},
}, nil)

// seenRow is one row of seen.parquet.
type seenRow struct {
	ArticleID, Digest, Partition string
}

// appendSeen adds one row to a table with seenSchema.
func appendSeen(t *table.Table, r seenRow) {
	f := t.Row()
	table.AppendString(f[0], r.ArticleID, false)
	table.AppendString(f[1], r.Digest, false)
	table.AppendString(f[2], r.Partition, false)
}

// readSeen reads a table written with seenSchema.
func readSeen(path string) ([]seenRow, error) {
	return table.Rows(path, seenSchema, func(c table.Cols, i int) seenRow {
		return seenRow{ArticleID: c.Str("article_id", i), Digest: c.Str("digest", i), Partition: c.Str("partition", i)}
	})
}

// docFreqSchema is the schema of the state's docfreq.parquet: in how many
// of the articles seen so far each term occurs.
var docFreqSchema = arrow.NewSchema([]arrow.Field{
	{Name: "term", Type: arrow.BinaryTypes.String},
	{Name: "documents", Type: arrow.PrimitiveTypes.Int64},
}, nil)

// appendDocFreq adds one row to a table with docFreqSchema.
func appendDocFreq(t *table.Table, term string, docs int) {
	f := t.Row()
	table.AppendString(f[0], term, false)
	f[1].(*array.Int64Builder).Append(int64(docs))
}

// readDocFreq reads a table written with docFreqSchema into a map.
func readDocFreq(path string) (map[string]int, error) {
	df := map[string]int{}
	err := table.ReadRows(path, docFreqSchema, func(c table.Cols, i int) {
		df[c.Str("term", i)] = c.Int("documents", i)
	})
	return df, err
}

// lineSchema is the schema of the state's storylines.parquet: the open
// storylines, those that later stories may still join, with what the next
// run needs of their closed stories (see lineRow).
var lineSchema = arrow.NewSchema([]arrow.Field{
	{Name: "storyline_id", Type: arrow.BinaryTypes.String},
	{Name: "partition", Type: arrow.BinaryTypes.String},
	{Name: "terms", Type: arrow.ListOf(arrow.BinaryTypes.String)},
	{Name: "weights", Type: arrow.ListOf(arrow.PrimitiveTypes.Float32)},
	{Name: "n_stories", Type: arrow.PrimitiveTypes.Int32},
	{Name: "n_articles", Type: arrow.PrimitiveTypes.Int32},
	{Name: "n_undated", Type: arrow.PrimitiveTypes.Int32},
	{Name: "first_published", Type: table.TimestampUTC, Nullable: true},
	{Name: "last_published", Type: table.TimestampUTC, Nullable: true},
	{Name: "language", Type: arrow.BinaryTypes.String},
	{Name: "label", Type: arrow.BinaryTypes.String},
	{Name: "label_articles", Type: arrow.PrimitiveTypes.Int32},
	{Name: "outlets", Type: arrow.ListOf(arrow.BinaryTypes.String)},
	{Name: "row_stories", Type: arrow.PrimitiveTypes.Int32},
	{Name: "row_articles", Type: arrow.PrimitiveTypes.Int32},
}, nil)

// lineRow is one open storyline of the state. Its closed part, the
// stories of it that are no longer live, is kept as one thread for the
// storyline linkage: the centroid of those stories (Terms with their
// Weights, unit length, the heaviest lineTerms) and their articles. The
// rest sums them up for the storyline's row: how many stories, articles
// and undated articles, the span, the language, the label of the largest
// story (and its articles) and the outlets. A storyline whose stories are
// all live has no closed part (no terms, no stories). Partition is where
// its row is in the output's storylines table, and Row what it counts.
type lineRow struct {
	StorylineID                string
	Terms                      []string
	Weights                    []float32
	Stories, Articles, Undated int
	First, Last                time.Time
	Lang, Label                string
	LabelArticles              int
	Outlets                    []string
	Row                        lineRowAt
}

// lineRowAt is where a storyline's row is in the output, and how many
// stories and articles it counts.
type lineRowAt struct {
	Partition         string
	Stories, Articles int
}

// appendLine adds one row to a table with lineSchema.
func appendLine(t *table.Table, r lineRow) {
	f := t.Row()
	table.AppendString(f[0], r.StorylineID, false)
	table.AppendString(f[1], r.Row.Partition, false)
	table.AppendStrings(f[2], r.Terms)
	table.AppendFloats(f[3], r.Weights)
	f[4].(*array.Int32Builder).Append(int32(r.Stories))
	f[5].(*array.Int32Builder).Append(int32(r.Articles))
	f[6].(*array.Int32Builder).Append(int32(r.Undated))
	table.AppendTime(f[7], r.First)
	table.AppendTime(f[8], r.Last)
	table.AppendString(f[9], r.Lang, false)
	table.AppendString(f[10], r.Label, false)
	f[11].(*array.Int32Builder).Append(int32(r.LabelArticles))
	table.AppendStrings(f[12], r.Outlets)
	f[13].(*array.Int32Builder).Append(int32(r.Row.Stories))
	f[14].(*array.Int32Builder).Append(int32(r.Row.Articles))
}

// readLines reads a table written with lineSchema.
func readLines(path string) ([]lineRow, error) {
	return table.Rows(path, lineSchema, func(c table.Cols, i int) lineRow {
		return lineRow{StorylineID: c.Str("storyline_id", i),
			Terms: c.Strs("terms", i), Weights: c.Floats("weights", i),
			Stories: c.Int("n_stories", i), Articles: c.Int("n_articles", i), Undated: c.Int("n_undated", i),
			First: c.Time("first_published", i), Last: c.Time("last_published", i),
			Lang: c.Str("language", i), Label: c.Str("label", i), LabelArticles: c.Int("label_articles", i),
			Outlets: c.Strs("outlets", i),
			Row:     lineRowAt{Partition: c.Str("partition", i), Stories: c.Int("row_stories", i), Articles: c.Int("row_articles", i)}}
	})
}

// lineageSchema is the schema of story_lineage: how each run's stories
// relate to the stories of the run before; storylineLineageSchema, of
// storyline_lineage, is the same for storylines.
var (
	lineageSchema          = lineageSchemaOf("story")
	storylineLineageSchema = lineageSchemaOf("storyline")
)

func lineageSchemaOf(unit string) *arrow.Schema {
	return arrow.NewSchema([]arrow.Field{
		{Name: "run_id", Type: arrow.BinaryTypes.String},
		{Name: unit + "_id", Type: arrow.BinaryTypes.String},
		{Name: "previous_" + unit + "_id", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "relation", Type: arrow.BinaryTypes.String},
		{Name: "overlap", Type: arrow.PrimitiveTypes.Float32},
		{Name: "shared_articles", Type: arrow.PrimitiveTypes.Int32},
		{Name: "n_articles", Type: arrow.PrimitiveTypes.Int32},
	}, nil)
}

// lineageRow is one row of story_lineage, or of storyline_lineage, where
// the story is a storyline.
type lineageRow struct {
	RunID, ID  string // the run, the story
	PreviousID string // the previous story; empty is null (a new story)
	Relation   string // continue, merge, split or new
	// Overlap is the share of the previous story's articles that are in
	// this story; SharedArticles counts them.
	Overlap        float32
	SharedArticles int
	NArticles      int // the story's articles after this run
}

// appendLineage adds one row to a table with lineageSchema or
// storylineLineageSchema.
func appendLineage(t *table.Table, r lineageRow) {
	f := t.Row()
	table.AppendString(f[0], r.RunID, false)
	table.AppendString(f[1], r.ID, false)
	table.AppendString(f[2], r.PreviousID, true)
	table.AppendString(f[3], r.Relation, false)
	f[4].(*array.Float32Builder).Append(r.Overlap)
	f[5].(*array.Int32Builder).Append(int32(r.SharedArticles))
	f[6].(*array.Int32Builder).Append(int32(r.NArticles))
}

// readLineage reads a table written with lineageSchema, or with
// storylineLineageSchema when unit is "storyline".
func readLineage(path, unit string) ([]lineageRow, error) {
	return table.Rows(path, lineageSchemaOf(unit), func(c table.Cols, i int) lineageRow {
		return lineageRow{RunID: c.Str("run_id", i), ID: c.Str(unit+"_id", i), PreviousID: c.Str("previous_"+unit+"_id", i),
			Relation: c.Str("relation", i), Overlap: c.Float("overlap", i),
			SharedArticles: c.Int("shared_articles", i), NArticles: c.Int("n_articles", i)}
	})
}
