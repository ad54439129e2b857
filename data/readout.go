package data

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
)

// Output is a run's tables read back from its output directory.
type Output struct {
	Articles     []ArticleRow
	Stories      []StoryRow
	StoryOutlets []StoryOutletRow
}

// ReadOutput reads the articles, stories and story_outlets Parquet tables
// written to dir by a run.
func ReadOutput(dir string) (*Output, error) {
	var out Output
	err := readRows(filepath.Join(dir, "articles.parquet"), func(c cols, i int) {
		out.Articles = append(out.Articles, ArticleRow{
			ArticleID: c.str("article_id", i), StoryID: c.str("story_id", i), Outlet: c.str("outlet", i),
			Published: c.time("published_at", i), Title: c.str("title", i), URL: c.str("url", i),
			Language: c.str("language", i), DuplicateOf: c.str("duplicate_of", i), WireCopy: c.bool("is_wire_copy", i),
		})
	})
	if err == nil {
		err = readRows(filepath.Join(dir, "stories.parquet"), func(c cols, i int) {
			out.Stories = append(out.Stories, StoryRow{
				StoryID: c.str("story_id", i), Label: c.str("label", i), TopTerms: c.strs("top_terms", i),
				NArticles: c.int("n_articles", i), NOutlets: c.int("n_outlets", i), Outlets: c.strs("outlets", i),
				First: c.time("first_published", i), Last: c.time("last_published", i),
				RepresentativeArticleID: c.str("representative_article_id", i), NIndependent: c.int("n_independent", i),
			})
		})
	}
	if err == nil {
		err = readRows(filepath.Join(dir, "story_outlets.parquet"), func(c cols, i int) {
			r := StoryOutletRow{
				StoryID: c.str("story_id", i), Outlet: c.str("outlet", i), NArticles: c.int("n_articles", i),
				First: c.time("first_published", i), Headline: c.str("headline", i),
				DistinctiveTerms: c.strs("distinctive_terms", i), Scores: c.floats("scores", i),
				NWireCopies: c.int("n_wire_copies", i),
			}
			if col := c.col("lag_seconds"); col != nil && !col.IsNull(i) {
				r.LagSeconds, r.HasLag = col.(*array.Int64).Value(i), true
			}
			out.StoryOutlets = append(out.StoryOutlets, r)
		})
	}
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// cols gives access to one record's columns by name.
type cols struct {
	rec   arrow.Record
	index map[string]int
}

func (c cols) col(name string) arrow.Array {
	i, ok := c.index[name]
	if !ok {
		return nil
	}
	return c.rec.Column(i)
}

func (c cols) str(name string, i int) string {
	if col := c.col(name); col != nil {
		return cellString(col, i)
	}
	return ""
}

func (c cols) int(name string, i int) int {
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

func (c cols) bool(name string, i int) bool {
	if a, ok := c.col(name).(*array.Boolean); ok && !a.IsNull(i) {
		return a.Value(i)
	}
	return false
}

func (c cols) time(name string, i int) time.Time {
	if a, ok := c.col(name).(*array.Timestamp); ok && !a.IsNull(i) {
		return a.Value(i).ToTime(a.DataType().(*arrow.TimestampType).Unit).UTC()
	}
	return time.Time{}
}

func (c cols) strs(name string, i int) []string {
	l, ok := c.col(name).(*array.List)
	if !ok || l.IsNull(i) {
		return nil
	}
	lo, hi := l.ValueOffsets(i)
	var out []string
	for k := lo; k < hi; k++ {
		out = append(out, cellString(l.ListValues(), int(k)))
	}
	return out
}

func (c cols) floats(name string, i int) []float32 {
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

// readRows calls fn for every row of a Parquet file.
func readRows(path string, fn func(c cols, i int)) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInput, err)
	}
	defer f.Close()
	pf, err := file.NewParquetReader(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 64 << 10}, memory.DefaultAllocator)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	// Row group by row group: each has its own dictionaries, which pqarrow
	// cannot concatenate into one record reader ("not implemented").
	columns := make([]int, pf.MetaData().Schema.NumColumns())
	for i := range columns {
		columns[i] = i
	}
	for g := 0; g < pf.NumRowGroups(); g++ {
		tbl, err := fr.RowGroup(g).ReadTable(context.Background(), columns)
		if err != nil {
			return fmt.Errorf("%s: row group %d: %w", path, g, err)
		}
		tr := array.NewTableReader(tbl, 64<<10)
		for tr.Next() {
			rec := tr.Record()
			c := cols{rec: rec, index: map[string]int{}}
			for i, fd := range rec.Schema().Fields() {
				c.index[fd.Name] = i
			}
			for i := 0; i < int(rec.NumRows()); i++ {
				fn(c, i)
			}
		}
		err = tr.Err()
		tr.Release()
		tbl.Release()
		if err != nil && err != io.EOF {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	return nil
}
