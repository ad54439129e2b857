package table

import (
	"bytes"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/file"
)

// storyOutletRows returns n story_outlets rows with lists of terms and
// scores, the columns whose pages carry repetition levels.
func storyOutletRows(n int) []StoryOutletRow {
	rows := make([]StoryOutletRow, n)
	for i := range rows {
		scores := make([]float32, 10)
		terms := make([]string, len(scores))
		for k := range scores {
			scores[k] = float32(i*10+k) / 7 // all distinct, as real scores mostly are
			terms[k] = fmt.Sprintf("term%d", (i+k*31)%500)
		}
		rows[i] = StoryOutletRow{
			StoryID: fmt.Sprintf("s-%016x", i/9), Outlet: fmt.Sprintf("outlet%d.com", i%300),
			NArticles: 1 + i%4, First: time.Unix(1_700_000_000+int64(i)*60, 0).UTC(),
			LagSeconds: float64(i%7200) + 0.125, HasLag: i%9 != 0,
			Headline:         fmt.Sprintf("Headline number %d of a table with more headlines than a dictionary holds", i),
			DistinctiveTerms: terms, Scores: scores, NWireCopies: i % 3,
		}
	}
	return rows
}

// TestStageSameBytes stages the same table several times at once, as a run
// stages its tables side by side, and checks that every file has the same
// bytes, and that no column chunk has data pages in two encodings (a
// dictionary that overflowed part way), which Arrow v15 lists in an order
// that changes from run to run.
func TestStageSameBytes(t *testing.T) {
	rows := storyOutletRows(150_000)
	dir := t.TempDir()
	files := make([][]byte, 4)
	var wg sync.WaitGroup
	errs := make([]error, len(files))
	for f := range files {
		wg.Go(func() {
			tb := New(fmt.Sprint("story_outlets", f), StoryOutletsSchema)
			for _, r := range rows {
				tb.AppendStoryOutlet(r)
			}
			st, err := tb.Stage(dir, Parquet, nil)
			if err != nil {
				errs[f] = err
				return
			}
			defer st.Discard()
			files[f], errs[f] = os.ReadFile(st.Temp)
			if f == 0 {
				for _, f := range fallbacks(t, st.Temp) {
					t.Error(f)
				}
			}
		})
	}
	wg.Wait()
	for f := range files {
		if errs[f] != nil {
			t.Fatal(errs[f])
		}
		if !bytes.Equal(files[f], files[0]) {
			t.Errorf("file %d differs from file 0 (%d and %d bytes)", f, len(files[f]), len(files[0]))
		}
	}
}

// fallbacks returns the column chunks of the Parquet file at path that
// have a dictionary and yet data pages not encoded with it: their
// dictionary overflowed part way.
func fallbacks(t *testing.T, path string) []string {
	t.Helper()
	r, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out []string
	for g := range r.NumRowGroups() {
		rg := r.RowGroup(g)
		for c := range rg.NumColumns() {
			pr, err := rg.GetColumnPageReader(c)
			if err != nil {
				t.Fatal(err)
			}
			dict := false
			for pr.Next() {
				p := pr.Page()
				if _, ok := p.(*file.DictionaryPage); ok {
					dict = true
				} else if enc := parquet.Encoding(p.Encoding()); dict && enc != parquet.Encodings.RLEDict {
					out = append(out, fmt.Sprintf("row group %d column %s: a %s page after the dictionary", g, rg.MetaData().Schema.Column(c).Path(), enc))
				}
			}
			if err := pr.Err(); err != nil {
				t.Fatal(err)
			}
		}
	}
	return out
}
