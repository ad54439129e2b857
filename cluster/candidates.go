package cluster

import (
	"context"
	"math"
	"slices"
	"sync/atomic"
	"time"

	"github.com/storyclust/storyclust/vectorize"
	"github.com/storyclust/storyclust/vectorize/parallel"
)

// Item is one article as the clusterer sees it.
type Item struct {
	Vec  vectorize.Vector
	Time time.Time // zero when the article has no date
	Lang string    // language code; groups of one language are compared with their cohesion (see AverageLink)
}

// Edge is a candidate pair with its calibrated similarity (see calibrate); I < J.
type Edge struct {
	I, J int32
	Sim  float32
}

// Search bounds the candidate search. The zero value is not usable; see
// Config for the defaults.
type Search struct {
	Window        time.Duration // dated pairs further apart are not compared
	MinSim        float64       // the smallest calibrated similarity kept as an edge
	MaxPostings   int           // most recent postings scanned per term
	MaxCandidates int           // earlier items per item that get an exact cosine
	LongTerms     int           // distinct terms from which an item is long, and its pairs need two shared terms (see longTerms); zero for no such rule
	Workers       int           // goroutines; zero means one
	Done          *atomic.Int64 // counts items searched, when not nil
}

// blockSize is how many items are searched in parallel against the
// postings of the items before them, searchRun how many a worker takes at a
// time.
const (
	blockSize = 2048
	searchRun = 64
)

// Candidates returns the pairs of items with calibrated similarity of at
// least s.MinSim that lie within s.Window of each other (pairs with an
// undated item always do), and that share two terms or more when either is
// long (s.LongTerms). items must be in canonical order (see the package
// doc). Edges come sorted by (J, I), whatever the number of workers.
//
// Each item is compared with earlier items through an inverted index: for
// its maxQueryTerms heaviest terms, the products of term weights with the
// most recent s.MaxPostings postings in the window are summed per earlier
// item; the s.MaxCandidates items with the highest sums get an exact cosine,
// and those whose calibrated cosine reaches s.MinSim become edges. The cost
// per item is bounded by maxQueryTerms × MaxPostings, not by the corpus.
//
// Items are searched in blocks: the block's items are added to the index,
// then searched in parallel, each against the postings of items before it
// (postings are read-only while a block is searched). Memory: the postings
// of the window (an item id and a weight per term of each dated item within
// the window, and of every undated item), and per worker one float32 per
// item and one per term, and the products of the items one search touches
// (at most 2 × MaxPostings for each of its maxQueryTerms query terms).
func Candidates(ctx context.Context, items []Item, s Search) ([]Edge, error) {
	blocks, err := candidateBlocks(ctx, items, s)
	if err != nil {
		return nil, err
	}
	var edges []Edge
	for _, b := range blocks {
		edges = append(edges, b...)
	}
	return edges, nil
}

// candidateBlocks is Candidates with the edges in one exactly sized slice
// per block of items: no slice grows by copying, and the linkage lets each
// block go as soon as it has taken its edges.
func candidateBlocks(ctx context.Context, items []Item, s Search) ([][]Edge, error) {
	vocab := vocabSize(items)
	workers := max(s.Workers, 1)
	scratch := make([]*searcher, workers)
	for w := range scratch {
		scratch[w] = &searcher{acc: make([]float32, len(items)), query: make([]float32, vocab)}
	}
	idx := newIndex(items, vocab, s.Window)
	var blocks [][]Edge
	found := make([][]Edge, blockSize)
	for lo := 0; lo < len(items); lo += blockSize {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hi := min(lo+blockSize, len(items))
		idx.add(lo, hi, workers)
		// Workers take runs of searchRun items in turn: items differ in
		// cost (query terms with long postings, undated items), so equal
		// halves of a block would not end together.
		err := parallel.Runs(ctx, hi-lo, workers, searchRun, func(w, from, to int) {
			for i := lo + from; i < lo+to; i++ {
				found[i-lo] = scratch[w].search(idx, i, s, found[i-lo][:0])
			}
		})
		if err != nil {
			return nil, err
		}
		n := 0
		for i := lo; i < hi; i++ {
			n += len(found[i-lo])
		}
		block := make([]Edge, 0, n)
		for i := lo; i < hi; i++ {
			block = append(block, found[i-lo]...)
		}
		blocks = append(blocks, block)
		if s.Done != nil {
			s.Done.Add(int64(hi - lo))
		}
	}
	return blocks, nil
}

