package data

import (
	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
)

// The tables of a state directory (see pipeline.Config.State) and the
// lineage table of scheduled runs.

// LiveSchema is the schema of the state's live.parquet: the articles whose
// stories may still grow, with what the next run needs to vectorise and
// cluster them again.
var LiveSchema = arrow.NewSchema([]arrow.Field{
	{Name: "article_id", Type: arrow.BinaryTypes.String},
	{Name: "story_id", Type: arrow.BinaryTypes.String},
	{Name: "digest", Type: arrow.BinaryTypes.String},
	{Name: "outlet", Type: arrow.BinaryTypes.String},
	{Name: "published_at", Type: tsUTC, Nullable: true},
	{Name: "title", Type: arrow.BinaryTypes.String},
	{Name: "text", Type: arrow.BinaryTypes.String},
	{Name: "url", Type: arrow.BinaryTypes.String},
	{Name: "language", Type: arrow.BinaryTypes.String},
	{Name: "source_file", Type: arrow.BinaryTypes.String},
	{Name: "source_line", Type: arrow.PrimitiveTypes.Int64},
}, nil)

// LiveRow is one row of live.parquet.
type LiveRow struct {
	StoryID, Digest string
	Article         Article
}

// AppendLive adds one row to a table with LiveSchema.
func (t *Table) AppendLive(r LiveRow) {
	t.row()
	f := t.b.Fields()
	a := &r.Article
	appendString(f[0], a.ID, false)
	appendString(f[1], r.StoryID, false)
	appendString(f[2], r.Digest, false)
	appendString(f[3], a.Outlet, false)
	appendTime(f[4], a.Published)
	appendString(f[5], a.Title, false)
	appendString(f[6], a.Text, false)
	appendString(f[7], a.URL, false)
	appendString(f[8], a.Language, false)
	appendString(f[9], a.SourceFile, false)
	f[10].(*array.Int64Builder).Append(int64(a.SourceLine))
}

// ReadLive reads a table written with LiveSchema.
func ReadLive(path string) ([]LiveRow, error) {
	var rows []LiveRow
	err := readRows(path, LiveSchema, func(c cols, i int) {
		rows = append(rows, LiveRow{StoryID: c.str("story_id", i), Digest: c.str("digest", i), Article: Article{
			ID: c.str("article_id", i), Outlet: c.str("outlet", i), Published: c.time("published_at", i),
			Title: c.str("title", i), Text: c.str("text", i), URL: c.str("url", i), Language: c.str("language", i),
			SourceFile: c.str("source_file", i), SourceLine: c.int("source_line", i),
		}})
	})
	return rows, err
}

// SeenSchema is the schema of the state's seen.parquet: every article any
// run has written, with a digest of its content and the partition of the
// articles table that holds its row.
var SeenSchema = arrow.NewSchema([]arrow.Field{
	{Name: "article_id", Type: arrow.BinaryTypes.String},
	{Name: "digest", Type: arrow.BinaryTypes.String},
	{Name: "partition", Type: arrow.BinaryTypes.String},
}, nil)

// SeenRow is one row of seen.parquet.
type SeenRow struct {
	ArticleID, Digest, Partition string
}

// AppendSeen adds one row to a table with SeenSchema.
func (t *Table) AppendSeen(r SeenRow) {
	t.row()
	f := t.b.Fields()
	appendString(f[0], r.ArticleID, false)
	appendString(f[1], r.Digest, false)
	appendString(f[2], r.Partition, false)
}

// ReadSeen reads a table written with SeenSchema.
func ReadSeen(path string) ([]SeenRow, error) {
	var rows []SeenRow
	err := readRows(path, SeenSchema, func(c cols, i int) {
		rows = append(rows, SeenRow{ArticleID: c.str("article_id", i), Digest: c.str("digest", i), Partition: c.str("partition", i)})
	})
	return rows, err
}

// DocFreqSchema is the schema of the state's docfreq.parquet: in how many
// of the articles seen so far each term occurs.
var DocFreqSchema = arrow.NewSchema([]arrow.Field{
	{Name: "term", Type: arrow.BinaryTypes.String},
	{Name: "documents", Type: arrow.PrimitiveTypes.Int64},
}, nil)

// AppendDocFreq adds one row to a table with DocFreqSchema.
func (t *Table) AppendDocFreq(term string, docs int) {
	t.row()
	f := t.b.Fields()
	appendString(f[0], term, false)
	f[1].(*array.Int64Builder).Append(int64(docs))
}

// ReadDocFreq reads a table written with DocFreqSchema into a map.
func ReadDocFreq(path string) (map[string]int, error) {
	df := map[string]int{}
	err := readRows(path, DocFreqSchema, func(c cols, i int) {
		df[c.str("term", i)] = c.int("documents", i)
	})
	return df, err
}

// LineageSchema is the schema of story_lineage: how each run's stories
// relate to the stories of the run before.
var LineageSchema = arrow.NewSchema([]arrow.Field{
	{Name: "run_id", Type: arrow.BinaryTypes.String},
	{Name: "story_id", Type: arrow.BinaryTypes.String},
	{Name: "previous_story_id", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "relation", Type: arrow.BinaryTypes.String},
	{Name: "overlap", Type: arrow.PrimitiveTypes.Float32},
	{Name: "shared_articles", Type: arrow.PrimitiveTypes.Int32},
	{Name: "n_articles", Type: arrow.PrimitiveTypes.Int32},
}, nil)

// LineageRow is one row of story_lineage.
type LineageRow struct {
	RunID, StoryID  string
	PreviousStoryID string // empty is null (a new story)
	Relation        string // continue, merge, split or new
	// Overlap is the share of the previous story's articles that are in
	// this story; SharedArticles counts them.
	Overlap        float32
	SharedArticles int
	NArticles      int // the story's articles after this run
}

// AppendLineage adds one row to a table with LineageSchema.
func (t *Table) AppendLineage(r LineageRow) {
	t.row()
	f := t.b.Fields()
	appendString(f[0], r.RunID, false)
	appendString(f[1], r.StoryID, false)
	appendString(f[2], r.PreviousStoryID, true)
	appendString(f[3], r.Relation, false)
	f[4].(*array.Float32Builder).Append(r.Overlap)
	f[5].(*array.Int32Builder).Append(int32(r.SharedArticles))
	f[6].(*array.Int32Builder).Append(int32(r.NArticles))
}

// ReadLineage reads a table written with LineageSchema.
func ReadLineage(path string) ([]LineageRow, error) {
	var rows []LineageRow
	err := readRows(path, LineageSchema, func(c cols, i int) {
		rows = append(rows, LineageRow{RunID: c.str("run_id", i), StoryID: c.str("story_id", i), PreviousStoryID: c.str("previous_story_id", i),
			Relation: c.str("relation", i), Overlap: c.float("overlap", i),
			SharedArticles: c.int("shared_articles", i), NArticles: c.int("n_articles", i)})
	})
	return rows, err
}
