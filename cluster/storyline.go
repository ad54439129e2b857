package cluster

import (
	"context"
	"slices"
	"time"

	"github.com/storyclust/storyclust/vectorize"
)

// Thread is what the storyline linkage knows of one story: its centroid
// (unit length, as Story.Centroid), how many articles it holds, the span
// of its dated articles (zero times when it has none) and its language.
// A Closed thread stands for the stories of a storyline that take no more
// articles (in scheduled runs, those of earlier runs): it spans weeks, and
// the candidate search has it look for the stories that may continue it
// (see canonicalThreads).
type Thread struct {
	Centroid    vectorize.Vector
	Articles    int
	First, Last time.Time
	Lang        string
	Closed      bool
}

// StorylineConfig sets how stories are linked into storylines.
type StorylineConfig struct {
	// Threshold is the decayed centroid cosine at which two storylines
	// merge. Zero means DefaultStorylineThreshold.
	Threshold float64
	// Window is the horizon of a storyline: two storylines whose dated
	// spans are further apart never merge, and the similarity of closer
	// ones decays with the gap (see decay). Zero means
	// DefaultStorylineWindow.
	Window time.Duration
	// Terms is how many of its heaviest terms (ties to the lower term) a
	// merged storyline's summed centroid keeps, zero keeping all. Each
	// merge compares the merged centroid with every neighbour's, and a sum
	// gains terms with each story: left whole, a large storyline costs the
	// terms of all its stories at every comparison (the storylines stage
	// of make bench).
	// Scheduled runs keep as many of an open storyline's in their state.
	Terms int
	// Workers is the number of goroutines of the candidate search; zero
	// means one. The result does not depend on it.
	Workers int
}

const (
	DefaultStorylineThreshold = 0.1
	DefaultStorylineWindow    = 60 * 24 * time.Hour
)

// EnsureDefaults sets c's zero fields to their defaults and returns c;
// Storylines applies it to the configuration it is given.
func (c *StorylineConfig) EnsureDefaults() *StorylineConfig {
	if c.Threshold == 0 {
		c.Threshold = DefaultStorylineThreshold
	}
	if c.Window == 0 {
		c.Window = DefaultStorylineWindow
	}
	return c
}

// gapDecay is the share of a pair's similarity left when their spans are
// a whole window apart; it falls linearly from 1 at no gap.
const gapDecay = 0.5

// Storylines links stories that continue one another into storylines and
// returns a storyline label per thread, numbered 0, 1, … in order of each
// storyline's first thread.
//
// It is a centroid linkage: it repeatedly merges the two storylines whose
// centroids (the article-weighted means of their stories' centroids) have
// the highest cosine, decayed by the gap between their dated spans, while
// that is at least cfg.Threshold. Storylines of different languages, and
// dated storylines more than cfg.Window apart, never merge. Unlike the
// average linkage of stories, a storyline's similarity to a new story does
// not fall as it grows over weeks: it is that of its centroid, so a story
// follows the one it continues even when the storyline began months
// before. The pairs compared are those the candidate search finds between
// stories (each story against the stories before it within the window), and
// then between storylines that share a candidate pair.
func Storylines(ctx context.Context, threads []Thread, cfg StorylineConfig) ([]int, error) {
	cfg.EnsureDefaults()
	n := len(threads)
	at := searchTimes(threads)
	order := canonicalThreads(at)
	items := make([]Item, n)
	for k, i := range order {
		t := &threads[i]
		items[k] = Item{Vec: t.Centroid, Time: at[i], Lang: t.Lang}
	}
	// Calibrated similarity is at least the cosine, so a low MinSim keeps
	// every pair whose storylines could reach the threshold once merged.
	edges, err := Candidates(ctx, items, Search{
		Window: cfg.Window, MinSim: cfg.Threshold * storylineEdgeFraction,
		MaxPostings: DefaultMaxPostings, MaxCandidates: storylineCandidates, Workers: cfg.Workers,
	})
	if err != nil {
		return nil, err
	}
	pairs := make([][2]int32, len(edges))
	for k, e := range edges {
		pairs[k] = [2]int32{int32(order[e.I]), int32(order[e.J])}
	}
	return linkThreads(ctx, threads, cfg, pairs, cfg.Threshold*storylineEdgeFraction)
}

