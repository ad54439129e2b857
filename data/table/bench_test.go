package table

import "testing"

// BenchmarkStageStoryOutlets writes 100,000 story_outlets rows, the table
// with the most list values (ten terms and ten scores a row), as
// Parquet.
func BenchmarkStageStoryOutlets(b *testing.B) {
	const rows = 100_000
	in := storyOutletRows(rows)
	dir := b.TempDir()
	b.ReportAllocs()
	for b.Loop() {
		t := New("story_outlets", StoryOutletsSchema)
		for _, r := range in {
			t.AppendStoryOutlet(r)
		}
		st, err := t.Stage(dir, Parquet, nil)
		if err != nil {
			b.Fatal(err)
		}
		st.Discard()
	}
	b.ReportMetric(rows*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
