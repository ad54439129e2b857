package vectorize

import (
	"bytes"
	"embed"
	"strings"
	"unicode"
	"unicode/utf8"
)

// An Analyzer turns text into tokens. It is safe for concurrent use.
type Analyzer struct {
	stop map[string]stopList // by language
}

// stopList is one language's stop words, numbered from 1 among the
// analyzer's lists. The zero stopList has no words.
type stopList struct {
	words *wordTable
	no    uint32
	pairs *wordTable // words when the language is syllabic, else nil: see each
}

// syllabic lists the languages written with a space between syllables
// rather than between words, whose words of two syllables are read as
// pairs of adjacent syllables besides the syllables themselves:
// Vietnamese ("ngân sách", budget, is "ngân", "sách" and "ngân sách").
// Each needs a stop word list, whose words are not paired.
var syllabic = map[string]bool{"vi": true}

// stopList returns the stop words of lang, or none.
func (a *Analyzer) stopList(lang string) stopList { return a.stop[baseLang(lang)] }

//go:embed stopwords/*.txt
var stopFiles embed.FS

// NewAnalyzer returns an analyzer with the embedded stop word lists.
func NewAnalyzer() *Analyzer {
	a := &Analyzer{stop: map[string]stopList{}}
	entries, _ := stopFiles.ReadDir("stopwords")
	for k, e := range entries {
		b, _ := stopFiles.ReadFile("stopwords/" + e.Name())
		set := newWordTable(0)
		for _, w := range strings.Fields(string(b)) {
			lookupOrAdd(set, w, func() int32 { return 0 })
		}
		lang := strings.TrimSuffix(e.Name(), ".txt")
		sl := stopList{words: set, no: uint32(k + 1)}
		if syllabic[lang] {
			sl.pairs = set
		}
		a.stop[lang] = sl
	}
	return a
}

// bigramScript reports whether r belongs to a script written without spaces
// between words, which is read as overlapping character bigrams.
func bigramScript(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar)
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

// Tokens appends the tokens of text to dst and returns it, lower-cased,
// without stop words of lang and without one-letter tokens (which are
// mostly initials and possessive s); in a syllabic language, each pair of
// syllables parted by spaces alone, neither of them a stop word, follows
// its second syllable as one token ("ngân sách"). buf is scratch space, reused between
// calls; tokens share no memory with it.
func (a *Analyzer) Tokens(dst []string, text string, lang string, buf []byte) ([]string, []byte) {
	buf = a.Each(text, lang, buf, func(tok []byte) { dst = append(dst, string(tok)) })
	return dst, buf
}

// Each calls fn with each token of text, as Tokens finds them. The token
// bytes are only valid during the call (they live in buf, which Each grows
// and returns for reuse): a caller that looks tokens up in a map with
// m[string(tok)] allocates nothing for tokens it has seen.
func (a *Analyzer) Each(text string, lang string, buf []byte, fn func(tok []byte)) []byte {
	sl := a.stopList(lang)
	return a.each(text, sl.words, sl.pairs, buf, fn)
}

// EachPhrase calls fn with each two-word phrase of text: two adjacent
// tokens as Each finds them, parted by spaces alone ("illegal aliens";
// not across punctuation, nor around a stop word, as in "department of
// justice"), joined by one space. In a syllabic language the words are its
// syllables. The bytes are only valid during the call.
func (a *Analyzer) EachPhrase(text string, lang string, buf []byte, fn func(phrase []byte)) []byte {
	sl := a.stopList(lang)
	pairs := sl.words
	if pairs == nil {
		pairs = noWords
	}
	return a.each(text, sl.words, pairs, buf, func(tok []byte) {
		// Tokens hold word characters only; pairs hold a space.
		if bytes.IndexByte(tok, ' ') >= 0 {
			fn(tok)
		}
	})
}

// noWords is an empty word table.
var noWords = newWordTable(0)

