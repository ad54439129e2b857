package table

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"

	"github.com/storyclust/storyclust/data"
	"github.com/storyclust/storyclust/data/parquetcheck"
)

// Output is a run's tables read back from its output directory.
type Output struct {
	Articles     []ArticleRow
	Stories      []StoryRow
	StoryOutlets []StoryOutletRow
	Storylines   []StorylineRow // none from versions before storylines
	// Outlets, with the names of their attributes, and Framing are there
	// when the run had an outlets file, and grouped it (--group-by).
	Outlets          []OutletRow
	OutletAttributes []string
	Framing          []FramingRow
}

// Read reads the articles, stories, story_outlets and storylines tables
// written to dir by a run: one Parquet file per table, or, from scheduled
// runs, a folder of Hive partitions per table. An output written before
// storylines has none.
func Read(dir string) (*Output, error) {
	var out Output
	var err error
	if out.Articles, err = readTable(dir, "articles", ReadArticles); err != nil {
		return nil, err
	}
	if out.Stories, err = readTable(dir, "stories", ReadStories); err != nil {
		return nil, err
	}
	if out.StoryOutlets, err = readTable(dir, "story_outlets", ReadStoryOutlets); err != nil {
		return nil, err
	}
	if !missingTable(dir, "storylines") {
		if out.Storylines, err = readTable(dir, "storylines", ReadStorylines); err != nil {
			return nil, err
		}
	}
	if p := filepath.Join(dir, "outlets.parquet"); !missingTable(dir, "outlets") {
		if out.Outlets, out.OutletAttributes, err = ReadOutlets(p); err != nil {
			return nil, err
		}
	}
	if p := filepath.Join(dir, "framing.parquet"); !missingTable(dir, "framing") {
		if out.Framing, err = ReadFraming(p); err != nil {
			return nil, err
		}
	}
	return &out, nil
}

// readTable reads dir/name.parquet, else every Parquet file under dir/name
// in path order.
func readTable[R any](dir, name string, read func(string) ([]R, error)) ([]R, error) {
	flat := filepath.Join(dir, name+".parquet")
	if _, err := os.Stat(flat); err == nil {
		return read(flat)
	}
	parts, err := PartitionFiles(filepath.Join(dir, name))
	if err != nil {
		return nil, err
	}
	if len(parts) == 0 {
		return nil, fmt.Errorf("%w: no %s table in %s", data.ErrInput, name, dir)
	}
	var rows []R
	for _, p := range parts {
		r, err := read(p)
		if err != nil {
			return nil, err
		}
		rows = append(rows, r...)
	}
	return rows, nil
}

// missingTable reports whether dir holds no rows of the table name: neither
// its file nor a partition of it.
func missingTable(dir, name string) bool {
	if _, err := os.Stat(filepath.Join(dir, name+".parquet")); err == nil {
		return false
	}
	parts, err := PartitionFiles(filepath.Join(dir, name))
	return err == nil && len(parts) == 0
}

// PartitionFiles lists the Parquet files under dir (a table written as
// Hive partitions), sorted by path. Names starting with "." or "_" are
// skipped, as pyarrow and DuckDB skip them.
func PartitionFiles(dir string) ([]string, error) {
	// The table folder of scheduled runs is a link into the current
	// version, which WalkDir would not follow.
	dir, err := filepath.EvalSymlinks(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var files []string
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path != dir && (strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "_")) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".parquet") {
			files = append(files, path)
		}
		return nil
	})
	return files, err
}

// Rows reads a Parquet file written with schema (see ReadRows) into one
// value per row, made by row.
func Rows[R any](path string, schema *arrow.Schema, row func(c Cols, i int) R) ([]R, error) {
	var rows []R
	err := ReadRows(path, schema, func(c Cols, i int) { rows = append(rows, row(c, i)) })
	return rows, err
}

