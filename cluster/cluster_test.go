package cluster

import (
	"cmp"
	"context"
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/storyclust/storyclust/vectorize"
)

func vec(pairs ...float64) vectorize.Vector {
	var v vectorize.Vector
	var ss float64
	for i := 0; i < len(pairs); i += 2 {
		ss += pairs[i+1] * pairs[i+1]
	}
	for i := 0; i < len(pairs); i += 2 {
		v.Terms = append(v.Terms, int32(pairs[i]))
		v.Weights = append(v.Weights, float32(pairs[i+1]/math.Sqrt(ss)))
	}
	return v
}

func TestScore(t *testing.T) {
	tests := []struct {
		name       string
		gold, pred []int
		p, r       float64
		pp, pr     float64
	}{
		{"perfect", []int{1, 1, 2}, []int{7, 7, 9}, 1, 1, 1, 1},
		{"all singletons", []int{1, 1, 2}, []int{1, 2, 3}, 1, 2.0 / 3, 1, 0},
		{"one lump", []int{1, 1, 2}, []int{0, 0, 0}, (2.0/3*2 + 1.0/3) / 3, 1, 1.0 / 3, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Score(tt.gold, tt.pred)
			for _, c := range []struct {
				name      string
				got, want float64
			}{{"B3 P", s.BCubedPrecision, tt.p}, {"B3 R", s.BCubedRecall, tt.r}, {"pair P", s.PairPrecision, tt.pp}, {"pair R", s.PairRecall, tt.pr}} {
				if math.Abs(c.got-c.want) > 1e-9 {
					t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
				}
			}
			if want := 2 * tt.p * tt.r / (tt.p + tt.r); math.Abs(s.BCubedF1-want) > 1e-9 {
				t.Errorf("B3 F1 = %v, want %v", s.BCubedF1, want)
			}
		})
	}
}

func TestAverageLinkDoesNotChain(t *testing.T) {
	// 0-1 and 1-2 are close, 0-2 are not: single link would chain all
	// three; average link keeps 2 apart when the mean falls below the
	// threshold.
	edges := []Edge{{0, 1, 0.9}, {1, 2, 0.5}}
	got := AverageLink(make([]string, 3), edges, 0.4)
	if want := []int{0, 0, 1}; !slices.Equal(got, want) {
		t.Errorf("labels = %v, want %v", got, want)
	}
	// With 0-2 similar too, all three join.
	got = AverageLink(make([]string, 3), append(edges, Edge{0, 2, 0.5}), 0.4)
	if want := []int{0, 0, 0}; !slices.Equal(got, want) {
		t.Errorf("labels = %v, want %v", got, want)
	}
	// Nothing reaches the threshold: all singletons.
	got = AverageLink(make([]string, 3), edges, 0.95)
	if want := []int{0, 1, 2}; !slices.Equal(got, want) {
		t.Errorf("labels = %v, want %v", got, want)
	}
}

func TestAverageLinkKeepsTightGroupsApart(t *testing.T) {
	// Two tight pairs, 0-1 and 2-3, with every pair between them at cross.
	pairs := func(within, cross float32) []Edge {
		return []Edge{{0, 1, within}, {2, 3, within}, {0, 2, cross}, {0, 3, cross}, {1, 2, cross}, {1, 3, cross}}
	}
	const threshold = 0.4
	for _, tc := range []struct {
		name          string
		within, cross float32
		want          []int
	}{
		// The mean between reaches the threshold but not minSeparation
		// of the pairs' cohesion (0.35 × 1.5 = 0.525): two stories.
		{"apart", 1.5, 0.45, []int{0, 0, 1, 1}},
		{"close enough", 1.5, 0.6, []int{0, 0, 0, 0}},
		// Near-duplicates count at most cohesionCap × threshold = 4, so
		// 0.35 × 4 = 1.4 is enough between them.
		{"near-duplicates capped", 100, 1.5, []int{0, 0, 0, 0}},
		{"near-duplicates apart", 100, 1.2, []int{0, 0, 1, 1}},
	} {
		if got := AverageLink([]string{"en", "en", "en", "en"}, pairs(tc.within, tc.cross), threshold); !slices.Equal(got, tc.want) {
			t.Errorf("%s: labels = %v, want %v", tc.name, got, tc.want)
		}
	}
	// A single article has no cohesion to compare: it joins a tight pair
	// as soon as its mean with it reaches the threshold.
	got := AverageLink([]string{"en", "en", "en"}, []Edge{{0, 1, 1.5}, {0, 2, 0.45}, {1, 2, 0.45}}, threshold)
	if want := []int{0, 0, 0}; !slices.Equal(got, want) {
		t.Errorf("single article: labels = %v, want %v", got, want)
	}
	// Groups of two languages are not compared by cohesion: a German pair
	// joins the English one on the strength of the names they share.
	got = AverageLink([]string{"en", "en", "de", "de"}, pairs(1.5, 0.45), threshold)
	if want := []int{0, 0, 0, 0}; !slices.Equal(got, want) {
		t.Errorf("two languages: labels = %v, want %v", got, want)
	}
}

