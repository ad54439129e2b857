package cluster

import (
	"context"
	"math"
	"slices"

	"github.com/storyclust/storyclust/vectorize"
	"github.com/storyclust/storyclust/vectorize/parallel"
)

// Story is one group of items with its summary.
type Story struct {
	Members        []int     // item indices, increasing
	Similarity     []float32 // per member: cosine to the centroid (the unit mean of the members' vectors)
	Cohesion       float32   // mean of Similarity
	Representative int       // the member closest to the centroid; ties to the earliest
	TopTerms       []int32   // up to the requested number of the centroid's heaviest terms
	// Centroid holds, when asked for, the centroid's heaviest terms (up
	// to the number asked for) scaled to unit length, sorted by term: what
	// links stories into storylines.
	Centroid vectorize.Vector
}

// Summarize builds the stories given a label per item (as from AverageLink),
// in label order, on up to workers goroutines, each with its topTerms
// heaviest terms and a centroid of its centroidTerms heaviest (none when
// zero). A member with an empty vector has similarity zero.
func Summarize(items []Item, labels []int, topTerms, centroidTerms, workers int) []Story {
	n := 0
	for _, l := range labels {
		n = max(n, l+1)
	}
	stories := make([]Story, n)
	for i, l := range labels {
		stories[l].Members = append(stories[l].Members, i)
	}
	vocab := vocabSize(items)
	// Stories are summarised in parallel, each worker with its own
	// accumulator: every story sums its members in the same order whatever
	// the number of workers.
	workers = max(workers, 1)
	scratch := make([]struct {
		acc   *Accumulator
		dense []float32
	}, workers)
	parallel.Runs(context.Background(), len(stories), workers, summaryRun, func(w, from, to int) {
		sc := &scratch[w]
		if sc.acc == nil {
			sc.acc, sc.dense = NewAccumulator(int(vocab)), make([]float32, vocab)
		}
		for s := from; s < to; s++ {
			summarize(&stories[s], items, sc.acc, sc.dense, topTerms, centroidTerms)
		}
	})
	return stories
}

// summaryRun is how many stories a Summarize worker takes at a time.
const summaryRun = 64

// summarize fills in the summary of st from its members, with acc (empty,
// left empty) to sum their vectors and dense to hold the centroid by term.
// Each member's similarity reads the centroid's weights of its own terms
// from dense, where the centroid has just written them (a member's terms
// are among the centroid's, so what earlier stories left in dense is never
// read), so that a member costs its own terms rather than the story's, as
// a merge of each member with the centroid would (BenchmarkCluster10k).
// The products are summed in the order such a merge sums them, so the
// similarities are the same bits.
func summarize(st *Story, items []Item, acc *Accumulator, dense []float32, topTerms, centroidTerms int) {
	for _, m := range st.Members {
		acc.Add(items[m].Vec)
	}
	centroid := unit(acc.Vector())
	acc.Reset()
	for k, t := range centroid.Terms {
		dense[t] = centroid.Weights[k]
	}
	st.Similarity = make([]float32, len(st.Members))
	best := -1.0
	var sum float64
	for k, m := range st.Members {
		v := items[m].Vec
		var sim float64
		for j, t := range v.Terms {
			sim += float64(v.Weights[j]) * float64(dense[t])
		}
		sim = min(max(sim, 0), 1)
		st.Similarity[k] = float32(sim)
		sum += sim
		if sim > best {
			best, st.Representative = sim, m
		}
	}
	st.Cohesion = float32(sum / float64(len(st.Members)))
	// The heaviest terms once, for both lists (heaviest first).
	heavy := heaviest(centroid, max(topTerms, centroidTerms))
	st.TopTerms = slices.Clone(heavy[:min(topTerms, len(heavy))])
	if centroidTerms > 0 {
		terms := heavy[:min(centroidTerms, len(heavy))]
		slices.Sort(terms)
		c := vectorize.Vector{Terms: terms, Weights: make([]float32, len(terms))}
		for k, t := range terms {
			c.Weights[k] = dense[t]
		}
		st.Centroid = unit(c)
	}
}

// unit returns v scaled to unit length. The squares are summed in term
// order, so the same sums give the same bits on every run.
func unit(v vectorize.Vector) vectorize.Vector {
	var ss float64
	for _, w := range v.Weights {
		ss += float64(w) * float64(w)
	}
	if ss == 0 {
		return vectorize.Vector{}
	}
	norm := math.Sqrt(ss)
	for k, w := range v.Weights {
		v.Weights[k] = float32(float64(w) / norm)
	}
	return v
}

// heaviest returns the ids of the k heaviest terms of v, heaviest first;
// ties go to the lower id.
func heaviest(v vectorize.Vector, k int) []int32 {
	idx := make([]int, v.Len())
	for i := range idx {
		idx[i] = i
	}
	worse := func(a, b int) bool {
		return v.Weights[a] < v.Weights[b] || v.Weights[a] == v.Weights[b] && v.Terms[a] > v.Terms[b]
	}
	best := bestFirst(idx[len(idx):], idx, k, worse)
	out := make([]int32, len(best))
	for j, i := range best {
		out[j] = v.Terms[i]
	}
	return out
}
