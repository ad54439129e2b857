package vectorize

import (
	"math"
	"slices"
	"sync"
)

// chunkDocs is how many documents one goroutine analyses with one local
// vocabulary.
const chunkDocs = 512

// chunkVocab is the vocabulary of one chunk: local term ids in order of
// first occurrence, and after the merge their global ids.
type chunkVocab struct {
	ids    *wordTable // while the chunk is analysed
	terms  []string   // until the chunk is merged
	global []int32    // local id -> global id, once merged
	done   bool
}

func (cv *chunkVocab) id(tok []byte) int32 {
	return lookupOrAdd(cv.ids, tok, func() int32 {
		cv.terms = append(cv.terms, string(tok))
		return int32(len(cv.terms) - 1)
	})
}

// analysis is one goroutine's scratch space.
type analysis struct {
	buf         []byte
	title, body []int32
	name        []int32
	counts      []float64 // by local id
	touched     []int32
}

// count analyses one document into a vector of raw (title-weighted) term
// counts, by local term id of cv, unsorted. The outlet's own name is left
// out wherever it occurs as a phrase.
func (a *analysis) count(an *Analyzer, cv *chunkVocab, title, text, outlet, lang string, titleWeight float64) Vector {
	a.name, a.title, a.body = a.name[:0], a.title[:0], a.body[:0]
	a.buf = an.Each(title, lang, a.buf, func(tok []byte) { a.title = append(a.title, cv.id(tok)) })
	a.buf = an.Each(text, lang, a.buf, func(tok []byte) { a.body = append(a.body, cv.id(tok)) })
	// The outlet's name is looked up, not added: a name word the chunk has
	// not seen cannot occur in this document.
	known := true
	a.buf = an.Each(outlet, "", a.buf, func(tok []byte) {
		id, ok := lookup(cv.ids, tok)
		known = known && ok
		a.name = append(a.name, id)
	})
	if known {
		a.title = removePhrase(a.title, a.name)
		a.body = removePhrase(a.body, a.name)
	}
	if n := len(cv.terms); len(a.counts) < n {
		a.counts = append(a.counts, make([]float64, n-len(a.counts))...)
	}
	add := func(id int32, w float64) {
		if a.counts[id] == 0 {
			a.touched = append(a.touched, id)
		}
		a.counts[id] += w
	}
	for _, id := range a.title {
		add(id, titleWeight)
	}
	for _, id := range a.body {
		add(id, 1)
	}
	v := Vector{Terms: make([]int32, len(a.touched)), Weights: make([]float32, len(a.touched))}
	for k, id := range a.touched {
		v.Terms[k], v.Weights[k] = id, float32(a.counts[id])
		a.counts[id] = 0
	}
	a.touched = a.touched[:0]
	return v
}

// sortByTerm sorts v's entries by term id. Each entry is packed into one
// uint64 (term id high, weight bits low) and the packed values sorted as
// integers: three times faster than sort.Sort through an interface, which
// took a fifth of the vectorising time. Term ids are unique in a vector, so
// the order is the same.
func sortByTerm(v Vector) {
	if slices.IsSorted(v.Terms) {
		return
	}
	bp := packPool.Get().(*[]uint64)
	packed := (*bp)[:0]
	for k, t := range v.Terms {
		packed = append(packed, uint64(uint32(t))<<32|uint64(math.Float32bits(v.Weights[k])))
	}
	slices.Sort(packed)
	for k, p := range packed {
		v.Terms[k], v.Weights[k] = int32(p>>32), math.Float32frombits(uint32(p))
	}
	*bp = packed
	packPool.Put(bp)
}

var packPool = sync.Pool{New: func() any { return new([]uint64) }}

// removePhrase deletes every occurrence of the token sequence phrase from
// toks, in place.
func removePhrase[T comparable](toks, phrase []T) []T {
	if len(phrase) == 0 {
		return toks
	}
	j := 0
	for i := 0; i < len(toks); {
		if i+len(phrase) <= len(toks) && slices.Equal(toks[i:i+len(phrase)], phrase) {
			i += len(phrase)
			continue
		}
		toks[j] = toks[i]
		j++
		i++
	}
	return toks[:j]
}
