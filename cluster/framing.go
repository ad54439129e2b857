package cluster

import (
	"context"
	"math"
	"slices"

	"github.com/storyclust/storyclust/vectorize"
	"github.com/storyclust/storyclust/vectorize/parallel"
)

// copyMinResemblance is the estimated Jaccard similarity of two bodies'
// word 4-grams above which the later is a copy of the earlier.
const copyMinResemblance = 0.6

// WireCopies returns, per item, the index of the article it republishes, or
// -1: within a story, an article whose body nearly repeats (by MinHash
// resemblance of word 4-grams, see vectorize.Sketch) that of an earlier
// article from another outlet. Dated articles come first, by time; undated
// ones after, in item order. A copy of a copy points to the original.
// outlets and sketches are per item.
//
// Stories are independent (each sets the entries of its own members), so
// workers goroutines take them in runs, which keeps every core busy in the
// write stage; the result does not depend on workers.
func WireCopies(items []Item, outlets []string, sketches []vectorize.Sketch, stories []Story, workers int) []int {
	copyOf := make([]int, len(items))
	for i := range copyOf {
		copyOf[i] = -1
	}
	order := make([][]int, max(workers, 1)) // per worker, scratch space
	parallel.Runs(context.Background(), len(stories), workers, copyRun, func(w, from, to int) {
		for _, st := range stories[from:to] {
			order[w] = storyCopies(items, outlets, sketches, st.Members, copyOf, order[w])
		}
	})
	return copyOf
}

// copyRun is how many stories a WireCopies worker takes at a time.
const copyRun = 64

// storyCopies sets copyOf for the members of one story; order is scratch
// space, returned for reuse.
func storyCopies(items []Item, outlets []string, sketches []vectorize.Sketch, members, copyOf, order []int) []int {
	order = append(order[:0], members...)
	slices.SortStableFunc(order, func(a, b int) int {
		az, bz := items[a].Time.IsZero(), items[b].Time.IsZero()
		switch {
		case az == bz:
			return 0 // members are in canonical order already
		case az:
			return 1
		default:
			return -1
		}
	})
	for x, i := range order {
		if !sketches[i].Valid {
			continue
		}
		for _, j := range order[:x] {
			if outlets[j] == outlets[i] || vectorize.Resemblance(sketches[i], sketches[j]) < copyMinResemblance {
				continue
			}
			copyOf[i] = j
			if copyOf[j] >= 0 {
				copyOf[i] = copyOf[j]
			}
			break
		}
	}
	return order
}

// Fightin' Words: priorMass is the total pseudo-count of the informative
// Dirichlet prior, spread over terms in proportion to their frequency in
// the whole collection.
const priorMass = 1000

// DefaultMinScore is the smallest z-score Distinctive lists by default:
// the usual mark of a difference unlikely by chance (two-sided, 5%).
const DefaultMinScore = 1.96

// TermScore is a term with its z-score.
type TermScore struct {
	Term  int32
	Score float32
}

// Background is the collection's term counts, the prior of the log-odds.
type Background struct {
	counts []float64 // by term id
	total  float64
}

// NewBackground sums the term counts of every document; terms are ids below
// vocab.
func NewBackground(counts []vectorize.Vector, vocab int) *Background {
	b := &Background{counts: make([]float64, vocab)}
	for _, v := range counts {
		for k, t := range v.Terms {
			b.counts[t] += float64(v.Weights[k])
			b.total += float64(v.Weights[k])
		}
	}
	return b
}

// BackgroundOf returns the background of the collection's term counts,
// given summed by term id.
func BackgroundOf(counts []float64) *Background {
	b := &Background{counts: counts}
	for _, c := range counts {
		b.total += c
	}
	return b
}

// Vocab is how many term ids b counts.
func (b *Background) Vocab() int { return len(b.counts) }