// each is Each with the stop words given (none when stop is nil), and
// with pairs of syllables not in pairs when pairs is not nil.
func (a *Analyzer) each(text string, stop, pairs *wordTable, buf []byte, fn func(tok []byte)) []byte {
	if cap(buf) < 16 {
		buf = make([]byte, 0, 64) // room for bufKey to read a token's 16 bytes in place
	}
	p := syllablePairs{stop: pairs}
	var prevBigram rune = -1
	for i := 0; i < len(text); {
		c := text[i]
		// ASCII fast path.
		if c < utf8.RuneSelf {
			if asciiLower[c] == 0 {
				i++
				prevBigram = -1
				continue
			}
			j := i
			buf = buf[:0]
			for j < len(text) {
				c := text[j]
				if c >= utf8.RuneSelf {
					r, _ := utf8.DecodeRuneInString(text[j:])
					if !isWordRune(r) || bigramScript(r) {
						break
					}
					buf = utf8.AppendRune(buf, unicode.ToLower(r))
					j += utf8.RuneLen(r)
					continue
				}
				l := asciiLower[c]
				if l == 0 {
					break
				}
				buf = append(buf, l)
				j++
			}
			a.emit(fn, buf, stop)
			if pairs != nil {
				p.next(fn, buf, text, i, j)
			}
			i = j
			prevBigram = -1
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		switch {
		case bigramScript(r):
			if prevBigram >= 0 {
				buf = utf8.AppendRune(utf8.AppendRune(buf[:0], prevBigram), r)
				fn(buf)
			} else if i+n >= len(text) || !nextIsBigram(text[i+n:]) {
				fn(utf8.AppendRune(buf[:0], r)) // a lone character is a token of its own
			}
			prevBigram = r
			i += n
		case isWordRune(r):
			j := i
			buf = buf[:0]
			for j < len(text) {
				r, n := utf8.DecodeRuneInString(text[j:])
				if !isWordRune(r) || bigramScript(r) {
					break
				}
				buf = utf8.AppendRune(buf, unicode.ToLower(r))
				j += n
			}
			a.emit(fn, buf, stop)
			if pairs != nil {
				p.next(fn, buf, text, i, j)
			}
			i = j
			prevBigram = -1
		default:
			i += n
			prevBigram = -1
		}
	}
	return buf
}

func nextIsBigram(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return bigramScript(r)
}

// asciiLower maps an ASCII letter or digit to itself lower-cased, and any
// other byte to zero: one load instead of the range tests and the case
// test for every byte of a word.
var asciiLower = func() (t [256]byte) {
	for c := range 128 {
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			t[c] = byte(c)
		case 'A' <= c && c <= 'Z':
			t[c] = byte(c) + 'a' - 'A'
		}
	}
	return t
}()

func (a *Analyzer) emit(fn func([]byte), tok []byte, stop *wordTable) {
	if tooShort(tok) {
		return
	}
	if stop != nil {
		if _, ok := lookup(stop, tok); ok {
			return
		}
	}
	fn(tok)
}

// tooShort reports whether tok is a one-letter token. A token of five
// bytes or more has two runes at least (a rune takes four at most): only
// shorter ones are counted.
func tooShort(tok []byte) bool {
	return len(tok) < 5 && utf8.RuneCount(tok) < 2 && !(len(tok) == 1 && '0' <= tok[0] && tok[0] <= '9')
}

// syllablePairs pairs the adjacent syllables of one text as each reads it.
type syllablePairs struct {
	stop       *wordTable // syllables that are not paired
	prev, pair []byte     // the previous syllable (empty: none to pair with); the pair
	end        int        // where prev ends in the text
}

// next takes the syllable tok, read from text[from:to], and calls fn with
// the pair of the previous syllable and tok when only spaces part them and
// neither is a stop word or a single letter.
func (p *syllablePairs) next(fn func([]byte), tok []byte, text string, from, to int) {
	if _, isStop := lookup(p.stop, tok); isStop || tooShort(tok) {
		p.prev = p.prev[:0]
		return
	}
	if len(p.prev) > 0 && strings.Trim(text[p.end:from], " \u00a0") == "" {
		p.pair = append(append(append(p.pair[:0], p.prev...), ' '), tok...)
		fn(p.pair)
	}
	p.prev, p.end = append(p.prev[:0], tok...), to
}

// baseLang reduces "en-US" or "pt_BR" to "en", "pt".
func baseLang(lang string) string {
	if i := strings.IndexAny(lang, "-_"); i > 0 {
		lang = lang[:i]
	}
	return strings.ToLower(lang)
}
