package data

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkStageStoryOutlets writes 100,000 story_outlets rows, the table
// with the most list values (ten terms and ten scores a row), as Parquet.
func BenchmarkStageStoryOutlets(b *testing.B) {
	const rows = 100_000
	terms := make([]string, 500)
	for i := range terms {
		terms[i] = fmt.Sprintf("term%d", i)
	}
	scores := make([]float32, 10)
	for k := range scores {
		scores[k] = float32(10-k) / 3
	}
	in := make([]StoryOutletRow, rows)
	for i := range in {
		in[i] = StoryOutletRow{
			StoryID:          fmt.Sprintf("s-%016x", i/9),
			Outlet:           fmt.Sprintf("outlet%d.com", i%300),
			NArticles:        1 + i%4,
			First:            time.Unix(1_700_000_000+int64(i)*60, 0).UTC(),
			LagSeconds:       int64(i % 7200),
			HasLag:           i%9 != 0,
			Headline:         fmt.Sprintf("Headline number %d about %s", i, terms[i%len(terms)]),
			DistinctiveTerms: terms[i%490 : i%490+10],
			Scores:           scores,
			NWireCopies:      i % 3,
		}
	}
	dir := b.TempDir()
	b.ReportAllocs()
	for b.Loop() {
		t := NewTable("story_outlets", StoryOutletsSchema)
		for _, r := range in {
			t.AppendStoryOutlet(r)
		}
		st, err := t.Stage(dir, OutputParquet, nil)
		if err != nil {
			b.Fatal(err)
		}
		st.Discard()
	}
	b.ReportMetric(rows*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