// Distinctive returns up to n terms that one outlet used more than the
// others in the same story, by the weighted log-odds ratio with an
// informative Dirichlet prior (Monroe, Colaresi and Quinn 2008, "Fightin'
// Words"), as z-scores, highest first; only terms the outlet used, with a
// score of at least minScore. own holds the term counts of the outlet's
// articles in the story; all those of every article of the story; the
// other outlets' counts are the difference. The cost is the number of own's
// terms: they are read in the order they were added, as the result does
// not depend on it, so that no sort is paid for (BenchmarkDistinctive).
func (b *Background) Distinctive(own, all *Accumulator, n int, minScore float64) []TermScore {
	nOwn, nAll := own.Total, all.Total
	nRest := nAll - nOwn
	if b.total == 0 || nRest <= 0 {
		return nil
	}
	var out []TermScore
	for _, t := range own.touched {
		y := own.Sum[t]
		a := priorMass * b.counts[t] / b.total
		if a == 0 {
			continue
		}
		yr := max(all.Sum[t]-y, 0)
		if nOwn+priorMass-y-a <= 0 || nRest+priorMass-yr-a <= 0 {
			continue // a collection of one term: nothing to compare
		}
		odds, rest := (y+a)*(nRest+priorMass-yr-a), (yr+a)*(nOwn+priorMass-y-a)
		if odds <= rest {
			// The outlet's odds are no higher than the others': delta and
			// z are not positive, which needs no logs.
			continue
		}
		// delta is the log of odds/rest, and z = delta/sd reaches minScore
		// only if odds/rest reaches exp(minScore×sd) ≥ 1 + minScore×sd, a
		// test without the logs (BenchmarkDistinctive).
		sd := math.Sqrt(1/(y+a) + 1/(yr+a))
		if odds < rest*(1+minScore*sd) {
			continue
		}
		delta := math.Log((y+a)/(nOwn+priorMass-y-a)) - math.Log((yr+a)/(nRest+priorMass-yr-a))
		z := delta / sd
		if z >= minScore {
			out = append(out, TermScore{Term: t, Score: float32(z)})
		}
	}
	worse := func(x, y TermScore) bool { return x.Score < y.Score || x.Score == y.Score && x.Term > y.Term }
	return bestFirst(out[len(out):], out, n, worse)
}

// Accumulator sums sparse count vectors into a dense array indexed by term,
// and reads the sum back sparse. It is reused across stories.
type Accumulator struct {
	Sum     []float64 // by term; zero outside the terms added since Reset
	Total   float64
	touched []int32
}

// NewAccumulator returns an accumulator for term ids below vocab.
func NewAccumulator(vocab int) *Accumulator { return &Accumulator{Sum: make([]float64, vocab)} }

// Add adds v's counts.
func (a *Accumulator) Add(v vectorize.Vector) { a.addScaled(v, 1) }

// AddTerm adds n uses of term t.
func (a *Accumulator) AddTerm(t int32, n float64) {
	if a.Sum[t] == 0 {
		a.touched = append(a.touched, t)
	}
	a.Sum[t] += n
	a.Total += n
}

// AddMapped adds v's counts under other ids: those of term t to m[t]
// (terms grouped by stem, say).
func (a *Accumulator) AddMapped(v vectorize.Vector, m []int32) {
	for k, t := range v.Terms {
		a.AddTerm(m[t], float64(v.Weights[k]))
	}
}

// addScaled adds v's weights times w (each product in float32).
func (a *Accumulator) addScaled(v vectorize.Vector, w float32) {
	for k, t := range v.Terms {
		if a.Sum[t] == 0 {
			a.touched = append(a.touched, t)
		}
		x := float64(v.Weights[k] * w)
		a.Sum[t] += x
		a.Total += x
	}
}

// Vector returns the sums as a sparse vector sorted by term.
func (a *Accumulator) Vector() vectorize.Vector {
	slices.Sort(a.touched)
	v := vectorize.Vector{Terms: slices.Clone(a.touched), Weights: make([]float32, len(a.touched))}
	for k, t := range v.Terms {
		v.Weights[k] = float32(a.Sum[t])
	}
	return v
}

// Reset clears the sums.
func (a *Accumulator) Reset() {
	for _, t := range a.touched {
		a.Sum[t] = 0
	}
	a.touched, a.Total = a.touched[:0], 0
}