func TestCandidatesWindow(t *testing.T) {
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	same := vec(1, 1, 2, 1)
	items := []Item{
		{Vec: same},            // 0: undated
		{Vec: same, Time: day}, // 1
		{Vec: same, Time: day.Add(24 * time.Hour)},           // 2
		{Vec: same, Time: day.Add(10 * 24 * time.Hour)},      // 3: far from 1 and 2
		{Vec: vec(5, 1), Time: day.Add(10 * 24 * time.Hour)}, // 4: shares nothing
		{}, // 5: empty vector
	}
	items[5].Time = day
	// Keep canonical order: undated first, then by time.
	items = []Item{items[0], items[1], items[5], items[2], items[3], items[4]}
	edges, err := Candidates(context.Background(), items, Search{Window: 48 * time.Hour, MinSim: 0.1, MaxPostings: 1000, MaxCandidates: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var got [][2]int32
	for _, e := range edges {
		got = append(got, [2]int32{e.I, e.J})
		if want := calibrate(1, &items[e.I], &items[e.J], 48*time.Hour); math.Abs(float64(e.Sim)-want) > 1e-5 {
			t.Errorf("edge %v sim = %v, want %v (cosine 1, calibrated)", e, e.Sim, want)
		}
	}
	want := [][2]int32{{0, 1}, {0, 3}, {1, 3}, {0, 4}}
	if !slices.Equal(got, want) {
		t.Errorf("edges = %v, want %v", got, want)
	}
}

// TestCandidatesLongShareTwo: a headline and a long text that share one
// word, the word the text uses in passing, are no edge, however high their
// calibrated similarity; sharing two words, or both short, they are.
func TestCandidatesLongShareTwo(t *testing.T) {
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	long := func(shared ...float64) vectorize.Vector {
		p := append([]float64{}, shared...)
		for term := range longTerms {
			p = append(p, float64(100+term), 1)
		}
		return vec(p...)
	}
	items := []Item{
		{Vec: vec(1, 1, 2, 1, 3, 1, 4, 1, 5, 1), Time: day},                    // 0: a headline of five words
		{Vec: long(1, 3), Time: day.Add(time.Hour)},                            // 1: a text with word 1
		{Vec: long(1, 3, 2, 3), Time: day.Add(2 * time.Hour)},                  // 2: a text with words 1 and 2
		{Vec: vec(1, 1, 6, 1, 7, 1, 8, 1, 9, 1), Time: day.Add(3 * time.Hour)}, // 3: a headline with word 1
	}
	edges, err := Candidates(context.Background(), items, Search{Window: DefaultWindow, MinSim: 0.12, MaxPostings: 1000, MaxCandidates: 60, LongTerms: longTerms})
	if err != nil {
		t.Fatal(err)
	}
	got := map[[2]int32]bool{}
	for _, e := range edges {
		got[[2]int32{e.I, e.J}] = true
	}
	for _, c := range []struct {
		pair [2]int32
		want bool
	}{{[2]int32{0, 1}, false}, {[2]int32{0, 2}, true}, {[2]int32{0, 3}, true}, {[2]int32{1, 3}, false}, {[2]int32{2, 3}, false}} {
		if got[c.pair] != c.want {
			t.Errorf("edge %v: %v, want %v (edges %v)", c.pair, got[c.pair], c.want, edges)
		}
	}
	// Without the rule, the headline and the text of one shared word
	// reach the edges' similarity: the rule, not the cosine, parts them.
	if c := calibrate(vectorize.Dot(items[0].Vec, items[1].Vec), &items[0], &items[1], DefaultWindow); c < 0.12 {
		t.Fatalf("calibrated similarity of the headline and the text of one shared word is %.3f: the test shows nothing", c)
	}
}

// TestTimePower holds timePower to math.Pow, bit for bit, on uniform
// values, on values spread over many orders of magnitude, and at the ends.
func TestTimePower(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	xs := []float64{0, 1, math.SmallestNonzeroFloat64, 1e-300, 1.0 / (72 * 3600e9)}
	for range 200_000 {
		xs = append(xs, r.Float64(), math.Exp(-40*r.Float64()))
	}
	for _, x := range xs {
		if got, want := timePower(x), math.Pow(x, timeExponent); got != want {
			t.Fatalf("timePower(%v) = %v, math.Pow gives %v", x, got, want)
		}
	}
}

func TestCalibrate(t *testing.T) {
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	long := func(n int) vectorize.Vector {
		var p []float64
		for i := range n {
			p = append(p, float64(i), 1)
		}
		return vec(p...)
	}
	full, headline := Item{Vec: long(300)}, Item{Vec: long(6)}
	w := 72 * time.Hour
	if got := calibrate(0.3, &full, &full, w); math.Abs(got-0.3) > 1e-12 {
		t.Errorf("two long undated articles: %v, want the cosine unchanged", got)
	}
	short := calibrate(0.3, &headline, &full, w)
	if short <= 0.3*2 {
		t.Errorf("a headline pair: %v, want well above the cosine 0.3", short)
	}
	at := func(d time.Duration) float64 {
		a, b := Item{Vec: long(300), Time: day}, Item{Vec: long(300), Time: day.Add(d)}
		return calibrate(0.3, &a, &b, w)
	}
	if got := at(0); math.Abs(got-0.3/sameTimeFactor) > 1e-12 {
		t.Errorf("published together: %v, want %v", got, 0.3/sameTimeFactor)
	}
	if !(at(0) > at(time.Hour) && at(time.Hour) > at(24*time.Hour) && at(24*time.Hour) > at(w)) {
		t.Errorf("not decreasing with time apart: %v %v %v %v", at(0), at(time.Hour), at(24*time.Hour), at(w))
	}
	if got := at(w); math.Abs(got-0.3) > 1e-12 {
		t.Errorf("a window apart: %v, want the cosine unchanged", got)
	}
	tiny, empty := Item{Vec: long(1)}, Item{}
	if calibrate(0.3, &tiny, &full, w) != calibrate(0.3, &Item{Vec: long(minTerms)}, &full, w) {
		t.Error("a one-term article is not treated as minTerms long")
	}
	if got := calibrate(0, &empty, &full, w); got != 0 || math.IsNaN(got) {
		t.Errorf("empty vector: %v, want 0", got)
	}
}

func TestClusterSummaries(t *testing.T) {
	items := []Item{
		{Vec: vec(1, 1, 2, 1)},
		{Vec: vec(1, 1, 2, 0.8)},
		{Vec: vec(7, 1)},
		{},
	}
	stories, err := Cluster(context.Background(), items, Config{Threshold: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if len(stories) != 3 {
		t.Fatalf("got %d stories, want 3", len(stories))
	}
	s := stories[0]
	if !slices.Equal(s.Members, []int{0, 1}) || s.Cohesion <= 0.9 || s.Cohesion > 1 {
		t.Errorf("story 0 = %+v", s)
	}
	if !slices.Equal(s.TopTerms, []int32{1, 2}) {
		t.Errorf("top terms = %v, want [1 2]", s.TopTerms)
	}
	if got := stories[1].Similarity[0]; math.Abs(float64(got)-1) > 1e-6 {
		t.Errorf("singleton similarity = %v, want 1", got)
	}
	empty := stories[2]
	if empty.Similarity[0] != 0 || empty.Cohesion != 0 || math.IsNaN(float64(empty.Cohesion)) {
		t.Errorf("empty-vector story = %+v, want similarity and cohesion 0", empty)
	}
}

// With Reweigh, Cluster lets the items' vectors go during the linkage and
// summarises the stories with the vectors Reweigh gives back: the stories
// are those of a run that kept them.
func TestClusterReweigh(t *testing.T) {
	items := syntheticItems(3000, 30, 4)
	kept, err := Cluster(context.Background(), slices.Clone(items), Config{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	vecs := make([]vectorize.Vector, len(items))
	for i := range items {
		vecs[i] = items[i].Vec
	}
	given := slices.Clone(items)
	calls := 0
	reweigh := func() ([]vectorize.Vector, error) {
		calls++
		for i := range given {
			if given[i].Vec.Len() != 0 {
				t.Fatalf("item %d still holds its vector during the linkage", i)
			}
		}
		return vecs, nil
	}
	got, err := Cluster(context.Background(), given, Config{Workers: 2, Reweigh: reweigh})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 1 {
		t.Errorf("Reweigh called %d times, want once", calls)
	}
	if len(kept) < 50 || !reflect.DeepEqual(got, kept) {
		t.Errorf("stories with Reweigh differ from stories without it (%d and %d stories)", len(got), len(kept))
	}
	for i := range given {
		if !slices.Equal(given[i].Vec.Weights, vecs[i].Weights) {
			t.Fatalf("item %d does not hold its vector again", i)
		}
	}
}

func TestCandidatesIndependentOfWorkers(t *testing.T) {
	items := syntheticItems(6000, 20, 3)
	search := func(workers int) []Edge {
		e, err := Candidates(context.Background(), items, Search{Window: DefaultWindow, MinSim: 0.05, MaxPostings: 300, MaxCandidates: 50, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	one, three := search(1), search(3)
	if len(one) == 0 || !slices.Equal(one, three) {
		t.Errorf("edges differ between 1 and 3 workers (%d and %d edges)", len(one), len(three))
	}
}

func TestWireCopies(t *testing.T) {
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	same := vectorize.Sketch{N: uint8(len(vectorize.Sketch{}.Min)), Valid: true}
	other := same
	for k := range same.Min {
		same.Min[k], other.Min[k] = uint32(k), uint32(k+1000)
	}
	items := []Item{{}, {Time: day}, {Time: day.Add(time.Hour)}, {Time: day.Add(2 * time.Hour)}, {Time: day.Add(3 * time.Hour)}}
	outlets := []string{"Undated", "AP", "Yahoo", "AP", "Other"}
	sketches := []vectorize.Sketch{same, same, same, same, other}
	stories := []Story{{Members: []int{0, 1, 2, 3, 4}}}
	got := WireCopies(items, outlets, sketches, stories, 1)
	// 1 is the earliest dated text, the original; 2 (Yahoo) copies it; 3
	// (AP again) skips AP's own 1 but matches Yahoo's 2, a copy, so it points
	// to the original 1; 0 is undated, so it comes after the dated ones and
	// copies 1; 4 has a text of its own.
	want := []int{1, -1, 1, 1, -1}
	if !slices.Equal(got, want) {
		t.Errorf("copyOf = %v, want %v", got, want)
	}
}

func TestWireCopiesIndependentOfWorkers(t *testing.T) {
	// 2,000 stories of 1 to 40 members; each body is one of four texts, so
	// that a story holds copies, chains of copies and texts of their own.
	rng := rand.New(rand.NewPCG(3, 4))
	var texts [4]vectorize.Sketch
	for k := range texts {
		texts[k] = vectorize.Sketch{N: uint8(len(texts[k].Min)), Valid: true}
		for m := range texts[k].Min {
			texts[k].Min[m] = rng.Uint32()
		}
	}
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var items []Item
	var outlets []string
	var sketches []vectorize.Sketch
	var stories []Story
	for range 2000 {
		var st Story
		for range 1 + rng.IntN(40) {
			st.Members = append(st.Members, len(items))
			it := Item{}
			if rng.IntN(4) > 0 {
				it.Time = day.Add(time.Duration(rng.IntN(72)) * time.Hour)
			}
			items = append(items, it)
			outlets = append(outlets, []string{"AP", "Reuters", "Yahoo", "BBC", "NDTV"}[rng.IntN(5)])
			sketches = append(sketches, texts[rng.IntN(len(texts))])
		}
		stories = append(stories, st)
	}
	one := WireCopies(items, outlets, sketches, stories, 1)
	copies := 0
	for i, j := range one {
		if j >= 0 {
			copies++
			if sketches[j] != sketches[i] || one[j] >= 0 {
				t.Fatalf("item %d copies item %d, which has another text or is a copy itself", i, j)
			}
		}
	}
	if copies == 0 || copies == len(items) {
		t.Fatalf("%d copies of %d items: the case tests nothing", copies, len(items))
	}
	for _, workers := range []int{2, 3, 8} {
		if got := WireCopies(items, outlets, sketches, stories, workers); !slices.Equal(got, one) {
			t.Errorf("copies differ between 1 and %d workers", workers)
		}
	}
}

func TestDistinctive(t *testing.T) {
	// Background: term 1 is common everywhere, terms 2 and 3 rarer.
	bg := NewBackground([]vectorize.Vector{
		{Terms: []int32{1, 2, 3}, Weights: []float32{100, 10, 10}},
	}, 4)
	ownCounts := vectorize.Vector{Terms: []int32{1, 2}, Weights: []float32{5, 8}}
	others := vectorize.Vector{Terms: []int32{1, 3}, Weights: []float32{5, 8}}
	own := NewAccumulator(4)
	own.Add(ownCounts)
	all := NewAccumulator(4)
	all.Add(ownCounts)
	all.Add(others)
	if v := all.Vector(); !slices.Equal(v.Terms, []int32{1, 2, 3}) || !slices.Equal(v.Weights, []float32{10, 8, 8}) || all.Total != 26 {
		t.Fatalf("accumulated %+v, total %v", v, all.Total)
	}
	got := bg.Distinctive(own, all, 5, 0.5)
	if len(got) == 0 || got[0].Term != 2 {
		t.Fatalf("distinctive = %v, want term 2 first", got)
	}
	if above := bg.Distinctive(own, all, 5, float64(got[0].Score)+0.01); above != nil {
		t.Errorf("with the threshold above every score: %v, want none", above)
	}
	for _, ts := range got {
		if ts.Term == 3 || ts.Score <= 0 || math.IsNaN(float64(ts.Score)) {
			t.Errorf("unexpected %v", ts)
		}
	}
	if bg.Distinctive(own, own, 5, 0.5) != nil {
		t.Error("no other outlet: want no terms")
	}
	all.Reset()
	if all.Total != 0 || all.Sum[2] != 0 || len(all.Vector().Terms) != 0 {
		t.Error("Reset left sums behind")
	}
}

// keepBest keeps the same items as sorting all of them and taking the first
// k, ties included.
func TestKeepBest(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 200 {
		n, k := rng.IntN(300), 1+rng.IntN(70)
		vals := make([]int, n)
		for i := range vals {
			vals[i] = rng.IntN(20) // many ties
		}
		idx := make([]int32, n)
		for i := range idx {
			idx[i] = int32(i)
		}
		worse := func(a, b int32) bool { return vals[a] < vals[b] || vals[a] == vals[b] && a > b }
		got := keepBest(nil, idx, k, worse)
		want := slices.Clone(idx)
		slices.SortFunc(want, func(a, b int32) int {
			if worse(a, b) {
				return 1
			}
			return -1
		})
		want = want[:min(k, n)]
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d (n %d, k %d): kept %v, want %v", trial, n, k, got, want)
		}
	}
}

// TestSearcherBest holds best to a sort, on products with many ties, and
// on products spread over many octaves, beyond both ends of best's buckets.
func TestSearcherBest(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := range 400 {
		n, k := 1+rng.IntN(3000), rng.IntN(70)
		sc := &searcher{acc: make([]float32, n)}
		touched := rng.Perm(n)[:1+rng.IntN(n)]
		var items []int32
		for _, j := range touched {
			if trial%2 == 0 {
				sc.acc[j] = float32(1 + rng.IntN(20)) // many ties
			} else {
				sc.acc[j] = float32(math.Exp2(rng.Float64()*50 - 40)) // 2⁻⁴⁰ to 2¹⁰
			}
			items = append(items, int32(j))
		}
		want := slices.Clone(items)
		slices.SortFunc(want, func(a, b int32) int {
			return cmp.Or(cmp.Compare(sc.acc[b], sc.acc[a]), cmp.Compare(a, b))
		})
		want = want[:min(k, len(want))]
		got := sc.best(items, k)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d (n %d, k %d): kept %v, want %v", trial, n, k, got, want)
		}
		if i := slices.IndexFunc(sc.acc, func(x float32) bool { return x != 0 }); i >= 0 {
			t.Fatalf("trial %d: partial product of item %d left at %v", trial, i, sc.acc[i])
		}
	}
}

func TestBefore(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for trial := range 500 {
		p := make([]posting, rng.IntN(200))
		item := int32(0)
		for i := range p {
			item += int32(1 + rng.IntN(3))
			p[i].item = item
		}
		for range 20 {
			q := int32(rng.IntN(int(item) + 3))
			want := 0
			for want < len(p) && p[want].item < q {
				want++
			}
			if got := before(p, q); got != want {
				t.Fatalf("trial %d: before(%d postings, %d) = %d, want %d", trial, len(p), q, got, want)
			}
		}
	}
}

// Each member's similarity is its cosine to the unit mean of its story's
// vectors, computed here by merging sorted terms, and the representative is
// the closest member; stories share terms, summarised one after another on
// one worker and on two.
func TestSummarizeSimilarities(t *testing.T) {
	items := syntheticItems(600, 20, 7)
	labels := make([]int, len(items))
	for i := range labels {
		labels[i] = i % 37
	}
	for _, workers := range []int{1, 2} {
		for s, st := range Summarize(items, labels, 5, 0, workers) {
			var sum vectorize.Vector
			for _, m := range st.Members {
				sum = addVec(sum, items[m].Vec)
			}
			norm := vectorize.Norm(sum)
			for k, m := range st.Members {
				want := vectorize.Dot(items[m].Vec, sum) / norm
				if math.Abs(float64(st.Similarity[k])-want) > 1e-5 {
					t.Fatalf("%d workers, story %d, member %d: similarity %v, want %v", workers, s, m, st.Similarity[k], want)
				}
				if st.Similarity[k] > st.Similarity[slices.Index(st.Members, st.Representative)] {
					t.Errorf("story %d: member %d is closer than the representative %d", s, m, st.Representative)
				}
			}
		}
	}
}

// addVec returns the sum of two sparse vectors.
func addVec(a, b vectorize.Vector) vectorize.Vector {
	w := map[int32]float64{}
	for _, v := range []vectorize.Vector{a, b} {
		for k, t := range v.Terms {
			w[t] += float64(v.Weights[k])
		}
	}
	var out vectorize.Vector
	for _, t := range slices.Sorted(maps.Keys(w)) {
		out.Terms = append(out.Terms, t)
		out.Weights = append(out.Weights, float32(w[t]))
	}
	return out
}

// queryTerms keeps the n heaviest terms, heaviest first and ties to the
// lower index, as a full sort orders them; a vector of n terms or fewer
// gives all of them in order.
func TestQueryTerms(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 500 {
		var v vectorize.Vector
		for k := range r.IntN(40) {
			v.Terms = append(v.Terms, int32(k))
			v.Weights = append(v.Weights, float32(r.IntN(6))/5) // many ties
		}
		n := 1 + r.IntN(20)
		want := make([]int, len(v.Terms))
		for k := range want {
			want[k] = k
		}
		if len(want) > n {
			slices.SortStableFunc(want, func(a, b int) int { return cmp.Compare(v.Weights[b], v.Weights[a]) })
			want = want[:n]
		}
		if got := queryTerms(v, n, []int{99}[:0]); !slices.Equal(got, want) {
			t.Fatalf("trial %d, n %d, weights %v: got %v, want %v", trial, n, v.Weights, got, want)
		}
	}
}

// distinctiveStory returns a background and the per-outlet term counts of
// one story: outlets whose articles draw from a Zipf-shaped vocabulary,
// each with a few terms of its own that it stresses.
func distinctiveStory(outlets, articles, terms int, seed uint64) (*Background, []*Accumulator, *Accumulator) {
	r := rand.New(rand.NewPCG(seed, 2))
	zipf := rand.NewZipf(r, 1.1, 1, 49_999)
	vocab := 50_000
	draw := func(n int, own int32) vectorize.Vector {
		counts := map[int32]float32{}
		for range n {
			t := int32(zipf.Uint64())
			if r.IntN(20) == 0 {
				t = own
			}
			counts[t]++
		}
		var v vectorize.Vector
		for t, c := range counts {
			v.Terms = append(v.Terms, t)
			v.Weights = append(v.Weights, c)
		}
		vectorize.SortByTerm(v)
		return v
	}
	var docs []vectorize.Vector
	for range 2000 {
		docs = append(docs, draw(terms, int32(r.IntN(vocab))))
	}
	bg := NewBackground(docs, vocab)
	all := NewAccumulator(vocab)
	own := make([]*Accumulator, outlets)
	for o := range own {
		own[o] = NewAccumulator(vocab)
		for range 1 + r.IntN(articles) {
			v := draw(terms, int32(vocab-1-o))
			own[o].Add(v)
			all.Add(v)
		}
	}
	return bg, own, all
}

// TestDistinctiveBound holds Distinctive, with the bound that spares it
// most logarithms, to the log-odds z-scores computed for every term.
func TestDistinctiveBound(t *testing.T) {
	for seed := range uint64(5) {
		bg, own, all := distinctiveStory(12, 4, 300, seed)
		for _, minScore := range []float64{-1, 0, 0.5, DefaultMinScore, 4} {
			for o, acc := range own {
				got := bg.Distinctive(acc, all, 10, minScore)
				want := distinctiveByFormula(bg, acc, all, 10, minScore)
				if !slices.Equal(got, want) {
					t.Fatalf("seed %d, min %v, outlet %d: got %v, want %v", seed, minScore, o, got, want)
				}
				if minScore == DefaultMinScore && o == 0 && len(want) == 0 {
					t.Fatalf("seed %d: no term reaches %v; the test compares nothing", seed, minScore)
				}
			}
		}
	}
}

// distinctiveByFormula is Distinctive without its shortcuts: the z-score
// of every term the outlet used, kept when it reaches minScore, the n
// highest first (ties to the lower term).
func distinctiveByFormula(b *Background, own, all *Accumulator, n int, minScore float64) []TermScore {
	nOwn, nRest := own.Total, all.Total-own.Total
	var out []TermScore
	for _, t := range own.Vector().Terms {
		y, a := own.Sum[t], priorMass*b.counts[t]/b.total
		yr := max(all.Sum[t]-y, 0)
		if a == 0 || nOwn+priorMass-y-a <= 0 || nRest+priorMass-yr-a <= 0 {
			continue
		}
		delta := math.Log((y+a)/(nOwn+priorMass-y-a)) - math.Log((yr+a)/(nRest+priorMass-yr-a))
		if z := delta / math.Sqrt(1/(y+a)+1/(yr+a)); z > 0 && z >= minScore {
			out = append(out, TermScore{Term: t, Score: float32(z)})
		}
	}
	slices.SortFunc(out, func(x, y TermScore) int {
		if x.Score != y.Score {
			return cmp.Compare(y.Score, x.Score)
		}
		return cmp.Compare(x.Term, y.Term)
	})
	return out[:min(n, len(out))]
}
