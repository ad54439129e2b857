package data_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/storyclust/storyclust/data"
	"github.com/storyclust/storyclust/data/synth"
)

// BenchmarkReadJSONL parses 20,000 synthetic articles from JSONL on two
// parsing goroutines, as the job reads one large file.
func BenchmarkReadJSONL(b *testing.B) {
	var file bytes.Buffer
	n, err := synth.WriteJSONL(&file, synth.New(synth.Config{Articles: 20_000, Seed: 1}))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(file.Len()))
	b.ReportAllocs()
	for b.Loop() {
		r := data.NewJSONLReader(bytes.NewReader(file.Bytes()), "bench.jsonl", data.Options{Workers: 2})
		got := 0
		for {
			_, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			got++
		}
		r.Close()
		if got != n {
			b.Fatalf("read %d articles of %d", got, n)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "articles/s")
}
