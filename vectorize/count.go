package vectorize

import (
	"math"
	"math/bits"
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
	terms  *termList  // until the chunk is merged
	global []int32    // local id -> global id, once merged
	done   bool
}

// add gives tok the chunk's next local id.
func (cv *chunkVocab) add(tok []byte) int32 { return cv.terms.add(tok) }

// termList holds terms numbered from 0, back to back in one buffer: every
// chunk adds each of its distinct words, and a string for each would be an
// allocation per word (BenchmarkVectorizeArticles10k's allocs/op).
type termList struct {
	bytes []byte
	ends  []int32 // ends[id] is where term id ends in bytes
}

// add appends tok and returns its id.
func (l *termList) add(tok []byte) int32 {
	l.bytes = append(l.bytes, tok...)
	l.ends = append(l.ends, int32(len(l.bytes)))
	return int32(len(l.ends) - 1)
}

// len returns the number of terms.
func (l *termList) len() int { return len(l.ends) }

// reset empties the list, keeping its room.
func (l *termList) reset() { l.bytes, l.ends = l.bytes[:0], l.ends[:0] }

// term returns the bytes of term id, which the list keeps.
func (l *termList) term(id int32) []byte {
	start := int32(0)
	if id > 0 {
		start = l.ends[id-1]
	}
	return l.bytes[start:l.ends[id]]
}

// localMerge is the scratch space of the merge of the chunks' terms into
// the vocabulary.
type localMerge struct {
	keys         [][2]uint64 // by local id, the term's key (see wordKey)
	order, spare []uint64    // a term's home slot in the high bits, its local id in the low
}

// known returns the global id of each term of a chunk, by local id, or -1
// for the terms the vocabulary does not hold yet. The terms are looked up
// in the order of the slots where their searches start, so that the
// lookups sweep the vocabulary's table from its start to its end; in the
// chunk's order each lookup would go to a slot anywhere in the table, a
// cache miss once the vocabulary outgrows the cache (the vectorise stage
// of make bench). The ids do not depend on the order: terms are only
// looked up here, and those not found are added after, in the chunk's
// order (TestCountsFollowTokens).
func (lm *localMerge) known(vocab *wordTable, terms *termList) []int32 {
	n := terms.len()
	ids := make([]int32, n)
	lm.keys = slices.Grow(lm.keys[:0], n)[:n]
	lm.order = lm.order[:0]
	for l := range ids {
		ids[l] = -1
		k0, k1, ok := wordKey(terms.term(int32(l)))
		if !ok {
			continue // a long term: looked up in its map after
		}
		lm.keys[l] = [2]uint64{k0, k1}
		lm.order = append(lm.order, vocab.home(k0, k1)<<32|uint64(l))
	}
	lm.spare = slices.Grow(lm.spare[:0], len(lm.order))[:len(lm.order)]
	order := radixSort(lm.order, lm.spare, uint32(len(vocab.slots)-1))
	for _, p := range order {
		l := uint32(p)
		if s := vocab.slot(lm.keys[l][0], lm.keys[l][1]); s.k0 != 0 {
			ids[l] = s.id
		}
	}
	return ids
}

// chunkScratch is the scratch space of one chunk's analysis: its token
// table, the analysis' buffers and counts, and the sketches' scratch
// space, reused for later chunks (see Vectorize).
type chunkScratch struct {
	ids *wordTable
	a   analysis
	sk  sketchScratch
}

// reset readies sc for a new chunk. The analysis' counts are zero between
// documents already.
func (sc *chunkScratch) reset() {
	sc.ids.reset()
	sc.sk.reset()
}