// linkThreads is the linkage of Storylines given the candidate pairs of
// threads. A merged storyline keeps as neighbours only the storylines
// within minKept of it, as the candidate search keeps only pairs within
// that of each other: a storyline gains a neighbour list from every story
// it takes in, and comparing it with all of them again at each merge made
// the linkage grow with the square of a storyline's size
// (BenchmarkStorylines). Zero keeps every neighbour.
func linkThreads(ctx context.Context, threads []Thread, cfg StorylineConfig, pairs [][2]int32, minKept float64) ([]int, error) {
	n := len(threads)
	l := newThreadLinkage(threads, cfg)
	l.minKept = minKept
	for _, p := range pairs {
		l.nbrs[p[0]] = append(l.nbrs[p[0]], p[1])
		l.nbrs[p[1]] = append(l.nbrs[p[1]], p[0])
	}
	for i := range l.nbrs {
		l.scatter(int32(i))
		for _, j := range l.nbrs[i] {
			if int32(i) < j {
				l.push(int32(i), j)
			}
		}
		l.unscatter()
	}
	for pops := 0; len(l.pairs) > 0; pops++ {
		if pops%cancelCheck == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		p := l.pairs.pop()
		if l.parent[p.a] != p.a || l.parent[p.b] != p.b || l.version[p.a] != p.va || l.version[p.b] != p.vb {
			continue
		}
		l.merge(p.a, p.b)
	}
	labels := make([]int, n)
	byRoot := map[int32]int{}
	for i := range labels {
		r := l.find(int32(i))
		if _, ok := byRoot[r]; !ok {
			byRoot[r] = len(byRoot)
		}
		labels[i] = byRoot[r]
	}
	return labels, nil
}

const (
	// storylineEdgeFraction sets the smallest calibrated similarity between
	// two stories kept as a candidate pair, as a fraction of the threshold.
	storylineEdgeFraction = 0.5
	// storylineCandidates is how many earlier stories each story is
	// compared with exactly.
	storylineCandidates = 30
)

// searchTimes returns the time of each thread in the candidate search,
// which compares each thread with those before it within the window: its
// last article, so that a story that continues a long thread finds it by
// its end, not by its start; and for a closed thread, the latest article
// of all (or its own last, if later), so that it comes after the stories
// that may continue it and looks for them itself: as one thread among many
// stories, it would often lose its place among a story's candidates to
// those stories.
func searchTimes(threads []Thread) []time.Time {
	var latest time.Time
	for i := range threads {
		if !threads[i].Closed && threads[i].Last.After(latest) {
			latest = threads[i].Last
		}
	}
	at := make([]time.Time, len(threads))
	for i, t := range threads {
		at[i] = t.Last
		if t.Closed && latest.After(t.Last) {
			at[i] = latest
		}
	}
	return at
}

// canonicalThreads returns the thread indexes in canonical order of their
// search times: undated threads first, then by time; ties by index.
func canonicalThreads(at []time.Time) []int {
	order := make([]int, len(at))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		ta, tb := at[a], at[b]
		if ta.IsZero() != tb.IsZero() {
			if ta.IsZero() {
				return -1
			}
			return 1
		}
		return ta.Compare(tb)
	})
	return order
}

// threadLinkage is the state of the storyline linkage: a union-find over
// threads, each root holding its storyline's summed centroid, span and
// candidate neighbours.
type threadLinkage struct {
	cfg     StorylineConfig
	window  float64 // seconds
	parent  []int32
	version []int32 // bumped at each merge of a root
	sum     []vectorize.Vector
	norm    []float64
	first   []int64 // Unix seconds; noDate when the storyline has no dated story
	last    []int64
	// lang is each root's language as an index into the languages met, 0
	// for none: it is compared for every pair, where comparing strings
	// costs more than the rest of a similarity (BenchmarkStorylines).
	lang  []int32
	nbrs  [][]int32
	pairs threadHeap
	seen  []int32 // per root, the root merging when it was last met; -1 between merges
	// dense holds, by term, the centroid of the root being merged
	// (scattered, -1 between merges), so that its cosine to each
	// neighbour costs the neighbour's terms, not its own: a storyline
	// grows by many merges and has many neighbours, and merging the two
	// sums every time made the linkage quadratic in its size
	// (BenchmarkStorylines).
	dense     []float32
	scattered int32
	minKept   float64 // see linkThreads
}

