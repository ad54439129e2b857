package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/storyclust/storyclust/data"
	"github.com/storyclust/storyclust/data/synth"
	"github.com/storyclust/storyclust/pipeline"
)

// benchCorpus writes n synthetic articles over days days to a JSONL file.
func benchCorpus(b *testing.B, n, days int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "corpus.jsonl")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	g := synth.New(synth.Config{Articles: n, Seed: 1, Days: days, Start: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)})
	if _, err := synth.WriteJSONL(f, g); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkBackfill runs the backfill of a year of synthetic articles on
// Prism in process, with one and two cores (GOMAXPROCS: Prism runs up to
// eight bundles at once, each shard clustered on as many goroutines as
// cores), in week and month shards, beside one storyclust run of the same
// file in the same process. It reports the articles a second, and what the
// seams cost: the articles two shards hold, the stories stitched, and the
// stitch's time.
func BenchmarkBackfill(b *testing.B) {
	const articles = 40_000
	in := benchCorpus(b, articles, 365)
	ctx := context.Background()
	for _, cores := range []int{1, 2} {
		b.Run(fmt.Sprintf("cores=%d/run", cores), func(b *testing.B) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(cores))
			for b.Loop() {
				if _, err := pipeline.Run(ctx, pipeline.Config{Inputs: []string{in}, Out: b.TempDir(), Workers: cores}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(articles*b.N)/b.Elapsed().Seconds(), "articles/s")
		})
		for _, shard := range []string{"week", "month"} {
			b.Run(fmt.Sprintf("cores=%d/shard=%s", cores, shard), func(b *testing.B) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(cores))
				set := settings{Shard: shard, Workers: cores}
				if err := set.check(); err != nil {
					b.Fatal(err)
				}
				inputs, err := list(ctx, []string{in})
				if err != nil {
					b.Fatal(err)
				}
				var c seams
				for b.Loop() {
					o, err := newOutput(filepath.Join(b.TempDir(), "out"))
					if err != nil {
						b.Fatal(err)
					}
					if c, err = runPipeline(ctx, set, inputs, o); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(articles*b.N)/b.Elapsed().Seconds(), "articles/s")
				b.ReportMetric(float64(c.Articles), "seam-articles")
				b.ReportMetric(float64(c.Stitched), "stitched")
				b.ReportMetric(c.Stitch.Seconds()*1000, "stitch-ms")
			})
		}
	}
}

// BenchmarkShard times the steps a worker runs on one shard, on a week of
// 100,000 synthetic articles: counting its document frequencies,
// clustering it, sending its stories' threads to the storyline linkage,
// and building its tables.
func BenchmarkShard(b *testing.B) {
	const articles = 100_000
	g := synth.New(synth.Config{Articles: articles, Seed: 1, Days: 7})
	var all []data.Article
	var ids []string
	for {
		a, ok := g.Next()
		if !ok {
			break
		}
		all = append(all, data.Article{ID: a.ID, Outlet: a.Outlet, Published: a.Published, Title: a.Title, Text: a.Text, URL: a.URL, Language: a.Language})
		ids = append(ids, a.ID)
	}
	ctx := context.Background()
	cfg := pipeline.Config{}
	df, err := pipeline.TermCounts(ctx, cfg, all)
	if err != nil {
		b.Fatal(err)
	}
	labels, err := pipeline.ClusterShard(ctx, cfg, clone(all), ids, df)
	if err != nil {
		b.Fatal(err)
	}
	for _, step := range []struct {
		name string
		run  func() error
	}{
		{"count", func() error { _, err := pipeline.TermCounts(ctx, cfg, all); return err }},
		{"cluster", func() error { _, err := pipeline.ClusterShard(ctx, cfg, clone(all), ids, df); return err }},
		{"threads", func() error {
			_, err := pipeline.ShardThreads(ctx, cfg, clone(all), ids, labels, df)
			return err
		}},
		{"tables", func() error {
			_, _, err := pipeline.ShardTables(ctx, cfg, clone(all), ids, labels, df, map[string]string{})
			return err
		}},
	} {
		b.Run(step.name, func(b *testing.B) {
			for b.Loop() {
				if err := step.run(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(articles*b.N)/b.Elapsed().Seconds(), "articles/s")
		})
	}
}

func clone(a []data.Article) []data.Article { return append([]data.Article(nil), a...) }

// BenchmarkStitch times the stitch alone over more and more seams, each
// with the links of 2,000 overlap articles among 300 stories: its time
// follows the links on the seams, whatever the articles between them.
func BenchmarkStitch(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		var links []link
		for s := 1; s <= n; s++ {
			this, before := fmt.Sprintf("s%06d", s), fmt.Sprintf("s%06d", s-1)
			for k := range 2000 {
				links = append(links, link{From: node{this, k % 300}, To: node{before, (k * 7) % 300}})
			}
		}
		b.Run(fmt.Sprintf("seams=%d", n), func(b *testing.B) {
			for b.Loop() {
				stitch(append([]link(nil), links...))
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(links)), "ns/link")
		})
	}
}
