package vectorize

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
)

// A wordTable maps tokens to term ids: the chunk vocabularies, the merged
// vocabulary and the stop words. A token of up to 16 bytes, the length of
// common words, is held in its slot as two integers, so that looking it
// up reads one slot of an open-addressing table; longer tokens go to a Go
// map. In a Go map[string]int32 a lookup reads the table's control word,
// then the slot, then the key's bytes elsewhere in memory, three cache
// misses where this table has one; a lookup is made for every token
// (BenchmarkVectorizeArticles10k, BenchmarkTokens).
//
// Tokens never contain a zero byte (they are letters and digits), so the
// zero padding tells "ab" from "ab\x00", and an all-zero slot is empty.
// Each table hashes with its own random seed, so that no input can be made
// to collide; ids are given in order of first occurrence, so the seed does
// not change them.
type wordTable struct {
	slots []wordSlot // a power of two long
	n     int        // slots in use
	seed  uint64
	long  map[string]int32
}

type wordSlot struct {
	k0, k1 uint64 // the token's bytes, little-endian, zero-padded
	id     int32
	aux    uint32 // the owner's, in what was padding (see chunkVocab.term)
}

// newWordTable returns a table with room for about n tokens before it grows.
func newWordTable(n int) *wordTable {
	size := 64
	for size < 2*n {
		size *= 2
	}
	return &wordTable{slots: make([]wordSlot, size), seed: rand.Uint64(), long: map[string]int32{}}
}

// token is what a token is looked up by: its bytes as the analyser found
// them, or a term kept as a string.
type token interface{ ~string | ~[]byte }

// wordKey packs a token of 1 to 16 bytes into two integers.
func wordKey[T token](tok T) (k0, k1 uint64, ok bool) {
	if len(tok) == 0 || len(tok) > 16 {
		return 0, 0, false
	}
	var b [16]byte
	copy(b[:], tok)
	return binary.LittleEndian.Uint64(b[:8]), binary.LittleEndian.Uint64(b[8:]), true
}

// bufKey is wordKey for a token in a buffer with room for 16 bytes: it
// reads the 16 bytes in place and clears those past the token, where
// wordKey copies the token into a zeroed array with a call to memmove for
// every token (BenchmarkTokens).
func bufKey(tok []byte) (k0, k1 uint64, ok bool) {
	n := len(tok)
	if n == 0 || n > 16 || cap(tok) < 16 {
		return wordKey(tok)
	}
	b := tok[:16]
	k0, k1 = binary.LittleEndian.Uint64(b[:8]), binary.LittleEndian.Uint64(b[8:])
	if n < 8 {
		return k0 & (1<<(8*n) - 1), 0, true
	}
	return k0, k1 & (1<<(8*(n-8)) - 1), true // all of k1 for n = 16 (1<<64 is 0)
}

// slot returns the slot that holds the key, or the empty slot where it
// would go.
func (w *wordTable) slot(k0, k1 uint64) *wordSlot {
	mask := uint64(len(w.slots) - 1)
	for i := w.home(k0, k1); ; i = (i + 1) & mask {
		s := &w.slots[i]
		if s.k0 == k0 && s.k1 == k1 || s.k0 == 0 {
			return s
		}
	}
}

// home returns the index of the slot where the search for the key starts.
func (w *wordTable) home(k0, k1 uint64) uint64 {
	hi, lo := bits.Mul64(k0^w.seed, k1^0xe7037ed1a0b428db)
	return (hi ^ lo) & uint64(len(w.slots)-1)
}

// lookup returns the id of tok in w.
func lookup[T token](w *wordTable, tok T) (int32, bool) {
	k0, k1, ok := wordKey(tok)
	if !ok {
		id, ok := w.long[string(tok)] // no allocation: the bytes are read in place
		return id, ok
	}
	s := w.slot(k0, k1)
	return s.id, s.k0 != 0
}

// lookupOrAdd returns the id of tok in w, calling add for a new one to get
// its id.
func lookupOrAdd[T token](w *wordTable, tok T, add func() int32) int32 {
	k0, k1, ok := wordKey(tok)
	if !ok {
		id, ok := w.long[string(tok)]
		if !ok {
			id = add()
			w.long[string(tok)] = id
		}
		return id
	}
	s := w.slot(k0, k1)
	if s.k0 != 0 {
		return s.id
	}
	s = w.insert(s, k0, k1)
	s.id = add()
	return s.id
}

// insert fills s, the empty slot that slot returned for the key, with the
// key and no id (-1), and returns the key's slot: s, or its place in the
// table doubled first when the table would pass half full.
func (w *wordTable) insert(s *wordSlot, k0, k1 uint64) *wordSlot {
	if 2*(w.n+1) > len(w.slots) {
		w.grow()
		s = w.slot(k0, k1)
	}
	*s = wordSlot{k0: k0, k1: k1, id: -1}
	w.n++
	return s
}

// grow doubles the table.
func (w *wordTable) grow() {
	old := w.slots
	w.slots = make([]wordSlot, 2*len(old))
	for _, s := range old {
		if s.k0 != 0 {
			*w.slot(s.k0, s.k1) = s
		}
	}
}

// reset empties the table, keeping its room and seed.
func (w *wordTable) reset() {
	clear(w.slots)
	w.n = 0
	clear(w.long)
}

// len returns the number of tokens held.
func (w *wordTable) len() int { return w.n + len(w.long) }