// vocabSize returns one more than the largest term id of the items
// (vectors are sorted by term id).
func vocabSize(items []Item) int32 {
	var vocab int32
	for i := range items {
		if t := items[i].Vec.Terms; len(t) > 0 {
			vocab = max(vocab, t[len(t)-1]+1)
		}
	}
	return vocab
}

// marksLen is the size of the searcher's marks of query terms, a byte per
// term id modulo marksLen, small enough for the first-level cache and
// large enough that an article's distinct terms mark few of them.
const (
	marksLen = 8192
	markMask = marksLen - 1
)

// searcher is one worker's scratch space.
type searcher struct {
	acc       []float32       // partial dot product per item; zero between searches
	query     []float32       // the weights of the item searched, by term; zero between searches
	marks     [marksLen]uint8 // 1 for the query's terms, by term id modulo marksLen; zero between searches
	touched   []int32
	heap      []scored
	all       []scored // the touched items' partial products, in best
	qterms    []int
	hits      []int32 // the positions of a candidate's terms that the query has
	preloaded int32   // see preloadVectors and preloadPostings
}

// search returns the edges from item i to earlier items, appended to dst.
func (sc *searcher) search(x *index, i int, s Search, dst []Edge) []Edge {
	it := &x.items[i]
	dated := !it.Time.IsZero()
	sc.touched = sc.touched[:0]
	sc.qterms = queryTerms(it.Vec, maxQueryTerms, sc.qterms[:0]) // reuse the buffer
	sc.preloadPostings(x, it.Vec, s.MaxPostings)
	for _, k := range sc.qterms {
		p := x.postings[it.Vec.Terms[k]]
		// Only items before i: the postings of later items of the block
		// are at the end.
		p = p[:before(p, int32(i))]
		u := x.undatedEnd(p)
		// Scan at most MaxPostings of the most recent undated and dated
		// postings: a term shared by more articles than that in the window
		// is a big story or a common word, and its most recent articles
		// are the likeliest neighbours. The window's start is looked for
		// only among the dated postings that could be scanned.
		lo := max(u, len(p)-s.MaxPostings)
		if dated && lo < len(p) && p[lo].item < x.from[i] {
			lo += firstFrom(p[lo:], x.from[i])
		}
		w := it.Vec.Weights[k]
		sc.visit(p[max(u-s.MaxPostings, 0):u], w)
		sc.visit(p[lo:], w)
	}
	touched := sc.touched
	if len(touched) > s.MaxCandidates {
		touched = sc.best(touched, s.MaxCandidates)
	}
	slices.Sort(touched)
	// Exact cosines against the item's weights scattered by term, with
	// the item's terms marked (see dot).
	for k, t := range it.Vec.Terms {
		sc.query[t] = it.Vec.Weights[k]
		sc.marks[t&markMask] = 1
	}
	sc.preloadVectors(x, touched)
	for _, j := range touched {
		sc.acc[j] = 0
		v := &x.items[j].Vec
		if len(sc.hits) < len(v.Terms) {
			sc.hits = make([]int32, len(v.Terms))
		}
		dot := sc.dot(v, sc.hits)
		c := calibrateWith(dot, min(x.length[i], x.length[j]), &x.items[j], it, s.Window)
		if c < s.MinSim || s.LongTerms > 0 && max(len(v.Terms), len(it.Vec.Terms)) >= s.LongTerms && !sc.sharesTwo(v) {
			continue
		}
		dst = append(dst, Edge{I: j, J: int32(i), Sim: float32(c)})
	}
	for _, t := range it.Vec.Terms {
		sc.query[t] = 0
		sc.marks[t&markMask] = 0
	}
	return dst
}