type threadPair struct {
	sim    float64
	a, b   int32
	va, vb int32
}

func newThreadLinkage(threads []Thread, cfg StorylineConfig) *threadLinkage {
	n := len(threads)
	l := &threadLinkage{
		cfg: cfg, window: cfg.Window.Seconds(),
		parent: make([]int32, n), version: make([]int32, n), sum: make([]vectorize.Vector, n), norm: make([]float64, n),
		first: make([]int64, n), last: make([]int64, n), lang: make([]int32, n), nbrs: make([][]int32, n),
		seen: make([]int32, n),
	}
	langs := map[string]int32{}
	for i := range threads {
		t := &threads[i]
		l.parent[i] = int32(i)
		w := float32(max(t.Articles, 1))
		v := vectorize.Vector{Terms: t.Centroid.Terms, Weights: make([]float32, t.Centroid.Len())}
		for k, x := range t.Centroid.Weights {
			v.Weights[k] = x * w
		}
		l.sum[i] = v
		l.norm[i] = vectorize.Norm(v)
		l.first[i], l.last[i] = noDate, noDate
		if !t.First.IsZero() {
			l.first[i], l.last[i] = t.First.Unix(), t.Last.Unix()
		}
		if t.Lang != "" {
			if _, ok := langs[t.Lang]; !ok {
				langs[t.Lang] = int32(len(langs) + 1)
			}
			l.lang[i] = langs[t.Lang]
		}
		l.seen[i] = -1
	}
	var vocab int32
	for i := range threads {
		if c := threads[i].Centroid; c.Len() > 0 {
			vocab = max(vocab, c.Terms[c.Len()-1]+1)
		}
	}
	l.dense, l.scattered = make([]float32, vocab), -1
	return l
}

func (l *threadLinkage) find(i int32) int32 {
	for l.parent[i] != i {
		l.parent[i] = l.parent[l.parent[i]]
		i = l.parent[i]
	}
	return i
}

// decay is the factor on the similarity of two storylines given their
// spans: 1 when either is undated or the spans overlap, falling linearly
// to gapDecay a window apart, and 0 beyond.
func (l *threadLinkage) decay(a, b int32) float64 {
	if l.first[a] == noDate || l.first[b] == noDate {
		return 1
	}
	gap := float64(max(l.first[a], l.first[b]) - min(l.last[a], l.last[b]))
	if gap <= 0 {
		return 1
	}
	if gap > l.window {
		return 0
	}
	return 1 - (1-gapDecay)*gap/l.window
}

// similarity is the decayed cosine of two roots' centroids.
func (l *threadLinkage) similarity(a, b int32) float64 {
	if l.lang[a] != l.lang[b] && l.lang[a] != 0 && l.lang[b] != 0 {
		return 0
	}
	d := l.decay(a, b)
	if d == 0 || l.norm[a] == 0 || l.norm[b] == 0 {
		return 0
	}
	return d * l.dot(a, b) / (l.norm[a] * l.norm[b])
}

// dot returns the dot product of two roots' centroids. Terms of b absent
// from a add zero, so the sum is that of vectorize.Dot, to the bit.
func (l *threadLinkage) dot(a, b int32) float64 {
	if a != l.scattered {
		a, b = b, a
		if a != l.scattered {
			return vectorize.Dot(l.sum[a], l.sum[b])
		}
	}
	var s float64
	v := l.sum[b]
	for k, t := range v.Terms {
		s += float64(l.dense[t]) * float64(v.Weights[k])
	}
	return s
}

