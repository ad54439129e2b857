package cluster

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
)

// referenceLink is average linkage as AverageLink documents it, done the
// plain way: every round compares every pair of groups and merges the one
// with the highest mean (ties to the lowest pair of ids) that reaches the
// threshold and is not separated. It is cubic, for small tests only.
func referenceLink(langs []string, edges []Edge, threshold float64) []int {
	n := len(langs)
	sum := make([][]float64, n) // by pair of roots
	capped := make([][]float64, n)
	for i := range sum {
		sum[i], capped[i] = make([]float64, n), make([]float64, n)
	}
	for _, e := range edges {
		c := float64(min(e.Sim, float32(cohesionCap*threshold)))
		sum[e.I][e.J] += float64(e.Sim)
		sum[e.J][e.I] += float64(e.Sim)
		capped[e.I][e.J] += c
		capped[e.J][e.I] += c
	}
	root := make([]int, n)
	size := make([]float64, n)
	inner := make([]float64, n)
	lang := slices.Clone(langs)
	for i := range root {
		root[i], size[i] = i, 1
	}
	cohesion := func(a int) float64 { return inner[a] / (size[a] * (size[a] - 1) / 2) }
	for {
		ba, bb, best := -1, -1, 0.0
		for a := range n {
			for b := a + 1; b < n; b++ {
				if root[a] != a || root[b] != b || sum[a][b] == 0 {
					continue
				}
				mean := sum[a][b] / (size[a] * size[b])
				if mean < threshold || mean <= best {
					continue
				}
				if size[a] >= 2 && size[b] >= 2 && lang[a] == lang[b] && lang[a] != "\x00mixed" &&
					capped[a][b] < minSeparation*min(cohesion(a), cohesion(b))*size[a]*size[b] {
					continue
				}
				ba, bb, best = a, b, mean
			}
		}
		if ba < 0 {
			break
		}
		inner[ba] += inner[bb] + capped[ba][bb]
		size[ba] += size[bb]
		if lang[ba] != lang[bb] {
			lang[ba] = "\x00mixed"
		}
		for k := range n {
			if root[k] == bb {
				root[k] = ba
			}
			if k != ba {
				sum[ba][k] += sum[bb][k]
				sum[k][ba] = sum[ba][k]
				capped[ba][k] += capped[bb][k]
				capped[k][ba] = capped[ba][k]
			}
		}
	}
	labels := make([]int, n)
	byRoot := map[int]int{}
	for i := range labels {
		l, ok := byRoot[root[i]]
		if !ok {
			l = len(byRoot)
			byRoot[root[i]] = l
		}
		labels[i] = l
	}
	return labels
}

// TestAverageLinkMatchesReference holds the lazy heap of AverageLink to the
// plain algorithm on random graphs. Similarities are multiples of 1/16, so
// that every sum is exact in any order and ties between means are common.
func TestAverageLinkMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for trial := range 400 {
		n := 2 + r.IntN(40)
		langs := make([]string, n)
		for i := range langs {
			langs[i] = []string{"en", "en", "de"}[r.IntN(3)]
		}
		density := 0.1 + 0.5*r.Float64()
		var edges []Edge
		for j := range n {
			for i := range j {
				if r.Float64() < density {
					edges = append(edges, Edge{I: int32(i), J: int32(j), Sim: float32(1+r.IntN(48)) / 16})
				}
			}
		}
		for range r.IntN(4) { // a pair given twice counts twice
			if len(edges) > 0 {
				e := edges[r.IntN(len(edges))]
				e.Sim = float32(1+r.IntN(16)) / 16
				edges = append(edges, e)
			}
		}
		threshold := []float64{0.25, 0.5, 0.75}[r.IntN(3)]
		want := referenceLink(langs, edges, threshold)
		if got := AverageLink(langs, edges, threshold); !slices.Equal(got, want) {
			t.Fatalf("trial %d (%d items, %d edges, threshold %v):\n got  %v\n want %v", trial, n, len(edges), threshold, got, want)
		}
		// In blocks of 7 edges, in runs for 3 workers.
		var blocks [][]Edge
		for k := 0; k < len(edges); k += 7 {
			blocks = append(blocks, edges[k:min(k+7, len(edges))])
		}
		if got, _ := averageLink(context.Background(), linkItems{langs: langs}, blocks, threshold, 3); !slices.Equal(got, want) {
			t.Fatalf("trial %d (%d items, %d edges, threshold %v), 3 workers:\n got  %v\n want %v", trial, n, len(edges), threshold, got, want)
		}
	}
}