// dot returns the dot product of v with the query, whose terms are marked
// in sc.marks and whose weights are in sc.query; hits is scratch space as
// long as v. Most of a candidate's terms are not the query's, and the
// marks, small enough to stay in the first-level cache, turn them away
// without reading their weights or the query's weight for them. A first
// pass notes, without a branch, where v's marked terms are; a second sums
// their products, in order. A term marked by another with the same id
// modulo marksLen adds a product of zero, which leaves the sum as it is.
//
// There is no branch per term: one taken for a fraction of the terms that
// no pattern predicts costs more than the passes. The function is kept out
// of search (go:noinline) because there the compiler keeps the loop's
// counters on the stack, each iteration waiting for the last one's store;
// and a mark is a byte, where a bit would need a shift by the term id,
// which only one register can hold. BenchmarkCandidatesArticles10k guards
// all three.
//
//go:noinline
func (sc *searcher) dot(v *vectorize.Vector, hits []int32) float64 {
	marks, query := &sc.marks, sc.query
	terms, weights := v.Terms, v.Weights
	n := 0
	for k, t := range terms {
		hits[n] = int32(k)
		n += int(marks[t&markMask])
	}
	var dot float64
	for _, k := range hits[:n] {
		dot += float64(weights[k] * query[terms[k]])
	}
	return dot
}

// sharesTwo reports whether v has at least two of the query's terms (see
// dot for the marks).
func (sc *searcher) sharesTwo(v *vectorize.Vector) bool {
	n := 0
	for _, t := range v.Terms {
		if sc.marks[t&markMask] == 1 && sc.query[t] != 0 {
			if n++; n == 2 {
				return true
			}
		}
	}
	return false
}

// preloadPostings reads, for each query term, the first and last postings
// and the first that could be scanned, in a loop that does nothing else
// (see preloadVectors): the search's loop reads them one query term after
// another, between scans, and with the reads done ahead their misses
// overlap (the cluster stage of make bench, where the postings outgrow
// the cache; BenchmarkCandidatesArticles10k is too small to show it).
func (sc *searcher) preloadPostings(x *index, v vectorize.Vector, maxPostings int) {
	var sum int32
	for _, k := range sc.qterms {
		p := x.postings[v.Terms[k]]
		if n := len(p); n > 0 {
			sum += p[0].item + p[n-1].item + p[max(n-maxPostings, 0)].item
		}
	}
	sc.preloaded += sum
}

// preloadVectors reads every cache line of the candidates' vectors, and
// their length factors, in a loop that does nothing else, before the exact
// cosines read them again (it keeps a sum of what it read only so that the
// reads are not left out). The candidates lie anywhere in the window, so
// their vectors are seldom in the cache, and in the cosines' loop each
// vector's reads wait on the last one's; in a loop of reads alone many
// lines are on their way at once, and the cosines find the vectors in the
// cache (the cluster stage of make bench).
func (sc *searcher) preloadVectors(x *index, touched []int32) {
	var sum int32
	for _, j := range touched {
		v := &x.items[j].Vec
		sum += int32(math.Float64bits(x.length[j]))
		if n := len(v.Terms); n > 0 {
			for k := 0; k < n; k += 16 {
				sum += v.Terms[k] + int32(math.Float32bits(v.Weights[k]))
			}
			sum += v.Terms[n-1] + int32(math.Float32bits(v.Weights[n-1]))
		}
	}
	sc.preloaded += sum
}