// push puts the pair of roots a, b into the heap when its similarity
// reaches the threshold, and returns the similarity.
func (l *threadLinkage) push(a, b int32) float64 {
	sim := l.similarity(a, b)
	if sim >= l.cfg.Threshold {
		a, b = min(a, b), max(a, b)
		l.pairs.push(threadPair{sim, a, b, l.version[a], l.version[b]})
	}
	return sim
}

// threadHeap is a binary heap of pairs: the highest similarity first, ties
// to the lower pair of indexes, so that the merges do not depend on the
// order of pushes. It is typed, as pairHeap is, where container/heap boxes
// every pair pushed and calls Less and Swap through an interface
// (BenchmarkStorylines). It is a type of its own rather than one generic
// heap with pairHeap, whose calls would go through the instantiation's
// dictionary (BenchmarkPairHeap).
type threadHeap []threadPair

// before reports whether p comes out of the heap before q.
func (p threadPair) before(q threadPair) bool {
	if p.sim != q.sim {
		return p.sim > q.sim
	}
	if p.a != q.a {
		return p.a < q.a
	}
	return p.b < q.b
}

func (h *threadHeap) push(p threadPair) {
	s := append(*h, p)
	for i := len(s) - 1; i > 0; {
		up := (i - 1) / 2
		if !s[i].before(s[up]) {
			break
		}
		s[i], s[up] = s[up], s[i]
		i = up
	}
	*h = s
}

func (h *threadHeap) pop() threadPair {
	s := *h
	top, n := s[0], len(s)-1
	s[0] = s[n]
	s = s[:n]
	for i := 0; ; {
		c := 2*i + 1
		if c >= n {
			break
		}
		if r := c + 1; r < n && s[r].before(s[c]) {
			c = r
		}
		if !s[c].before(s[i]) {
			break
		}
		s[i], s[c] = s[c], s[i]
		i = c
	}
	*h = s
	return top
}

// merge joins root b into root a: their centroids are summed, their spans
// joined, and a's similarity to each neighbour of either is pushed anew.
func (l *threadLinkage) merge(a, b int32) {
	l.parent[b] = a
	l.version[a]++
	l.version[b]++
	l.sum[a] = addVectors(l.sum[a], l.sum[b])
	if l.cfg.Terms > 0 && l.sum[a].Len() > l.cfg.Terms {
		l.sum[a] = keepHeaviest(l.sum[a], l.cfg.Terms)
	}
	l.sum[b] = vectorize.Vector{}
	l.norm[a] = vectorize.Norm(l.sum[a])
	switch {
	case l.first[a] == noDate:
		l.first[a], l.last[a] = l.first[b], l.last[b]
	case l.first[b] != noDate:
		l.first[a], l.last[a] = min(l.first[a], l.first[b]), max(l.last[a], l.last[b])
	}
	if l.lang[a] == 0 {
		l.lang[a] = l.lang[b]
	}
	// The merged list: each neighbouring root once, in the order met.
	var merged []int32
	for _, list := range [][]int32{l.nbrs[a], l.nbrs[b]} {
		for _, j := range list {
			r := l.find(j)
			if r == a || l.seen[r] == a {
				continue
			}
			l.seen[r] = a
			merged = append(merged, r)
		}
	}
	for _, r := range merged {
		l.seen[r] = -1
	}
	l.scatter(a)
	kept := merged[:0]
	for _, r := range merged {
		if l.push(a, r) >= l.minKept {
			kept = append(kept, r)
		}
	}
	l.unscatter()
	l.nbrs[b] = nil
	l.nbrs[a] = kept
}

// scatter writes root a's centroid into dense (see dot).
func (l *threadLinkage) scatter(a int32) {
	v := l.sum[a]
	for k, t := range v.Terms {
		l.dense[t] = v.Weights[k]
	}
	l.scattered = a
}

// unscatter clears dense again.
func (l *threadLinkage) unscatter() {
	for _, t := range l.sum[l.scattered].Terms {
		l.dense[t] = 0
	}
	l.scattered = -1
}

