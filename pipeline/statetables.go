package pipeline

import (
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
}, nil)

// liveRow is one row of live.parquet.
type liveRow struct {
	StoryID, Digest string
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
}

// readLive reads a table written with liveSchema.
func readLive(path string) ([]liveRow, error) {
	return table.Rows(path, liveSchema, func(c table.Cols, i int) liveRow {
		return liveRow{StoryID: c.Str("story_id", i), Digest: c.Str("digest", i), Article: data.Article{
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

// lineageSchema is the schema of story_lineage: how each run's stories
// relate to the stories of the run before.
var lineageSchema = arrow.NewSchema([]arrow.Field{
	{Name: "run_id", Type: arrow.BinaryTypes.String},
	{Name: "story_id", Type: arrow.BinaryTypes.String},
	{Name: "previous_story_id", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "relation", Type: arrow.BinaryTypes.String},
	{Name: "overlap", Type: arrow.PrimitiveTypes.Float32},
	{Name: "shared_articles", Type: arrow.PrimitiveTypes.Int32},
	{Name: "n_articles", Type: arrow.PrimitiveTypes.Int32},
}, nil)

// lineageRow is one row of story_lineage.
type lineageRow struct {
	RunID, StoryID  string
	PreviousStoryID string // empty is null (a new story)
	Relation        string // continue, merge, split or new
	// Overlap is the share of the previous story's articles that are in
	// this story; SharedArticles counts them.
	Overlap        float32
	SharedArticles int
	NArticles      int // the story's articles after this run
}

// appendLineage adds one row to a table with lineageSchema.
func appendLineage(t *table.Table, r lineageRow) {
	f := t.Row()
	table.AppendString(f[0], r.RunID, false)
	table.AppendString(f[1], r.StoryID, false)
	table.AppendString(f[2], r.PreviousStoryID, true)
	table.AppendString(f[3], r.Relation, false)
	f[4].(*array.Float32Builder).Append(r.Overlap)
	f[5].(*array.Int32Builder).Append(int32(r.SharedArticles))
	f[6].(*array.Int32Builder).Append(int32(r.NArticles))
}

// readLineage reads a table written with lineageSchema.
func readLineage(path string) ([]lineageRow, error) {
	return table.Rows(path, lineageSchema, func(c table.Cols, i int) lineageRow {
		return lineageRow{RunID: c.Str("run_id", i), StoryID: c.Str("story_id", i), PreviousStoryID: c.Str("previous_story_id", i),
			Relation: c.Str("relation", i), Overlap: c.Float("overlap", i),
			SharedArticles: c.Int("shared_articles", i), NArticles: c.Int("n_articles", i)}
	})
}
