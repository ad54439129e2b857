package vectorize

import "testing"

func TestStemmer(t *testing.T) {
	for _, c := range []struct{ lang, a, b string }{
		{"en", "senators", "senator"},
		{"en", "immigrants", "immigration"},
		{"en-US", "running", "runs"},
		{"fr", "présidents", "président"},
		{"es", "inmigrantes", "inmigrante"},
		{"ru", "президента", "президент"},
	} {
		stem := Stemmer(c.lang)
		if stem == nil {
			t.Fatalf("no stemmer for %q", c.lang)
		}
		if sa, sb := stem(c.a), stem(c.b); sa != sb {
			t.Errorf("%s: %q -> %q and %q -> %q, want one stem", c.lang, c.a, sa, c.b, sb)
		}
	}
	if stem := Stemmer("en"); stem("police") == stem("policy") {
		t.Errorf("police and policy share a stem")
	}
	if Stemmer("vi") != nil || Stemmer("") != nil {
		t.Errorf("a stemmer for a language Snowball does not have")
	}
}