// ReadArticles reads a Parquet file written with ArticlesSchema.
func ReadArticles(path string) ([]ArticleRow, error) {
	return Rows(path, ArticlesSchema, func(c Cols, i int) ArticleRow {
		return ArticleRow{
			ArticleID: c.Str("article_id", i), StoryID: c.Str("story_id", i), StorylineID: c.Str("storyline_id", i), Outlet: c.Str("outlet", i),
			Published: c.Time("published_at", i), Title: c.Str("title", i), URL: c.Str("url", i),
			Language: c.Str("language", i), Similarity: c.Float("similarity", i),
			SourceFile: c.Str("source_file", i), SourceLine: c.Int("source_line", i),
			DuplicateOf: c.Str("duplicate_of", i), WireCopy: c.Bool("is_wire_copy", i),
		}
	})
}

// ReadStories reads a Parquet file written with StoriesSchema.
func ReadStories(path string) ([]StoryRow, error) {
	return Rows(path, StoriesSchema, func(c Cols, i int) StoryRow {
		return StoryRow{
			StoryID: c.Str("story_id", i), StorylineID: c.Str("storyline_id", i), Label: c.Str("label", i), TopTerms: c.Strs("top_terms", i),
			NArticles: c.Int("n_articles", i), NOutlets: c.Int("n_outlets", i), Outlets: c.Strs("outlets", i),
			First: c.Time("first_published", i), Last: c.Time("last_published", i),
			RepresentativeArticleID: c.Str("representative_article_id", i), Cohesion: c.Float("cohesion", i),
			NIndependent: c.Int("n_independent", i), NUndated: c.Int("n_undated", i),
		}
	})
}

// ReadStorylines reads a Parquet file written with StorylinesSchema.
func ReadStorylines(path string) ([]StorylineRow, error) {
	return Rows(path, StorylinesSchema, func(c Cols, i int) StorylineRow {
		return StorylineRow{
			StorylineID: c.Str("storyline_id", i), Label: c.Str("label", i), TopTerms: c.Strs("top_terms", i),
			NStories: c.Int("n_stories", i), NArticles: c.Int("n_articles", i), NOutlets: c.Int("n_outlets", i),
			First: c.Time("first_published", i), Last: c.Time("last_published", i), NUndated: c.Int("n_undated", i),
		}
	})
}

// ReadOutlets reads a Parquet file written with OutletsSchemaWith, and
// returns the names of its attribute columns.
func ReadOutlets(path string) ([]OutletRow, []string, error) {
	var attrs []string
	rows, err := Rows(path, OutletsSchema, func(c Cols, i int) OutletRow {
		if attrs == nil {
			attrs = []string{}
			for _, f := range c.rec.Schema().Fields()[len(OutletsSchema.Fields()):] {
				attrs = append(attrs, f.Name)
			}
		}
		r := OutletRow{
			Outlet: c.Str("outlet", i), Listed: c.Bool("listed", i), Aliases: c.Strs("aliases", i), InputNames: c.Strs("input_names", i),
			NArticles: c.Int("n_articles", i), NStories: c.Int("n_stories", i),
		}
		for _, a := range attrs {
			r.Attributes = append(r.Attributes, c.Str(a, i))
		}
		return r
	})
	return rows, attrs, err
}

// ReadStoryGroups reads a Parquet file written with StoryGroupsSchema.
func ReadStoryGroups(path string) ([]StoryGroupRow, error) {
	return Rows(path, StoryGroupsSchema, func(c Cols, i int) StoryGroupRow {
		return StoryGroupRow{
			StoryID: c.Str("story_id", i), Group: c.Str("group", i), NOutlets: c.Int("n_outlets", i),
			NArticles: c.Int("n_articles", i), OnlyGroup: c.Bool("only_group", i),
		}
	})
}

// ReadFraming reads a Parquet file written with FramingSchema.
func ReadFraming(path string) ([]FramingRow, error) {
	return Rows(path, FramingSchema, func(c Cols, i int) FramingRow {
		return FramingRow{
			Group: c.Str("group", i), Term: c.Str("term", i), Z: c.Float64("z", i), LogOdds: c.Float64("log_odds", i),
			NStories: c.Int("n_stories", i), CountGroup: c.Float64("count_group", i), Others: c.Float64("count_others", i),
		}
	})
}

// ReadStoryOutlets reads a Parquet file written with StoryOutletsSchema.
func ReadStoryOutlets(path string) ([]StoryOutletRow, error) { return ReadStoryOutletsWith(path, nil) }

