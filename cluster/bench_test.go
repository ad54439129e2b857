package cluster

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// syntheticItems returns n items in canonical order spread over a day:
// stories of a few dozen articles that share key terms, over a Zipf-shaped
// background vocabulary, as headlines (terms) words long.
func syntheticItems(n, terms int, seed uint64) []Item {
	r := rand.New(rand.NewPCG(seed, 1))
	zipf := rand.NewZipf(r, 1.1, 1, 200_000)
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	items := make([]Item, n)
	for i := range items {
		story := r.IntN(max(n/30, 1))
		var p []float64
		seen := map[int32]bool{}
		add := func(t int32, w float64) {
			if !seen[t] {
				seen[t] = true
				p = append(p, float64(t), w)
			}
		}
		for k := range 3 {
			add(int32(300_000+story*3+k), 2)
		}
		for len(p)/2 < terms {
			add(int32(zipf.Uint64()), 1)
		}
		// vec wants sorted terms.
		idx := make([]int, len(p)/2)
		for k := range idx {
			idx[k] = k
		}
		slices.SortFunc(idx, func(a, b int) int { return int(p[2*a] - p[2*b]) })
		var sorted []float64
		for _, k := range idx {
			sorted = append(sorted, p[2*k], p[2*k+1])
		}
		items[i] = Item{Vec: vec(sorted...), Time: start.Add(time.Duration(i) * 24 * time.Hour / time.Duration(n))}
	}
	return items
}

// syntheticEdges returns n synthetic items and their candidate edges as
// Cluster finds them with the default Config, on two workers.
func syntheticEdges(tb testing.TB, n, terms int, seed uint64) ([]Item, []Edge) {
	items := syntheticItems(n, terms, seed)
	edges, err := Candidates(context.Background(), items, (&Config{Workers: 2}).EnsureDefaults().search())
	if err != nil {
		tb.Fatal(err)
	}
	return items, edges
}

func benchmarkCandidates(b *testing.B, n, terms int) {
	items := syntheticItems(n, terms, 1)
	search := (&Config{Workers: 2}).EnsureDefaults().search()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Candidates(context.Background(), items, search); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

func BenchmarkCandidatesHeadlines10k(b *testing.B) { benchmarkCandidates(b, 10_000, 8) }
func BenchmarkCandidatesArticles10k(b *testing.B)  { benchmarkCandidates(b, 10_000, 150) }

func BenchmarkCluster10k(b *testing.B) {
	items := syntheticItems(10_000, 30, 2)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Cluster(context.Background(), items, Config{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(items))*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkAverageLink50k links the candidate edges of 50,000 synthetic
// articles (found once, outside the timing), with their times, as Cluster
// does: all dated, and with a tenth undated, where the linkage checks that
// undated articles do not join groups far apart in time.
func BenchmarkAverageLink50k(b *testing.B) {
	items, edges := syntheticEdges(b, 50_000, 30, 3)
	cfg := *(&Config{}).EnsureDefaults()
	langs := make([]string, len(items))
	window := int64(bridgeWindows * cfg.Window / time.Second)
	for _, undated := range []int{0, 10} {
		times := make([]int64, len(items))
		for i, it := range items {
			times[i] = it.Time.Unix()
			if undated > 0 && i%undated == 0 {
				times[i] = noDate
			}
		}
		name := "dated"
		if undated > 0 {
			name = "tenth-undated"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				averageLink(context.Background(), linkItems{langs, times, window}, [][]Edge{edges}, cfg.Threshold, 1)
			}
			b.ReportMetric(float64(len(edges))*float64(b.N)/b.Elapsed().Seconds(), "edges/s")
		})
	}
}

// BenchmarkPairHeap pops the best of a million pairs and pushes one in its
// place, as the linkage does at 1,000,000 articles, where the heap holds up
// to a million of them.
func BenchmarkPairHeap(b *testing.B) {
	const n = 1_000_000
	r := rand.New(rand.NewPCG(1, 2))
	var h pairHeap
	for i := range n {
		h.push(pair{owner: int32(i), other: int32(r.IntN(n)), avg: r.Float64()})
	}
	b.ReportAllocs()
	for b.Loop() {
		p := h.pop()
		p.avg *= r.Float64() // a lower mean, as after a merge
		h.push(p)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pops/s")
}

// BenchmarkDistinctive scores the terms of each of 40 outlets of one story
// against the others.
func BenchmarkDistinctive(b *testing.B) {
	bg, own, all := distinctiveStory(40, 3, 400, 1)
	for b.Loop() {
		for _, acc := range own {
			bg.Distinctive(acc, all, 10, DefaultMinScore)
		}
	}
	b.ReportMetric(float64(len(own))*float64(b.N)/b.Elapsed().Seconds(), "outlets/s")
}
