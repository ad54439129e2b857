package vectorize

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/abadojack/whatlanggo"
)

// scripts maps writing systems that mostly belong to one language to it;
// "" marks those that several languages share (Cyrillic: Russian,
// Ukrainian, Bulgarian, Serbian…), which whatlanggo tells apart.
var scripts = []struct {
	table *unicode.RangeTable
	lang  string
}{
	{unicode.Cyrillic, ""}, {unicode.Greek, "el"}, {unicode.Arabic, ""}, {unicode.Hebrew, ""},
	{unicode.Hangul, "ko"}, {unicode.Hiragana, "ja"}, {unicode.Katakana, "ja"}, {unicode.Han, "zh"},
	{unicode.Devanagari, ""}, {unicode.Thai, "th"}, {unicode.Bengali, ""}, {unicode.Tamil, "ta"},
}

// DetectLanguage guesses the language of text, or returns "" when it cannot
// tell. A script that belongs to one language tells it; Latin-script text
// in which one stop word list clearly leads is in that list's language;
// the rest goes to whatlanggo's trigram profiles (84 languages), whose
// answer counts only when it deems it reliable. whatlanggo costs far more
// per document than the quick rules (BenchmarkDetectLanguage), so it is
// asked only where they cannot tell; TestDetectLanguageSamples holds the
// whole to no wrong answer. Only the first few KiB of text are read, and
// whatlanggo's first detectPrefix bytes.
func (a *Analyzer) DetectLanguage(text string) string {
	if len(text) > 4096 {
		text = text[:4096]
	}
	counts := make([]int, len(scripts))
	latin, letters := 0, 0
	hasKana := false
	for _, r := range text {
		if r < utf8.RuneSelf {
			if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' {
				latin++
				letters++
			}
			continue
		}
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		if unicode.Is(unicode.Latin, r) {
			latin++
			continue
		}
		for i, s := range scripts {
			if unicode.Is(s.table, r) {
				counts[i]++
				if s.lang == "ja" {
					hasKana = true
				}
				break
			}
		}
	}
	if letters == 0 {
		return ""
	}
	best := -1
	for i, n := range counts {
		if n > latin && (best < 0 || n > counts[best]) {
			best = i
		}
	}
	if best >= 0 {
		switch l := scripts[best].lang; {
		case l == "zh" && hasKana:
			return "ja" // Japanese mixes kanji with kana
		case l != "":
			return l
		case scripts[best].table == unicode.Cyrillic:
			if l := cyrillicLanguage(text); l != "" {
				return l
			}
		}
		return detectTrigrams(text)
	}
	if l := a.detectLatin(text); l != "" {
		return l
	}
	return detectTrigrams(text)
}

// cyrillicLanguage tells a Cyrillic text's language by the letters only
// one language uses (Ukrainian і ї є ґ, Belarusian ў, Serbian ђ ћ џ,
// Macedonian ѓ ќ ѕ), and Russian by ы or э with none of those and none of
// the letters of Kazakh, Kyrgyz or Tatar; "" when the letters do not tell
// (Bulgarian uses none of its own).
func cyrillicLanguage(text string) string {
	var uk, be, sr, mk, ru, turkic bool
	for _, r := range text {
		switch r {
		case 'і', 'ї', 'є', 'ґ', 'І', 'Ї', 'Є', 'Ґ':
			uk = true
		case 'ў', 'Ў':
			be = true
		case 'ђ', 'ћ', 'џ', 'Ђ', 'Ћ', 'Џ':
			sr = true
		case 'ѓ', 'ќ', 'ѕ', 'Ѓ', 'Ќ', 'Ѕ':
			mk = true
		case 'ы', 'э', 'Ы', 'Э':
			ru = true
		case 'ә', 'ө', 'ү', 'ң', 'ғ', 'қ', 'һ', 'җ', 'Ә', 'Ө', 'Ү', 'Ң', 'Ғ', 'Қ', 'Һ', 'Җ':
			turkic = true
		}
	}
	switch {
	case turkic:
		return ""
	case be:
		return "be"
	case uk:
		return "uk"
	case sr && !mk:
		return "sr"
	case mk && !sr:
		return "mk"
	case ru && !sr && !mk:
		return "ru"
	}
	return ""
}

// detectPrefix is how many bytes of a text whatlanggo reads: more adds
// cost and no accuracy on the samples of TestDetectLanguageSamples.
const detectPrefix = 256

// detectTrigrams asks whatlanggo, and returns its answer when reliable.
func detectTrigrams(text string) string {
	if len(text) > detectPrefix {
		n := detectPrefix
		for n > 0 && !utf8.RuneStart(text[n]) {
			n--
		}
		text = text[:n]
	}
	info := whatlanggo.Detect(text)
	if !info.IsReliable() {
		return ""
	}
	return info.Lang.Iso6391()
}

func (a *Analyzer) detectLatin(text string) string {
	langs := make([]string, 0, len(a.stop))
	for l := range a.stop {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	hits := make([]int, len(langs))
	words := 0
	for w := range strings.FieldsFuncSeq(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) }) {
		words++
		for i, l := range langs {
			if _, ok := lookup(a.stop[l].words, w); ok {
				hits[i]++
			}
		}
		if words >= 300 {
			break
		}
	}
	best, second := -1, 0
	for i, h := range hits {
		if best < 0 || h > hits[best] {
			if best >= 0 {
				second = hits[best]
			}
			best = i
		} else if h > second {
			second = h
		}
	}
	// Only a clear lead counts: a text in a language without a list
	// (Polish, Swedish, Catalan) shares a few short words with several.
	if best < 0 || words < minLatinWords || hits[best]*5 < words || hits[best] < 2*second {
		return ""
	}
	return langs[best]
}

// minLatinWords is the fewest words the stop word counts tell a language
// from.
const minLatinWords = 8

// inferLanguages fills empty languages with the most common language of the
// document's outlet, else of the whole collection, to analyse their words
// in. It returns how many documents had no language given.
func inferLanguages(docs []Doc, langs []string) int {
	byOutlet := map[string]map[string]int{}
	all := map[string]int{}
	for i, l := range langs {
		if l == "" {
			continue
		}
		m := byOutlet[docs[i].Outlet]
		if m == nil {
			m = map[string]int{}
			byOutlet[docs[i].Outlet] = m
		}
		m[l]++
		all[l]++
	}
	overall := mostCommon(all)
	n := 0
	for i := range langs {
		if baseLang(docs[i].Language) != "" {
			continue
		}
		n++
		if langs[i] != "" {
			continue
		}
		if l := mostCommon(byOutlet[docs[i].Outlet]); l != "" {
			langs[i] = l
		} else {
			langs[i] = overall
		}
	}
	return n
}

func mostCommon(m map[string]int) string {
	best := ""
	for l, n := range m {
		if n > m[best] || n == m[best] && l < best {
			best = l
		}
	}
	return best
}