// ReadStoryOutletsWith reads a Parquet file written with
// StoryOutletsSchemaWith(attrs), the attributes into each row's Attributes
// (empty where the file has no such column).
func ReadStoryOutletsWith(path string, attrs []string) ([]StoryOutletRow, error) {
	return Rows(path, StoryOutletsSchema, func(c Cols, i int) StoryOutletRow {
		r := StoryOutletRow{
			StoryID: c.Str("story_id", i), Outlet: c.Str("outlet", i), NArticles: c.Int("n_articles", i),
			First: c.Time("first_published", i), Headline: c.Str("headline", i),
			DistinctiveTerms: c.Strs("distinctive_terms", i), Scores: c.Floats("scores", i),
			NWireCopies: c.Int("n_wire_copies", i),
		}
		if col := c.col("lag_seconds"); col != nil && !col.IsNull(i) {
			// Outputs before lags had milliseconds hold whole seconds.
			switch col := col.(type) {
			case *array.Float64:
				r.LagSeconds, r.HasLag = col.Value(i), true
			case *array.Int64:
				r.LagSeconds, r.HasLag = float64(col.Value(i)), true
			}
		}
		for _, a := range attrs {
			r.Attributes = append(r.Attributes, c.Str(a, i))
		}
		return r
	})
}

// Cols gives the cells of one record of a table read by ReadRows, by column
// name and row; a column the file lacks (an older output) reads as the zero
// value.
type Cols struct {
	rec   arrow.Record
	index map[string]int
}

func (c Cols) col(name string) arrow.Array {
	i, ok := c.index[name]
	if !ok {
		return nil
	}
	return c.rec.Column(i)
}

func (c Cols) Str(name string, i int) string {
	if col := c.col(name); col != nil {
		return data.CellString(col, i)
	}
	return ""
}

func (c Cols) Int(name string, i int) int {
	col := c.col(name)
	if col == nil || col.IsNull(i) {
		return 0
	}
	switch a := col.(type) {
	case *array.Int32:
		return int(a.Value(i))
	case *array.Int64:
		return int(a.Value(i))
	}
	return 0
}

// Float64 is the float64 value of column name at row i; zero for null.
func (c Cols) Float64(name string, i int) float64 {
	if a, ok := c.col(name).(*array.Float64); ok && !a.IsNull(i) {
		return a.Value(i)
	}
	return 0
}

func (c Cols) Float(name string, i int) float32 {
	if a, ok := c.col(name).(*array.Float32); ok && !a.IsNull(i) {
		return a.Value(i)
	}
	return 0
}

func (c Cols) Bool(name string, i int) bool {
	if a, ok := c.col(name).(*array.Boolean); ok && !a.IsNull(i) {
		return a.Value(i)
	}
	return false
}

func (c Cols) Time(name string, i int) time.Time {
	if a, ok := c.col(name).(*array.Timestamp); ok && !a.IsNull(i) {
		return a.Value(i).ToTime(a.DataType().(*arrow.TimestampType).Unit).UTC()
	}
	return time.Time{}
}

func (c Cols) Strs(name string, i int) []string {
	l, ok := c.col(name).(*array.List)
	if !ok || l.IsNull(i) {
		return nil
	}
	lo, hi := l.ValueOffsets(i)
	var out []string
	for k := lo; k < hi; k++ {
		out = append(out, data.CellString(l.ListValues(), int(k)))
	}
	return out
}

func (c Cols) Floats(name string, i int) []float32 {
	l, ok := c.col(name).(*array.List)
	if !ok || l.IsNull(i) {
		return nil
	}
	v, ok := l.ListValues().(*array.Float32)
	if !ok {
		return nil
	}
	lo, hi := l.ValueOffsets(i)
	return append([]float32(nil), v.Float32Values()[lo:hi]...)
}

// addedColumns are the columns that outputs written by earlier versions
// lack; they read as zero.
var addedColumns = map[string]bool{"n_undated": true, "storyline_id": true}