// TestPairHeap pops pairs in the order of before, whatever order they were
// put in the heap in, at once (init) or pushed with pops between; means
// are drawn from a few values so that ties go to the ids.
func TestPairHeap(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 9))
	for trial := range 200 {
		var h pairHeap
		var held []pair // what the heap should hold
		draw := func() pair {
			return pair{owner: int32(r.IntN(20)), other: int32(r.IntN(20)), avg: float64(r.IntN(8)) / 8, looked: r.Uint32()}
		}
		for range r.IntN(100) { // made a heap at once
			h.s = append(h.s, draw())
		}
		held = slices.Clone(h.s)
		h.init()
		check := func(p pair) {
			k := slices.Index(held, p)
			if k < 0 {
				t.Fatalf("trial %d: popped %+v, which was not pushed or was popped before", trial, p)
			}
			for _, q := range held {
				if q.before(p) {
					t.Fatalf("trial %d: popped %+v before %+v", trial, p, q)
				}
			}
			held = slices.Delete(held, k, k+1)
		}
		for range 1 + r.IntN(300) {
			if h.len() > 0 && r.IntN(3) == 0 {
				check(h.pop())
				continue
			}
			p := draw()
			h.push(p)
			held = append(held, p)
		}
		for h.len() > 0 {
			check(h.pop())
		}
		if len(held) != 0 {
			t.Fatalf("trial %d: %d pairs pushed but never popped", trial, len(held))
		}
	}
}

// TestAverageLinkWorkers gives the same labels on one worker and on
// several, on graphs larger than those of the reference.
func TestAverageLinkWorkers(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 11))
	merged := 0
	for trial := range 100 {
		n := 2 + r.IntN(600)
		langs := make([]string, n)
		for i := range langs {
			langs[i] = []string{"en", "en", "de"}[r.IntN(3)]
		}
		var edges []Edge
		for range 3 * n {
			i := r.IntN(n - 1)
			j := min(i+1+r.IntN(40), n-1)
			edges = append(edges, Edge{I: int32(i), J: int32(j), Sim: float32(1+r.IntN(48)) / 16})
		}
		threshold := []float64{0.25, 0.5, 0.75}[r.IntN(3)]
		one, _ := averageLink(context.Background(), linkItems{langs: langs}, [][]Edge{slices.Clone(edges)}, threshold, 1)
		several, _ := averageLink(context.Background(), linkItems{langs: langs}, [][]Edge{edges[:n], edges[n:]}, threshold, 4)
		if !slices.Equal(one, several) {
			t.Fatalf("trial %d (%d items, threshold %v):\n one worker   %v\n four workers %v", trial, n, threshold, one, several)
		}
		if slices.Max(one) < n-1 {
			merged++
		}
	}
	if merged < 50 {
		t.Fatalf("only %d of 100 trials merged any items", merged)
	}
}

// TestUndatedBridge: an undated item close to a dated item of 2008 and to
// one of 2021 joins one of them, but does not bring the two into one
// group; dated groups within a few windows of each other still join
// through it.
func TestUndatedBridge(t *testing.T) {
	langs := []string{"en", "en", "en"}
	edges := []Edge{{I: 0, J: 2, Sim: 0.9}, {I: 1, J: 2, Sim: 0.8}}
	day := int64(24 * 3600)
	window := 3 * day
	for _, tc := range []struct {
		name  string
		times []int64
		same  bool // items 0 and 1 in one group
	}{
		{"years apart", []int64{1_200_000_000, 1_600_000_000, noDate}, false},
		{"days apart", []int64{1_600_000_000, 1_600_000_000 + 5*day, noDate}, true},
		{"no dates", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			labels, _ := averageLink(context.Background(), linkItems{langs, tc.times, bridgeWindows * window}, [][]Edge{slices.Clone(edges)}, 0.3, 1)
			if got := labels[0] == labels[1]; got != tc.same {
				t.Errorf("labels %v: items 0 and 1 together %v, want %v", labels, got, tc.same)
			}
			if labels[2] != labels[0] {
				t.Errorf("labels %v: the undated item left its closest neighbour", labels)
			}
		})
	}
}

// TestAverageLinkCanceled: a linkage whose context is done stops with its
// error instead of finishing.
func TestAverageLinkCanceled(t *testing.T) {
	items, edges := syntheticEdges(t, 5_000, 30, 3)
	cfg := *(&Config{}).EnsureDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	labels, err := averageLink(ctx, linkItems{langs: make([]string, len(items))}, [][]Edge{edges}, cfg.Threshold, 2)
	if !errors.Is(err, context.Canceled) || labels != nil {
		t.Errorf("canceled linkage: %d labels, err %v", len(labels), err)
	}
	if _, err := Cluster(ctx, items, Config{}); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled Cluster: err %v", err)
	}
}
