package vectorize

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestWords holds the token table to a Go map over tokens of every length
// around the 16 bytes held in a slot, in several scripts, through many
// doublings of the table.
func TestWords(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	alphabets := []string{"abcdefghij", "0123456789", "éüßøå", "абвгд", "αβγδε", "日本語中文"}
	token := func() string {
		a := []rune(alphabets[r.IntN(len(alphabets))])
		var b strings.Builder
		for n := 1 + r.IntN(20); b.Len() < n; {
			b.WriteRune(a[r.IntN(len(a))])
		}
		return b.String()
	}
	w := newWordTable(0)
	want := map[string]int32{}
	for range 50_000 {
		tok := token()
		added := false
		id := lookupOrAdd(w, []byte(tok), func() int32 {
			added = true
			return int32(len(want))
		})
		old, seen := want[tok]
		switch {
		case seen && (added || id != old):
			t.Fatalf("%q: got id %d (added %v), want %d", tok, id, added, old)
		case !seen && !added:
			t.Fatalf("%q: new token not added; got id %d", tok, id)
		case !seen:
			want[tok] = id
		}
	}
	if w.len() != len(want) {
		t.Errorf("len %d, want %d", w.len(), len(want))
	}
	long, tok0 := 0, ""
	for tok, id := range want {
		tok0 = max(tok0, tok)
		if got, ok := lookup(w, []byte(tok)); !ok || got != id {
			t.Fatalf("get(%q) = %d, %v; want %d", tok, got, ok, id)
		}
		if len(tok) > 16 {
			long++
		}
	}
	if got, ok := lookup(w, strings.Clone(tok0)); !ok || got != want[tok0] {
		t.Errorf("lookup of a string: got %d, %v; want %d", got, ok, want[tok0])
	}
	for _, tok := range []string{tok0, strings.Repeat("x", 20)} {
		b := []byte(tok)
		if n := testing.AllocsPerRun(100, func() { lookup(w, b) }); n != 0 {
			t.Errorf("looking up %q allocates %v times", tok, n)
		}
	}
	if long == 0 || long == len(want) {
		t.Fatalf("%d of %d tokens longer than a slot holds: the test misses a path", long, len(want))
	}
	for _, tok := range []string{"a", "abcdefghijklmnop", "abcdefghijklmnopq", "nowhere-in-it"} {
		if _, seen := want[tok]; seen {
			continue
		}
		if id, ok := lookup(w, []byte(tok)); ok {
			t.Errorf("get(%q) = %d, true for a token never added", tok, id)
		}
	}
}

// TestBufKey holds bufKey to wordKey for tokens of every length up to and
// past a slot's 16 bytes, in buffers whose bytes past the token are not
// zero, and in buffers too small to read 16 bytes from.
func TestBufKey(t *testing.T) {
	for n := range 20 {
		tok := []byte("abcdefghijklmnopqrst"[:n])
		for _, room := range []int{n, 16, 40} {
			buf := append(make([]byte, 0, max(room, n)), tok...)
			for k := len(buf); k < cap(buf); k++ {
				buf = append(buf, 0xff) // what an earlier, longer token left
			}
			buf = buf[:n]
			k0, k1, ok := bufKey(buf)
			w0, w1, wok := wordKey(tok)
			if k0 != w0 || k1 != w1 || ok != wok {
				t.Errorf("%d bytes in a buffer of %d: bufKey = %x, %x, %v; wordKey = %x, %x, %v", n, cap(buf), k0, k1, ok, w0, w1, wok)
			}
		}
	}
}
