package cluster

import (
	"cmp"
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/storyclust/storyclust/vectorize"
)

// referenceStorylines is the linkage of Storylines done the plain way:
// every round computes the decayed cosine of every two storylines joined by
// a candidate pair from their summed centroids (kept dense) and merges the
// best that reaches the threshold, ties to the lowest pair of ids, into the
// lower id, whose sum then keeps its cfg.Terms heaviest terms. It is
// cubic, for small tests only.
func referenceStorylines(threads []Thread, cfg StorylineConfig, pairs [][2]int32) []int {
	n := len(threads)
	vocab := 0
	for _, t := range threads {
		if k := t.Centroid.Len(); k > 0 {
			vocab = max(vocab, int(t.Centroid.Terms[k-1])+1)
		}
	}
	root := make([]int, n)
	sum := make([][]float32, n)
	first, last := make([]int64, n), make([]int64, n)
	lang := make([]string, n)
	for i, t := range threads {
		root[i] = i
		sum[i] = make([]float32, vocab)
		for k, term := range t.Centroid.Terms {
			sum[i][term] = t.Centroid.Weights[k] * float32(max(t.Articles, 1))
		}
		first[i], last[i] = noDate, noDate
		if !t.First.IsZero() {
			first[i], last[i] = t.First.Unix(), t.Last.Unix()
		}
		lang[i] = t.Lang
	}
	find := func(i int) int {
		for root[i] != i {
			i = root[i]
		}
		return i
	}
	norm := func(v []float32) float64 {
		var ss float64
		for _, w := range v {
			ss += float64(w) * float64(w)
		}
		return math.Sqrt(ss)
	}
	window := cfg.Window.Seconds()
	sim := func(a, b int) float64 {
		if lang[a] != lang[b] && lang[a] != "" && lang[b] != "" {
			return 0
		}
		d := 1.0
		if first[a] != noDate && first[b] != noDate {
			if gap := float64(max(first[a], first[b]) - min(last[a], last[b])); gap > window {
				return 0
			} else if gap > 0 {
				d = 1 - (1-gapDecay)*gap/window
			}
		}
		na, nb := norm(sum[a]), norm(sum[b])
		if na == 0 || nb == 0 {
			return 0
		}
		var dot float64
		for t := range sum[a] {
			dot += float64(sum[a][t]) * float64(sum[b][t])
		}
		return d * dot / (na * nb)
	}
	for {
		joined := map[[2]int]bool{}
		for _, p := range pairs {
			a, b := find(int(p[0])), find(int(p[1]))
			if a != b {
				joined[[2]int{min(a, b), max(a, b)}] = true
			}
		}
		ba, bb, best := -1, -1, 0.0
		for p := range joined {
			s := sim(p[0], p[1])
			if s < cfg.Threshold {
				continue
			}
			if s > best || s == best && (p[0] < ba || p[0] == ba && p[1] < bb) {
				ba, bb, best = p[0], p[1], s
			}
		}
		if ba < 0 {
			break
		}
		root[bb] = ba
		var terms []int
		for t := range sum[ba] {
			sum[ba][t] += sum[bb][t]
			if sum[ba][t] != 0 {
				terms = append(terms, t)
			}
		}
		if cfg.Terms > 0 && len(terms) > cfg.Terms {
			// The heaviest first, ties to the lower term; the rest go.
			slices.SortStableFunc(terms, func(x, y int) int { return cmp.Compare(sum[ba][y], sum[ba][x]) })
			for _, t := range terms[cfg.Terms:] {
				sum[ba][t] = 0
			}
		}
		switch {
		case first[ba] == noDate:
			first[ba], last[ba] = first[bb], last[bb]
		case first[bb] != noDate:
			first[ba], last[ba] = min(first[ba], first[bb]), max(last[ba], last[bb])
		}
		if lang[ba] == "" {
			lang[ba] = lang[bb]
		}
	}
	labels := make([]int, n)
	byRoot := map[int]int{}
	for i := range labels {
		r := find(i)
		if _, ok := byRoot[r]; !ok {
			byRoot[r] = len(byRoot)
		}
		labels[i] = byRoot[r]
	}
	return labels
}

// randomThreads returns n threads drawn around a few topics, some undated,
// a few in another language, spread over half a year.
func randomThreads(rng *rand.Rand, n int) []Thread {
	const vocab, topics = 60, 5
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	threads := make([]Thread, n)
	for i := range threads {
		topic := rng.IntN(topics)
		w := map[int32]float32{}
		for range 4 + rng.IntN(6) {
			term := int32(topic*10 + rng.IntN(12))
			if rng.IntN(4) == 0 {
				term = int32(rng.IntN(vocab))
			}
			w[term] += float32(rng.Float64())
		}
		var v vectorize.Vector
		for term := range int32(vocab) {
			if x, ok := w[term]; ok {
				v.Terms, v.Weights = append(v.Terms, term), append(v.Weights, x)
			}
		}
		t := Thread{Centroid: unit(v), Articles: 1 + rng.IntN(5), Lang: "en"}
		if rng.IntN(10) == 0 {
			t.Lang = "de"
		}
		if rng.IntN(6) != 0 {
			t.First = day.Add(time.Duration(rng.IntN(180*24)) * time.Hour)
			t.Last = t.First.Add(time.Duration(rng.IntN(72)) * time.Hour)
		}
		threads[i] = t
	}
	return threads
}

func TestStorylinesMatchReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for round := range 30 {
		n := 5 + rng.IntN(40)
		threads := randomThreads(rng, n)
		var pairs [][2]int32
		for range n * 3 {
			i, j := rng.IntN(n), rng.IntN(n)
			if i != j {
				pairs = append(pairs, [2]int32{int32(i), int32(j)})
			}
		}
		cfg := StorylineConfig{Threshold: 0.2 + 0.4*rng.Float64(), Window: time.Duration(10+rng.IntN(50)) * 24 * time.Hour}
		if round%2 == 1 {
			cfg.Terms = 4 + rng.IntN(8) // fewer than two stories' terms
		}
		got, err := linkThreads(context.Background(), threads, cfg, pairs, 0)
		if err != nil {
			t.Fatal(err)
		}
		if want := referenceStorylines(threads, cfg, pairs); !slices.Equal(got, want) {
			t.Fatalf("round %d (%d threads, threshold %.3f): labels\n%v, want\n%v", round, n, cfg.Threshold, got, want)
		}
	}
}

// TestStorylines links planted storylines: two topics told in weekly
// stories over three months, a third topic that stops for four months and
// comes back (two storylines at a 60-day horizon), and the first topic's
// vocabulary in another language (apart).
func TestStorylines(t *testing.T) {
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(7, 11))
	story := func(topic int, at time.Time, lang string) Thread {
		var v vectorize.Vector
		for term := range int32(10) {
			if rng.IntN(5) != 0 { // each story uses most of its topic's words
				v.Terms = append(v.Terms, int32(topic*10)+term)
				v.Weights = append(v.Weights, float32(0.8+0.4*rng.Float64()))
			}
		}
		v.Terms = append(v.Terms, int32(100+rng.IntN(50))) // and a word of its own
		v.Weights = append(v.Weights, 1)
		return Thread{Centroid: unit(v), Articles: 3, First: at, Last: at.Add(30 * time.Hour), Lang: lang}
	}
	var threads []Thread
	var want []string
	for week := range 13 {
		at := day.AddDate(0, 0, 7*week)
		threads = append(threads, story(0, at, "en"), story(1, at.Add(time.Hour), "en"), story(0, at.Add(2*time.Hour), "fr"))
		want = append(want, "a", "b", "a-fr")
	}
	for _, at := range []time.Time{day, day.AddDate(0, 0, 10), day.AddDate(0, 5, 0), day.AddDate(0, 5, 12)} {
		threads = append(threads, story(2, at, "en"))
		if at.Before(day.AddDate(0, 2, 0)) {
			want = append(want, "c-early")
		} else {
			want = append(want, "c-late")
		}
	}
	got, err := Storylines(context.Background(), threads, StorylineConfig{Threshold: 0.3, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	gotNames := make([]string, len(got))
	for i, l := range got {
		gotNames[i] = string(rune('A' + l))
	}
	if s := Score(want, gotNames); s.BCubedF1 != 1 {
		t.Errorf("storylines %v, want the groups of %v (B-cubed F1 %.3f)", got, want, s.BCubedF1)
	}
	for w := range 3 {
		again, err := Storylines(context.Background(), threads, StorylineConfig{Threshold: 0.3, Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(again, got) {
			t.Errorf("%d workers: %v, want %v", w, again, got)
		}
	}
	terms := StorylineTerms(threads, got, 3)
	for i, l := range got {
		topic := map[string]int32{"a": 0, "a-fr": 0, "b": 10, "c-early": 20, "c-late": 20}[want[i]]
		for _, term := range terms[l] {
			if term < topic || term >= topic+10 {
				t.Errorf("storyline %d (%s): top terms %v, want terms of its topic [%d, %d)", l, want[i], terms[l], topic, topic+10)
				break
			}
		}
	}
}

func TestStorylinesCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Storylines(ctx, randomThreads(rand.New(rand.NewPCG(1, 2)), 50), StorylineConfig{}); err == nil {
		t.Fatal("a canceled storyline linkage returned no error")
	}
}

// BenchmarkStorylines links 20,000 stories of 64 terms, told over half a
// year in 500 storylines of about 40 stories each: the centroid linkage's
// cost as storylines grow and gather neighbours.
func BenchmarkStorylines(b *testing.B) {
	const n, topics, terms = 20_000, 500, 64
	rng := rand.New(rand.NewPCG(1, 1))
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	threads := make([]Thread, n)
	for i := range threads {
		topic := rng.IntN(topics)
		w := map[int32]float32{}
		for range terms {
			term := int32(topic*100 + rng.IntN(100))
			if rng.IntN(3) == 0 {
				term = int32(topics*100 + rng.IntN(20_000)) // words any story may use
			}
			w[term] += float32(rng.Float64())
		}
		v := vectorize.Vector{}
		for t := range w {
			v.Terms = append(v.Terms, t)
		}
		slices.Sort(v.Terms)
		for _, t := range v.Terms {
			v.Weights = append(v.Weights, w[t])
		}
		first := day.Add(time.Duration(rng.IntN(180*24)) * time.Hour)
		threads[i] = Thread{Centroid: unit(v), Articles: 1 + rng.IntN(8), First: first, Last: first.Add(48 * time.Hour), Lang: "en"}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Storylines(context.Background(), threads, StorylineConfig{Terms: 256, Workers: 2}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(n*float64(b.N)/b.Elapsed().Seconds(), "stories/s")
}