// addVectors returns the sum of two vectors sorted by term.
func addVectors(x, y vectorize.Vector) vectorize.Vector {
	out := vectorize.Vector{Terms: make([]int32, 0, len(x.Terms)+len(y.Terms)), Weights: make([]float32, 0, len(x.Terms)+len(y.Terms))}
	i, j := 0, 0
	for i < len(x.Terms) || j < len(y.Terms) {
		switch {
		case j == len(y.Terms) || i < len(x.Terms) && x.Terms[i] < y.Terms[j]:
			out.Terms, out.Weights = append(out.Terms, x.Terms[i]), append(out.Weights, x.Weights[i])
			i++
		case i == len(x.Terms) || y.Terms[j] < x.Terms[i]:
			out.Terms, out.Weights = append(out.Terms, y.Terms[j]), append(out.Weights, y.Weights[j])
			j++
		default:
			out.Terms, out.Weights = append(out.Terms, x.Terms[i]), append(out.Weights, x.Weights[i]+y.Weights[j])
			i++
			j++
		}
	}
	return out
}

// StorylineTerms returns, per storyline label (as from Storylines), the ids
// of the k heaviest terms of the storyline's centroid: the sum of its
// stories' centroids, each weighted by its articles.
func StorylineTerms(threads []Thread, labels []int, k int) [][]int32 {
	out := make([][]int32, LabelCount(labels))
	eachStorylineSum(threads, labels, func(l int, sum vectorize.Vector) { out[l] = heaviest(sum, k) })
	return out
}

// StorylineCentroids returns, per label, the centroid of the threads with
// that label as StorylineTerms sums it, cut to its k heaviest terms and
// scaled to unit length: what a storyline's stories amount to as one
// thread. A negative label leaves its thread out; a label without a thread
// that has terms gets an empty vector.
func StorylineCentroids(threads []Thread, labels []int, k int) []vectorize.Vector {
	out := make([]vectorize.Vector, LabelCount(labels))
	eachStorylineSum(threads, labels, func(l int, sum vectorize.Vector) {
		v := keepHeaviest(sum, k)
		if norm := vectorize.Norm(v); norm > 0 {
			for j := range v.Weights {
				v.Weights[j] = float32(float64(v.Weights[j]) / norm)
			}
		}
		out[l] = v
	})
	return out
}

// keepHeaviest returns the k heaviest terms of v (ties to the lower term)
// with their weights, sorted by term.
func keepHeaviest(v vectorize.Vector, k int) vectorize.Vector {
	idx := make([]int32, v.Len())
	for i := range idx {
		idx[i] = int32(i)
	}
	keep := keepBest(idx[:0:0], idx, k, func(a, b int32) bool {
		return v.Weights[a] < v.Weights[b] || v.Weights[a] == v.Weights[b] && a > b
	})
	slices.Sort(keep) // positions in v, so by term
	out := vectorize.Vector{Terms: make([]int32, len(keep)), Weights: make([]float32, len(keep))}
	for j, i := range keep {
		out.Terms[j], out.Weights[j] = v.Terms[i], v.Weights[i]
	}
	return out
}

// LabelCount is how many storylines labels (as from Storylines) name: one
// more than the largest label.
func LabelCount(labels []int) int {
	n := 0
	for _, l := range labels {
		n = max(n, l+1)
	}
	return n
}

// eachStorylineSum calls fn with each label and the sum of its threads'
// centroids, each weighted by its articles.
func eachStorylineSum(threads []Thread, labels []int, fn func(l int, sum vectorize.Vector)) {
	members := make([][]int, LabelCount(labels))
	var vocab int32
	for i, l := range labels {
		if l < 0 {
			continue
		}
		members[l] = append(members[l], i)
		if c := threads[i].Centroid; c.Len() > 0 {
			vocab = max(vocab, c.Terms[c.Len()-1]+1)
		}
	}
	acc := NewAccumulator(int(vocab))
	for l, ms := range members {
		for _, i := range ms {
			acc.addScaled(threads[i].Centroid, float32(max(threads[i].Articles, 1)))
		}
		fn(l, acc.Vector())
		acc.Reset()
	}
}