// term returns the local id of tok in a document whose stop words are
// stop, or false when tok is one of them. Stop words have slots too, with
// no id (-1) until a document of another language uses them as terms, and
// each slot caches in aux whether its token is a stop word of the list
// last asked about (the list's number, then the answer in the low bit):
// in a chunk of one language each distinct token is looked up in the stop
// list once, instead of every token at every occurrence
// (BenchmarkVectorizeArticles10k, BenchmarkVectorizeHeadlines50k).
//
// Ids are given in order of first use as a term, as when stop words never
// reached the chunk vocabulary, so the vectors are the same.
func (cv *chunkVocab) term(tok []byte, stop stopList) (int32, bool) {
	k0, k1, short := bufKey(tok)
	if !short { // too long for a slot: no cache
		if stop.words != nil {
			if _, ok := lookup(stop.words, tok); ok {
				return 0, false
			}
		}
		return lookupOrAdd(cv.ids, tok, func() int32 { return cv.add(tok) }), true
	}
	s := cv.ids.slot(k0, k1)
	if s.k0 == 0 { // new to the chunk
		s = cv.ids.insert(s, k0, k1)
	}
	if stop.words != nil {
		if s.aux>>1 != stop.no { // new, or last asked about another list
			s.aux = stop.no << 1
			if stop.words.slot(k0, k1).k0 != 0 {
				s.aux |= 1
			}
		}
		if s.aux&1 != 0 {
			return 0, false
		}
	}
	if s.id < 0 {
		s.id = cv.add(tok)
	}
	return s.id, true
}

// known returns the local id of tok if a document of the chunk has used it
// as a term.
func (cv *chunkVocab) known(tok []byte) (int32, bool) {
	id, ok := lookup(cv.ids, tok)
	return id, ok && id >= 0
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
	stop := an.stopList(lang)
	a.buf = an.each(title, nil, stop.pairs, a.buf, func(tok []byte) {
		if id, ok := cv.term(tok, stop); ok {
			a.title = append(a.title, id)
		}
	})
	a.buf = an.each(text, nil, stop.pairs, a.buf, func(tok []byte) {
		if id, ok := cv.term(tok, stop); ok {
			a.body = append(a.body, id)
		}
	})
	// The outlet's name is looked up, not added: a name word the chunk has
	// not used as a term cannot occur in this document. Its stop words are
	// left out, as they are from the text ("The Guardian" is "guardian").
	known := true
	a.buf = an.each(outlet, stop.words, nil, a.buf, func(tok []byte) {
		id, ok := cv.known(tok)
		known = known && ok
		a.name = append(a.name, id)
	})
	if known {
		a.title = removePhrase(a.title, a.name)
		a.body = removePhrase(a.body, a.name)
	}
	if n := cv.terms.len(); len(a.counts) < n {
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

// SortByTerm sorts v's entries by term id, which must be unique in v.
// Each entry is packed into one uint64 (term id high, weight bits low) and
// the packed values sorted as integers, with no call through an interface
// per comparison, as sort.Sort makes (BenchmarkSortByTerm). Term ids are
// unique in a vector, so the order is the same. Vectors of radixMin
// entries or more are sorted by radixSort.
func SortByTerm(v Vector) {
	if slices.IsSorted(v.Terms) {
		return
	}
	bp := packPool.Get().(*[2][]uint64)
	packed, spare := bp[0][:0], bp[1]
	var top int32
	for k, t := range v.Terms {
		packed = append(packed, uint64(uint32(t))<<32|uint64(math.Float32bits(v.Weights[k])))
		top = max(top, t)
	}
	sorted := packed
	if len(packed) < radixMin {
		slices.Sort(packed)
	} else {
		spare = slices.Grow(spare[:0], len(packed))[:len(packed)]
		sorted = radixSort(packed, spare, uint32(top))
	}
	for k, p := range sorted {
		v.Terms[k], v.Weights[k] = int32(p>>32), math.Float32frombits(uint32(p))
	}
	*bp = [2][]uint64{packed, spare}
	packPool.Put(bp)
}

var packPool = sync.Pool{New: func() any { return new([2][]uint64) }}

// radixMin is the length from which sortByTerm sorts by radix.
const radixMin = 64

// radixSort sorts packed values by their high 32 bits, the term ids, a
// byte at a time from the lowest, for as many bytes as top (the largest
// id) has; tmp is as long as a. It returns a or tmp, whichever holds the
// result. A radix sort of the term ids beats sorting by comparison for
// vectors of articles' length (BenchmarkSortByTerm).
func radixSort(a, tmp []uint64, top uint32) []uint64 {
	for shift := 32; shift < 32+bits.Len32(top); shift += 8 {
		var start [257]int
		for _, x := range a {
			start[int(byte(x>>shift))+1]++
		}
		for d := 1; d < len(start); d++ {
			start[d] += start[d-1]
		}
		for _, x := range a {
			d := byte(x >> shift)
			tmp[start[d]] = x
			start[d]++
		}
		a, tmp = tmp, a
	}
	return a
}

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
