package vectorize

import (
	"slices"
	"testing"
)

func TestEachPhrase(t *testing.T) {
	a := NewAnalyzer()
	for _, c := range []struct {
		lang, text string
		want       []string
	}{
		{"en", "Illegal aliens crossed the Department of Justice line, officials said.",
			[]string{"illegal aliens", "aliens crossed", "justice line"}},
		{"en", "Undocumented  immigrants\twait;\nborder agents", []string{"undocumented immigrants", "border agents"}}, // a tab or a line parts them
		{"de", "Die Regierung plant neue Steuern", []string{"regierung plant", "plant neue", "neue steuern"}},
		{"xx", "no list here at all", []string{"no list", "list here", "here at", "at all"}},
	} {
		var got []string
		a.EachPhrase(c.text, c.lang, nil, func(p []byte) { got = append(got, string(p)) })
		if !slices.Equal(got, c.want) {
			t.Errorf("%s %q: %q, want %q", c.lang, c.text, got, c.want)
		}
	}
}