// best returns the k items of touched with the largest partial products
// (ties to the earlier item, so that the choice is deterministic), and
// clears the partial products of all of them. Each product is read once,
// in the pass that clears it, and kept beside its item, so that the heap
// does not look them up in memory for every comparison.
// That pass also counts the products by bucket (see bucketOf); only
// those in the buckets that hold the k largest go through the heap of the
// best so far: taken in the order they were touched, the products would
// keep replacing the heap's worst, each time sifting it
// (BenchmarkCandidatesArticles10k).
func (sc *searcher) best(touched []int32, k int) []int32 {
	acc := sc.acc
	if k <= 0 {
		for _, j := range touched {
			acc[j] = 0
		}
		return touched[:0]
	}
	all := sc.all[:0]
	var count [buckets]int32
	for _, j := range touched {
		all = append(all, scored{j, acc[j]})
		count[bucketOf(acc[j])]++
		acc[j] = 0
	}
	sc.all = all
	low, n := buckets-1, count[buckets-1]
	for low > 0 && n < int32(k) {
		low--
		n += count[low]
	}
	floor := bucketFloor(low)
	h := sc.heap[:0]
	for _, c := range all {
		if c.acc < floor {
			continue // in a lower bucket: at least k products are larger
		}
		switch {
		case len(h) < k:
			h = append(h, c)
			if len(h) == k {
				for i := k/2 - 1; i >= 0; i-- {
					siftWorst(h, i)
				}
			}
		case h[0].worse(c):
			h[0] = c
			siftWorst(h, 0)
		}
	}
	sc.heap = h
	out := touched[:0]
	for _, c := range h {
		out = append(out, c.item)
	}
	return out
}

// buckets is how many buckets best counts products in: eight to an octave
// of float32 values, over 32 octaves below 4 (see bucketOf).
const buckets = 256

// bucketOf returns the bucket of a non-negative product: its float32 bits
// shifted to keep the exponent and three bits of mantissa, above those of
// 2⁻³⁰, clamped to [0, buckets). For non-negative floats the bits are in
// the order of the values, so a product in a lower bucket is smaller than
// any in a higher one.
func bucketOf(x float32) int {
	b := int(math.Float32bits(x)>>20) - bucketBase
	return min(max(b, 0), buckets-1)
}

// bucketFloor returns the smallest value of bucket b, so that a product
// lies in a lower bucket exactly when it is below it: zero for bucket 0,
// which holds every smaller value too.
func bucketFloor(b int) float32 {
	if b == 0 {
		return 0
	}
	return math.Float32frombits(uint32(b+bucketBase) << 20)
}

// bucketBase is the bits of 2⁻³⁰ shifted as bucketOf shifts them.
var bucketBase = int(math.Float32bits(0x1p-30) >> 20)

// scored is an item with its partial product.
type scored struct {
	item int32
	acc  float32
}

// worse reports whether a ranks below b: a smaller product, or the same
// product and a later item.
func (a scored) worse(b scored) bool {
	return a.acc < b.acc || a.acc == b.acc && a.item > b.item
}

// siftWorst moves h[i] down the heap whose root is its worst entry.
func siftWorst(h []scored, i int) {
	for {
		c := 2*i + 1
		if c >= len(h) {
			return
		}
		if c+1 < len(h) && h[c+1].worse(h[c]) {
			c++
		}
		if !h[c].worse(h[i]) {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}

func (sc *searcher) visit(ps []posting, w float32) {
	for _, q := range ps {
		if sc.acc[q.item] == 0 {
			sc.touched = append(sc.touched, q.item)
		}
		sc.acc[q.item] += w * q.weight
	}
}

// maxQueryTerms is how many of an item's heaviest terms look for candidates.
const maxQueryTerms = 16

// queryTerms returns, in dst, the indexes in v of its n heaviest terms,
// heaviest first, ties to the lower term id; or the indexes of all its
// terms, in order, when it has no more than n. The kept indexes are held
// in order as the terms are read, and most terms are turned away by one
// comparison with the lightest kept, where a bounded heap through a
// comparison function costs a call per term (BenchmarkCandidatesArticles10k).
func queryTerms(v vectorize.Vector, n int, dst []int) []int {
	if len(v.Terms) <= n {
		for k := range v.Terms {
			dst = append(dst, k)
		}
		return dst
	}
	kept := dst[len(dst):]
	for k, w := range v.Weights {
		if len(kept) == n && w <= v.Weights[kept[n-1]] {
			continue // no heavier than the lightest kept, which has a lower index
		}
		if len(kept) < n {
			kept = append(kept, k)
		} else {
			kept[n-1] = k
		}
		for j := len(kept) - 1; j > 0 && w > v.Weights[kept[j-1]]; j-- {
			kept[j], kept[j-1] = kept[j-1], kept[j]
		}
	}
	return append(dst, kept...)
}
