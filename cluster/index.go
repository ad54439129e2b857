package cluster

import (
	"math/bits"
	"slices"
	"sort"
	"sync"
	"time"
)

// posting is one item's weight for a term.
type posting struct {
	item   int32
	weight float32
}

// index holds, per term, the postings of the items added so far: undated
// items first, then dated ones in time order (the canonical order). As
// items are in that order, the window of a dated item is a range of item
// indexes, and postings are found by binary search on their item index.
type index struct {
	items      []Item
	postings   [][]posting // by term id
	firstDated int32
	from       []int32   // per dated item, the first item in its window
	length     []float64 // per item, its length factor (see calibrate)
	trimmed    int       // how many times add has trimmed a part
}

func newIndex(items []Item, vocab int32, window time.Duration) *index {
	x := &index{
		items: items, postings: make([][]posting, vocab),
		from: make([]int32, len(items)), length: make([]float64, len(items)),
	}
	x.firstDated = int32(sort.Search(len(items), func(i int) bool { return !items[i].Time.IsZero() }))
	lo := int(x.firstDated)
	for i := range items {
		x.length[i] = lengthFactor(&items[i])
		if i < int(x.firstDated) {
			continue
		}
		start := items[i].Time.Add(-window)
		for items[lo].Time.Before(start) {
			lo++
		}
		x.from[i] = int32(lo)
	}
	return x
}

// add indexes items [lo, hi) and drops the dated postings that lie before
// the window of item lo (and so of every later item) from one of
// trimParts parts of the vocabulary, in turn, so that no block sweeps the
// whole vocabulary (BenchmarkCandidatesArticles10k).
// Stale postings are never scanned (the window is found by item index), so
// when they go changes only the memory they hold, at most trimParts blocks
// longer. Each of up to workers goroutines takes the terms of one range of
// ids (see split), so that no two write to one term's postings.
func (x *index) add(lo, hi, workers int) {
	bounds := x.split(lo, hi, max(workers, 1))
	trim := lo < len(x.items) && int32(lo) >= x.firstDated
	part := (len(x.postings) + trimParts - 1) / trimParts
	first := x.trimmed % trimParts * part
	if trim {
		x.trimmed++
	}
	var wg sync.WaitGroup
	for w := range len(bounds) - 1 {
		from, to := bounds[w], bounds[w+1]
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				v := x.items[i].Vec
				k, _ := slices.BinarySearch(v.Terms, from)
				for ; k < len(v.Terms) && v.Terms[k] < to; k++ {
					t := v.Terms[k]
					x.postings[t] = append(x.postings[t], posting{item: int32(i), weight: v.Weights[k]})
				}
			}
			if trim {
				x.trim(lo, max(first, int(from)), min(first+part, int(to)))
			}
		})
	}
	wg.Wait()
}

// trim drops the stale dated postings of terms [from, to) (see add).
func (x *index) trim(lo, from, to int) {
	for t := from; t < to; t++ {
		p := x.postings[t]
		if len(p) <= minTrim {
			continue // too few to be worth trimming
		}
		u := x.undatedEnd(p)
		stale := firstFrom(p[u:], x.from[lo])
		if stale > minTrim && stale > len(p)/2 {
			x.postings[t] = append(p[:u:u], p[u+stale:]...)
		}
	}
}

// split returns the term ids that cut the postings of items [lo, hi) into
// n ranges of about as many postings each: bounds[0] is 0, bounds[n] the
// size of the vocabulary, and range w is [bounds[w], bounds[w+1]). Term ids
// are counted in up to 1,024 buckets of ids.
func (x *index) split(lo, hi, n int) []int32 {
	vocab := len(x.postings)
	if n == 1 {
		return []int32{0, int32(vocab)}
	}
	shift := max(bits.Len(uint(vocab))-10, 0)
	var count [1 << 10]int
	total := 0
	for i := lo; i < hi; i++ {
		terms := x.items[i].Vec.Terms
		for _, t := range terms {
			count[t>>shift]++
		}
		total += len(terms)
	}
	bounds := []int32{0}
	sum := 0
	for b := range count {
		sum += count[b]
		for len(bounds) < n && sum*n >= total*len(bounds) && total > 0 {
			bounds = append(bounds, int32(min((b+1)<<shift, vocab)))
		}
	}
	for len(bounds) <= n {
		bounds = append(bounds, int32(vocab))
	}
	bounds[n] = int32(vocab)
	return bounds
}

// trimParts is how many parts of the vocabulary add trims in turn.
const trimParts = 8

// firstFrom returns the index of the first posting of p (sorted by item)
// whose item is at least item.
func firstFrom(p []posting, item int32) int {
	lo, hi := 0, len(p)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if p[m].item < item {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// before returns the number of postings of p (sorted by item) whose item
// is before item. It searches back from the end, where the few postings of
// the later items of a block lie, in steps that double, instead of a
// binary search over the whole list, whose first steps miss the cache.
func before(p []posting, item int32) int {
	n := len(p)
	if n == 0 || p[n-1].item < item {
		return n // the usual case: no later item of the block has the term
	}
	hi := n - 1 // p[hi].item >= item
	for step := 1; ; step *= 2 {
		next := hi - step
		if next < 0 {
			return firstFrom(p[:hi], item)
		}
		if p[next].item < item {
			return next + 1 + firstFrom(p[next+1:hi], item)
		}
		hi = next
	}
}

// minTrim is how many stale postings a term must have before they are
// dropped; together with the half-length rule it keeps trimming amortised.
const minTrim = 64

func (x *index) undatedEnd(p []posting) int {
	if len(p) == 0 || p[0].item >= x.firstDated {
		return 0 // no undated postings
	}
	return firstFrom(p, x.firstDated)
}
