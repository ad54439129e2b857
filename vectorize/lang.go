package vectorize

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// scripts maps writing systems that mostly belong to one language to it.
var scripts = []struct {
	table *unicode.RangeTable
	lang  string
}{
	{unicode.Cyrillic, "ru"}, {unicode.Greek, "el"}, {unicode.Arabic, "ar"}, {unicode.Hebrew, "he"},
	{unicode.Hangul, "ko"}, {unicode.Hiragana, "ja"}, {unicode.Katakana, "ja"}, {unicode.Han, "zh"},
	{unicode.Devanagari, "hi"}, {unicode.Thai, "th"}, {unicode.Bengali, "bn"}, {unicode.Tamil, "ta"},
}

// DetectLanguage guesses the language of text: by script for writing
// systems that mostly belong to one language, and for Latin script by
// which stop word list the text uses most. It returns "" when it cannot
// tell. Only the first few KiB of text are read.
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
		if scripts[best].lang == "zh" && hasKana {
			return "ja" // Japanese mixes kanji with kana
		}
		return scripts[best].lang
	}
	return a.detectLatin(text)
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
	best := -1
	for i, h := range hits {
		if best < 0 || h > hits[best] {
			best = i
		}
	}
	if best < 0 || hits[best] < 2 || hits[best]*10 < words {
		return ""
	}
	return langs[best]
}

// inferLanguages fills empty languages with the most common language of the
// document's outlet, else of the whole collection. It returns how many
// documents had no language given.
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
