package vectorize

import (
	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/french"
	"github.com/kljensen/snowball/hungarian"
	"github.com/kljensen/snowball/norwegian"
	"github.com/kljensen/snowball/russian"
	"github.com/kljensen/snowball/spanish"
	"github.com/kljensen/snowball/swedish"
)

// stemmers are Snowball's stemmers by language code.
var stemmers = map[string]func(string, bool) string{
	"en": english.Stem, "fr": french.Stem, "es": spanish.Stem, "ru": russian.Stem,
	"sv": swedish.Stem, "no": norwegian.Stem, "nb": norwegian.Stem, "nn": norwegian.Stem,
	"hu": hungarian.Stem,
}

// Stemmer returns the Snowball stemmer of a language, as the analyser names
// languages ("en", "fr"…), or nil when Snowball has none for it. The
// stemmer takes a lower-cased token and leaves stop words as they are.
func Stemmer(lang string) func(string) string {
	stem := stemmers[baseLang(lang)]
	if stem == nil {
		return nil
	}
	return func(w string) string { return stem(w, false) }
}