// checkSchema reports a column of want that got lacks or holds with
// another type (a dictionary of strings stands for strings, and any number
// for another: an integer column of an older output stands for a double).
func checkSchema(got, want *arrow.Schema) error {
	plain := func(t arrow.DataType) arrow.DataType {
		if d, ok := t.(*arrow.DictionaryType); ok {
			return d.ValueType
		}
		return t
	}
	numeric := func(t arrow.DataType) bool {
		return arrow.IsInteger(t.ID()) || arrow.IsFloating(t.ID())
	}
	for _, w := range want.Fields() {
		idx := got.FieldIndices(w.Name)
		if len(idx) == 0 && addedColumns[w.Name] {
			continue // an output written before the column was
		}
		if len(idx) == 0 {
			return fmt.Errorf("no column %q", w.Name)
		}
		g := plain(got.Field(idx[0]).Type)
		if !arrow.TypeEqual(g, plain(w.Type)) && !(numeric(g) && numeric(w.Type)) {
			return fmt.Errorf("column %q is %s, want %s", w.Name, g, plain(w.Type))
		}
	}
	return nil
}

// ReadRows calls fn for every row of a Parquet file written with the
// schema want (a table of this job's: an output or a state file). A file
// that lacks a column of want, or holds it with another type (another
// table copied over this one), is an error, as is a damaged file: its
// pages are checked first, as those of input files are, and a panic of the
// Arrow reader is turned into an error naming the file.
func ReadRows(path string, want *arrow.Schema, fn func(c Cols, i int)) (err error) {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%w: %w", data.ErrInput, err)
	}
	defer f.Close()
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("%s: damaged Parquet: %v", path, v)
		}
	}()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	pf, mem, err := parquetcheck.Open(f, info.Size())
	if err != nil {
		return fmt.Errorf("%s: damaged Parquet: %w", path, err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 64 << 10}, mem)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	schema, err := fr.Schema()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := checkSchema(schema, want); err != nil {
		return fmt.Errorf("%s: not the table expected here: %w", path, err)
	}
	// Row group by row group: each has its own dictionaries, which pqarrow
	// cannot concatenate into one record reader ("not implemented").
	columns := make([]int, pf.MetaData().Schema.NumColumns())
	for i := range columns {
		columns[i] = i
	}
	// The record reader reads in this goroutine, where a panic of the
	// decoders is recovered (ReadTable reads on goroutines of its own).
	for g := 0; g < pf.NumRowGroups(); g++ {
		rr, err := fr.GetRecordReader(context.Background(), columns, []int{g})
		if err != nil {
			return fmt.Errorf("%s: row group %d: %w", path, g, err)
		}
		for rr.Next() {
			rec := rr.Record()
			c := Cols{rec: rec, index: map[string]int{}}
			for i, fd := range rec.Schema().Fields() {
				c.index[fd.Name] = i
			}
			for i := 0; i < int(rec.NumRows()); i++ {
				fn(c, i)
			}
		}
		err = rr.Err()
		rr.Release()
		if err != nil && err != io.EOF {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	return nil
}

// assignmentsSchema is the part of ArticlesSchema that ReadAssignments reads.
var assignmentsSchema = arrow.NewSchema(ArticlesSchema.Fields()[:3], nil)

// ReadAssignments reads the article_id column of the articles table in dir
// and its story_id column, or its storyline_id column when storylines is
// set. An output without storylines (written by a version before them) is
// an error then.
func ReadAssignments(dir string, storylines bool) (articleIDs, groupIDs []string, err error) {
	type pair struct{ article, group string }
	column := "story_id"
	if storylines {
		column = "storyline_id"
	}
	pairs, err := readTable(dir, "articles", func(path string) ([]pair, error) {
		var ps []pair
		missing := false
		err := ReadRows(path, assignmentsSchema, func(c Cols, i int) {
			g := c.Str(column, i)
			missing = missing || g == ""
			ps = append(ps, pair{c.Str("article_id", i), g})
		})
		if err == nil && missing {
			err = fmt.Errorf("%w: %s: articles without a %s: the output was written by a version without storylines", data.ErrInput, path, column)
		}
		return ps, err
	})
	for _, p := range pairs {
		articleIDs = append(articleIDs, p.article)
		groupIDs = append(groupIDs, p.group)
	}
	return articleIDs, groupIDs, err
}
