package vectorize

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// benchDocs returns n documents of about words words each, drawn from a
// Zipf-shaped vocabulary with some capitalised names and numbers.
func benchDocs(n, words int) ([]Doc, int) {
	r := rand.New(rand.NewPCG(1, 2))
	zipf := rand.NewZipf(r, 1.07, 2, 50_000)
	docs := make([]Doc, n)
	size := 0
	for i := range docs {
		var b strings.Builder
		for w := range words {
			if w > 0 {
				b.WriteByte(' ')
			}
			switch x := r.IntN(50); {
			case x == 0:
				fmt.Fprintf(&b, "%d", r.IntN(3000))
			case x < 3:
				fmt.Fprintf(&b, "Name%d", r.IntN(5000))
			default:
				fmt.Fprintf(&b, "w%x", zipf.Uint64())
			}
		}
		docs[i] = Doc{Title: fmt.Sprintf("Headline %d about w%x", i, zipf.Uint64()), Text: b.String(), Outlet: fmt.Sprintf("outlet%d", i%300), Language: "en"}
		size += len(docs[i].Title) + len(docs[i].Text)
	}
	return docs, size
}

func BenchmarkTokens(b *testing.B) {
	docs, size := benchDocs(2000, 400)
	an := NewAnalyzer()
	var dst []string
	var buf []byte
	b.ReportAllocs()
	b.SetBytes(int64(size))
	for b.Loop() {
		for _, d := range docs {
			dst, buf = an.Tokens(dst[:0], d.Text, d.Language, buf)
		}
	}
}

func benchmarkVectorize(b *testing.B, n, words int) {
	docs, size := benchDocs(n, words)
	b.ReportAllocs()
	b.SetBytes(int64(size))
	for b.Loop() {
		if _, err := Vectorize(context.Background(), docs, Config{Workers: 2}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

func BenchmarkVectorizeArticles10k(b *testing.B)  { benchmarkVectorize(b, 10_000, 400) }
func BenchmarkVectorizeHeadlines50k(b *testing.B) { benchmarkVectorize(b, 50_000, 0) }

// BenchmarkInverseDocumentFrequency fits the idf of 200,000 documents of
// 150 distinct terms each, drawn from a Zipf-shaped vocabulary of 1,000,000
// terms.
func BenchmarkInverseDocumentFrequency(b *testing.B) {
	const docs = 200_000
	r := rand.New(rand.NewPCG(7, 8))
	zipf := rand.NewZipf(r, 1.07, 2, 1_000_000)
	df := make([]int, 1_000_001)
	seen := map[uint64]bool{}
	for range docs {
		clear(seen)
		for len(seen) < 150 {
			seen[zipf.Uint64()] = true
		}
		for t := range seen {
			df[t]++
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := inverseDocumentFrequency(docs, df); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(docs*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkSortByTerm sorts vectors of 200 distinct terms drawn from a
// vocabulary of 2,000,000, as the vectors of full articles are sorted once
// their terms are numbered in the whole collection.
func BenchmarkSortByTerm(b *testing.B) {
	r := rand.New(rand.NewPCG(9, 10))
	const n, vocab = 200, 2_000_000
	vecs := make([]Vector, 1024)
	for i := range vecs {
		seen := map[int32]bool{}
		for len(vecs[i].Terms) < n {
			if t := r.Int32N(vocab); !seen[t] {
				seen[t] = true
				vecs[i].Terms = append(vecs[i].Terms, t)
				vecs[i].Weights = append(vecs[i].Weights, float32(t))
			}
		}
	}
	work := make([]Vector, len(vecs))
	for i := range work {
		work[i] = Vector{Terms: make([]int32, n), Weights: make([]float32, n)}
	}
	b.ReportAllocs()
	for b.Loop() {
		for i, v := range vecs {
			copy(work[i].Terms, v.Terms)
			copy(work[i].Weights, v.Weights)
			SortByTerm(work[i])
		}
	}
	b.ReportMetric(float64(len(vecs))*float64(b.N)/b.Elapsed().Seconds(), "vectors/s")
}

// BenchmarkSketch sketches the bodies of 512 documents of 400 words, one
// chunk of the vectoriser's, with the chunk's cache of word hashes made
// anew each time, as for every chunk.
func BenchmarkSketch(b *testing.B) {
	docs, size := benchDocs(chunkDocs, 400)
	an := NewAnalyzer()
	terms := new(termList)
	ids := map[string]int32{}
	bodies := make([][]int32, len(docs))
	for i, d := range docs {
		tokens, _ := an.Tokens(nil, d.Text, d.Language, nil)
		for _, tok := range tokens {
			id, ok := ids[tok]
			if !ok {
				id = terms.add([]byte(tok))
				ids[tok] = id
			}
			bodies[i] = append(bodies[i], id)
		}
	}
	var sc sketchScratch
	b.ReportAllocs()
	b.SetBytes(int64(size))
	for b.Loop() {
		sc.reset()
		for _, body := range bodies {
			sketch(terms, body, &sc)
		}
	}
	b.ReportMetric(float64(len(docs))*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkDetectLanguage detects the language of the sentences of
// testdata/languages.json: English news by the quick rules ("quick"), and
// the 18 languages, most of which go to whatlanggo ("mixed").
func BenchmarkDetectLanguage(b *testing.B) {
	raw, err := os.ReadFile("testdata/languages.json")
	if err != nil {
		b.Fatal(err)
	}
	var samples []struct{ Lang, Text string }
	if err := json.Unmarshal(raw, &samples); err != nil {
		b.Fatal(err)
	}
	var english []string
	var all []string
	for _, s := range samples {
		all = append(all, s.Text)
		if s.Lang == "en" {
			english = append(english, s.Text)
		}
	}
	an := NewAnalyzer()
	for _, c := range []struct {
		name  string
		texts []string
	}{{"quick", english}, {"mixed", all}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				for _, t := range c.texts {
					an.DetectLanguage(t)
				}
			}
			b.ReportMetric(float64(len(c.texts))*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
		})
	}
}
