package vectorize

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/james-bowman/nlp"
	"github.com/james-bowman/sparse"
)

func TestTokens(t *testing.T) {
	an := NewAnalyzer()
	tests := []struct {
		name, text, lang string
		want             []string
	}{
		{"numbers kept, stop words gone", "The Boeing 737 MAX was grounded in 2024.", "en", []string{"boeing", "737", "max", "grounded", "2024"}},
		{"possessive and initials", "Obama's U.S. policy", "en", []string{"obama", "policy"}},
		{"unknown language keeps stop words", "The cat", "", []string{"the", "cat"}},
		{"german stop words", "Der Vulkan auf Island ist ausgebrochen", "de", []string{"vulkan", "island", "ausgebrochen"}},
		{"region subtag", "Der Vulkan", "de-AT", []string{"vulkan"}},
		{"cyrillic", "Путин и Трамп говорили по телефону", "ru", []string{"путин", "трамп", "говорили", "телефону"}},
		{"accents and case", "ÉCOLE Café", "fr", []string{"école", "café"}},
		{"chinese bigrams", "北京大学", "zh", []string{"北京", "京大", "大学"}},
		{"lone han character", "习 said", "en", []string{"习"}},
		{"mixed scripts", "iPhone在中国", "", []string{"iphone", "在中", "中国"}},
		{"digit alone kept", "Apollo 8", "en", []string{"apollo", "8"}},
		{"one letter of several bytes dropped", "à la CARTE ß ΑΘ", "", []string{"la", "carte", "αθ"}},
		{"devanagari with marks", "भारत सरकार", "hi", []string{"भारत", "सरकार"}},
		// Vietnamese words are syllables apart: adjacent ones are paired,
		// but not across a stop word ("của"), a comma or a line break.
		{"vietnamese syllable pairs", "Ngân sách của Quốc hội, hụt thu\nnợ công", "vi",
			[]string{"ngân", "sách", "ngân sách", "quốc", "hội", "quốc hội", "hụt", "thu", "hụt thu", "nợ", "công", "nợ công"}},
		{"pairs only in syllabic languages", "Ngân sách", "en", []string{"ngân", "sách"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := an.Tokens(nil, tt.text, tt.lang, nil)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Tokens(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestDetectLanguage(t *testing.T) {
	an := NewAnalyzer()
	tests := []struct{ text, want string }{
		{"The president said that the government would not raise taxes this year, and that it was in talks with the unions.", "en"},
		{"Der Vulkan auf der Halbinsel ist wieder ausgebrochen, und die Bewohner waren nicht mehr in ihren Häusern.", "de"},
		{"Le président a déclaré que le gouvernement ne va pas augmenter les impôts cette année et qu'il est en discussion avec les syndicats.", "fr"},
		{"El presidente dijo que el gobierno no subirá los impuestos este año y que está en conversaciones con los sindicatos.", "es"},
		{"Президент России Владимир Путин поблагодарил Дональда Трампа за информацию, которую передали американские спецслужбы.", "ru"},
		{"Уряд у вівторок ухвалив реформу пенсійної системи.", "uk"},
		{"Путин поблагодарил Трампа за информацию ЦРУ", ""}, // too short to tell Russian from Ukrainian or Bulgarian
		{"北京大学今天宣布", "zh"},
		{"Quốc hội đồng ý nâng trần bội chi ngân sách năm 2014 lên 5,3% GDP, theo báo cáo của Chính phủ về tình hình thu chi.", "vi"},
		{"東京で新しいビルが完成した", "ja"},
		{"서울에서 회의가 열렸다", "ko"},
		{"12345 !!!", ""},
		{"Xq zzt", ""},
	}
	for _, tt := range tests {
		if got := an.DetectLanguage(tt.text); got != tt.want {
			t.Errorf("DetectLanguage(%.30q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestVectorize(t *testing.T) {
	docs := []Doc{
		{Title: "Volcano erupts near Grindavik", Text: "Lava flows reached Grindavik.\nFollow Reuters on social media\n", Outlet: "Reuters", Language: "en"},
		{Title: "Lava reaches Grindavik as volcano erupts", Text: "Reuters reported. Homes burned in Grindavik.\nFollow Reuters on social media\n", Outlet: "Reuters"},
		{Title: "Bank holds rates", Text: "The bank held rates.\nFollow Reuters on social media\n", Outlet: "Reuters", Language: "en"},
		{Title: "!!!", Text: "", Outlet: "X"},
		{Title: "The", Text: "and of the", Outlet: "Y", Language: "en"},
		{Title: "Minister resigns", Text: "The minister told The Guardian she would resign.", Outlet: "The Guardian", Language: "en"},
	}
	res, err := Vectorize(context.Background(), docs, Config{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if res.Empty != 2 || res.Vectors[3].Len() != 0 || res.Vectors[4].Len() != 0 {
		t.Errorf("empty = %d, want the last two empty", res.Empty)
	}
	for _, id := range res.Vectors[5].Terms {
		if res.Terms[id] == "guardian" {
			t.Errorf("The Guardian's article keeps its name (its stop word \"the\" left out of the text, the name must be too)")
		}
	}
	for i, v := range res.Vectors[:3] {
		if n := Norm(v); math.Abs(n-1) > 1e-6 {
			t.Errorf("vector %d norm = %v, want 1", i, n)
		}
		if !slices.IsSorted(v.Terms) {
			t.Errorf("vector %d terms not sorted", i)
		}
		for _, id := range v.Terms {
			switch res.Terms[id] {
			case "reuters", "follow", "social", "media":
				t.Errorf("vector %d keeps the outlet's name or boilerplate term %q", i, res.Terms[id])
			}
		}
	}
	if res.Languages[3] != "en" || !res.Inferred[3] || res.Detected != 1 || res.Unknown != 1 || res.Given != 4 {
		t.Errorf("languages = %q, inferred %v, given %d, detected %d, unknown %d; want the fourth analysed as en, its language unknown", res.Languages, res.Inferred, res.Given, res.Detected, res.Unknown)
	}
	same, other := Dot(res.Vectors[0], res.Vectors[1]), Dot(res.Vectors[0], res.Vectors[2])
	if same <= other || same < 0.3 {
		t.Errorf("similarity of the two volcano docs %.3f, volcano-bank %.3f", same, other)
	}
}

func TestVectorizeIndependentOfWorkers(t *testing.T) {
	var docs []Doc
	for i := range 1000 {
		docs = append(docs, Doc{Title: string(rune('a'+i%26)) + "x story number " + string(rune('A'+i%7)), Text: "shared words and more shared words", Outlet: "o"})
	}
	one, err := Vectorize(context.Background(), docs, Config{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	four, err := Vectorize(context.Background(), docs, Config{Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	for i := range docs {
		if !slices.Equal(one.Vectors[i].Terms, four.Vectors[i].Terms) || !slices.Equal(one.Vectors[i].Weights, four.Vectors[i].Weights) {
			t.Fatalf("vector %d differs between 1 and 4 workers", i)
		}
	}
}

func TestInverseDocumentFrequency(t *testing.T) {
	// Three documents: term 0 in all, term 1 in two, term 2 in one.
	vecs := []Vector{
		{Terms: []int32{0, 1, 2}, Weights: []float32{1, 1, 2}},
		{Terms: []int32{0, 1}, Weights: []float32{1, 3}},
		{Terms: []int32{0}, Weights: []float32{1}},
	}
	idf, err := inverseDocumentFrequency(len(vecs), []int{3, 2, 1})
	if err != nil {
		t.Fatal(err)
	}
	for term, df := range []float64{3, 2, 1} {
		if want := math.Log((1 + 3) / (1 + df)); math.Abs(idf[term]-want) > 1e-12 {
			t.Errorf("idf[%d] = %v, want log(4/(1+%v)) = %v", term, idf[term], df, want)
		}
	}
}

func TestResemblance(t *testing.T) {
	sk := func(hashes ...uint32) Sketch {
		s := Sketch{N: uint8(len(hashes)), Valid: true}
		copy(s.Min[:], hashes)
		return s
	}
	seq := func(from, n int) Sketch {
		var h []uint32
		for v := from; v < from+n; v++ {
			h = append(h, uint32(v))
		}
		return sk(h...)
	}
	for _, tc := range []struct {
		name string
		a, b Sketch
		want float64
	}{
		// Sets smaller than a sketch are held whole: the Jaccard
		// similarity is exact, 2 shared of 4.
		{"small sets", sk(1, 2, 3), sk(2, 3, 4), 0.5},
		{"identical", seq(1, sketchSize), seq(1, sketchSize), 1},
		// The union's sketchSize smallest are 1…32, of which 17…32 are
		// in both.
		{"half of the smallest shared", seq(1, sketchSize), seq(1+sketchSize/2, sketchSize), 0.5},
		{"disjoint", seq(1, sketchSize), seq(1000, sketchSize), 0},
		{"too short", Sketch{}, seq(1, sketchSize), 0},
	} {
		if got := Resemblance(tc.a, tc.b); got != tc.want {
			t.Errorf("%s: Resemblance = %v, want %v", tc.name, got, tc.want)
		}
		if got := Resemblance(tc.b, tc.a); got != tc.want {
			t.Errorf("%s, swapped: Resemblance = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestSketch(t *testing.T) {
	body := "Airbus delivered 735 commercial aircraft in 2023, outpacing Boeing for a fifth consecutive year, the European planemaker said on Thursday, as it worked through supply chain problems that have slowed production of its A320neo family and delayed engines from Pratt and Whitney and CFM International."
	other := "The Bank of England kept interest rates at a 15-year high of 5.25% on Thursday as inflation slowed, and policymakers voted to hold the base rate for a third time, with two members voting for an increase and one for a cut in the benchmark rate."
	docs := []Doc{
		{Title: "Airbus beats Boeing", Text: body, Outlet: "Reuters", Language: "en"},
		{Title: "Airbus tops Boeing deliveries again", Text: body + " Follow us for more.", Outlet: "Yahoo", Language: "en"},
		{Title: "Bank holds rates", Text: other, Outlet: "AP", Language: "en"},
		{Title: "Short", Text: "Airbus delivered many jets.", Outlet: "X", Language: "en"},
	}
	res, err := Vectorize(context.Background(), docs, Config{})
	if err != nil {
		t.Fatal(err)
	}
	sk := res.Sketches
	if r := Resemblance(sk[0], sk[1]); r < 0.8 {
		t.Errorf("republished body: resemblance %v, want ≥ 0.8", r)
	}
	if r := Resemblance(sk[0], sk[2]); r > 0.2 {
		t.Errorf("different bodies: resemblance %v, want ≤ 0.2", r)
	}
	if sk[3].Valid || Resemblance(sk[3], sk[3]) != 0 {
		t.Error("a one-line body has a sketch")
	}
	again, _ := Vectorize(context.Background(), docs[:1], Config{})
	if again.Sketches[0] != sk[0] {
		t.Error("sketch depends on the run")
	}
	tokens, _ := NewAnalyzer().Tokens(nil, body, "en", nil)
	if want := refSketch(tokens); sk[0] != want {
		t.Errorf("sketch %v, want %v", sk[0], want)
	}
}

// TestSketchSmallest holds the cut that picks a sketch's hashes to sorting
// every hash: bodies of the shortest length sketched and longer, with
// hashes spread over the whole range, or drawn from a few dozen values
// spread so (a body that repeats its 4-grams), so that fewer than
// sketchSize distinct values lie below the first cut and it is raised, or
// from fewer values than a sketch holds.
func TestSketchSmallest(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var sc sketchScratch
	for _, n := range []int{minShingles, sketchSize, 2 * sketchSize, 400, 5000} {
		for _, values := range []int{0, sketchSize + 8, 3} { // 0: any
			pool := make([]uint32, values)
			for i := range pool {
				pool[i] = r.Uint32()
			}
			grams := make([]uint32, n)
			for i := range grams {
				if values == 0 {
					grams[i] = r.Uint32()
				} else {
					grams[i] = pool[r.IntN(values)]
				}
			}
			want := slices.Compact(slices.Sorted(slices.Values(grams)))
			want = want[:min(len(want), sketchSize)]
			if got := sc.smallest(grams); !slices.Equal(got, want) {
				t.Errorf("%d hashes of %d values: got %v, want %v", n, values, got, want)
			}
		}
	}
}

// refSketch is the sketch of a body's tokens computed as Sketch's doc says,
// word by word: each 4-gram hashed from its words' FNV-1a hashes, the
// sketchSize smallest distinct hashes kept.
func refSketch(tokens []string) Sketch {
	word := func(w string) uint64 {
		x := uint64(14695981039346656037)
		for j := range len(w) {
			x = (x ^ uint64(w[j])) * 1099511628211
		}
		return x | 1
	}
	var all []uint32
	for i := 0; i+shingle <= len(tokens); i++ {
		x := uint64(14695981039346656037)
		for _, w := range tokens[i : i+shingle] {
			x = (x ^ word(w)) * 1099511628211
			x ^= x >> 29
		}
		x *= 0xBF58476D1CE4E5B9
		x ^= x >> 31
		all = append(all, uint32(x>>32))
	}
	slices.Sort(all)
	all = slices.Compact(all)
	var s Sketch
	s.N = uint8(copy(s.Min[:], all))
	s.Valid = len(tokens)-shingle+1 >= minShingles
	return s
}

// The counts of each document hold its title and body tokens as Tokens
// gives them for its language, in one chunk of documents in several
// languages whose stop words are each other's terms ("die" is a German and
// Dutch stop word and an English term), and the vocabulary holds no word
// used only as a stop word ("whom", only in English documents).
func TestCountsFollowTokens(t *testing.T) {
	words := strings.Fields("die the and und an on de les la in was will war con per non river flood " +
		"Bundesverfassungsgericht internationalisation Überschwemmung Fluss rivière inondazione élection")
	langs := []string{"en", "de", "nl", "fr", "it", "sv", "en-GB", "de"}
	rng := rand.New(rand.NewPCG(5, 6))
	pick := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(words[rng.IntN(len(words))])
			b.WriteByte(' ')
		}
		return b.String()
	}
	var docs []Doc
	for i := range 3 * chunkDocs { // chunks merged into the vocabulary one after another
		d := Doc{Title: pick(4), Text: pick(30), Outlet: fmt.Sprintf("o%d", i), Language: langs[i%len(langs)]}
		if baseLang(d.Language) == "en" {
			d.Text += " whom ourselves" // English stop words that no other document has
		}
		docs = append(docs, d)
	}
	res, err := Vectorize(context.Background(), docs, Config{KeepCounts: true, TitleWeight: 2, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	an := NewAnalyzer()
	used := map[string]bool{}
	var first []string // the terms in order of first occurrence
	for i, d := range docs {
		want := map[string]float32{}
		title, _ := an.Tokens(nil, d.Title, d.Language, nil)
		body, _ := an.Tokens(nil, d.Text, d.Language, nil)
		for _, w := range slices.Concat(title, body) {
			if !slices.Contains(first, w) {
				first = append(first, w)
			}
		}
		for _, w := range title {
			want[w] += 2
		}
		for _, w := range body {
			want[w]++
		}
		got := map[string]float32{}
		for k, id := range res.Counts[i].Terms {
			got[res.Terms[id]] = res.Counts[i].Weights[k]
			used[res.Terms[id]] = true
		}
		if !maps.Equal(got, want) {
			t.Fatalf("document %d (%s): counts %v, want %v", i, d.Language, got, want)
		}
	}
	for _, term := range res.Terms {
		if !used[term] {
			t.Errorf("the vocabulary holds %q, which no document counts", term)
		}
	}
	if !slices.Equal(res.Terms, first) {
		t.Errorf("term ids in the order %q, want the order of first occurrence %q", res.Terms, first)
	}
}

// A term found in every document weighs zero and leaves the vectors; the
// counts, which share term ids with the vectors, keep it.
func TestCommonTermLeavesVectorsNotCounts(t *testing.T) {
	docs := []Doc{
		{Title: "common alpha", Language: "en"},
		{Title: "common beta", Language: "en"},
		{Title: "common gamma delta", Language: "en"},
	}
	res, err := Vectorize(context.Background(), docs, Config{KeepCounts: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range docs {
		for _, id := range res.Vectors[i].Terms {
			if res.Terms[id] == "common" {
				t.Errorf("vector %d keeps the term found everywhere", i)
			}
		}
		var words []string
		for _, id := range res.Counts[i].Terms {
			words = append(words, res.Terms[id])
		}
		if !slices.Contains(words, "common") || len(res.Counts[i].Terms) != len(res.Counts[i].Weights) {
			t.Errorf("counts %d = %v, want the common term too", i, words)
		}
		if n := Norm(res.Vectors[i]); math.Abs(n-1) > 1e-6 {
			t.Errorf("vector %d norm %v", i, n)
		}
	}
}

// Vectors computed again from the counts are the vectors Vectorize gave,
// bit for bit: with a term found everywhere (which leaves the vectors), a
// repeated word, a title counted twice, an empty document, and with the
// idf of a prior.
func TestReweigh(t *testing.T) {
	docs := []Doc{
		{Title: "Common flood warning", Text: "The river rose and rose and rose overnight.", Language: "en"},
		{Title: "Common bank rates", Text: "Interest rates rise again; the bank cites inflation.", Language: "en"},
		{Title: "Common", Text: "", Language: "en"},
		{Title: "Common Hochwasser am Fluss", Text: "Der Fluss stieg über Nacht.", Language: "de"},
		{Title: "", Text: "", Language: "en"},
	}
	ctx := context.Background()
	for _, cfg := range []Config{{KeepCounts: true, TitleWeight: 2}, {KeepCounts: true, TitleWeight: 1.5, Prior: &DocFreq{Docs: 10, Terms: map[string]int{"river": 4}}}} {
		res, err := Vectorize(ctx, docs, cfg)
		if err != nil {
			t.Fatal(err)
		}
		again, err := res.Reweigh(ctx, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(again) != len(docs) {
			t.Fatalf("%d vectors again, want %d", len(again), len(docs))
		}
		nonEmpty := 0
		for i, v := range res.Vectors {
			if !slices.Equal(again[i].Terms, v.Terms) || !slices.Equal(again[i].Weights, v.Weights) {
				t.Errorf("title weight %v, doc %d: again %v, want %v", cfg.TitleWeight, i, again[i], v)
			}
			if v.Len() > 0 {
				nonEmpty++
			}
		}
		if nonEmpty != 4 {
			t.Errorf("title weight %v: %d non-empty vectors, want 4", cfg.TitleWeight, nonEmpty)
		}
	}
	// Without counts there is nothing to compute them from.
	res, err := Vectorize(ctx, docs, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if again, err := res.Reweigh(ctx, 1); again != nil || err != nil {
		t.Errorf("Reweigh without counts = %v, %v; want nil, nil", again, err)
	}
}

// A collection vectorised in two parts, the second with the first's
// document frequencies as its prior, weighs the second part exactly as the
// whole collection vectorised at once does.
func TestPriorDocFreq(t *testing.T) {
	docs := []Doc{
		{Title: "Flood warning issued for the river valley", Outlet: "a"},
		{Title: "River flood forces evacuation in the valley", Outlet: "b"},
		{Title: "Central bank raises interest rates again", Outlet: "c"},
		{Title: "Interest rates rise as bank fights inflation", Outlet: "d"},
		{Title: "Valley residents return after the flood", Outlet: "e"},
		{Title: "Bank rates and the river", Outlet: "f"},
	}
	ctx := context.Background()
	whole, err := Vectorize(ctx, docs, Config{})
	if err != nil {
		t.Fatal(err)
	}
	first, err := Vectorize(ctx, docs[:3], Config{Prior: &DocFreq{}})
	if err != nil {
		t.Fatal(err)
	}
	if first.DocFreq.Docs != 3 || first.DocFreq.Terms["flood"] != 2 || first.DocFreq.Terms["bank"] != 1 {
		t.Fatalf("first part's document frequencies: %d docs, flood %d, bank %d; want 3, 2, 1",
			first.DocFreq.Docs, first.DocFreq.Terms["flood"], first.DocFreq.Terms["bank"])
	}
	// The second run sees the third document again, already counted.
	again := append([]Doc{docs[2]}, docs[3:]...)
	again[0].Counted = true
	second, err := Vectorize(ctx, again, Config{Prior: first.DocFreq})
	if err != nil {
		t.Fatal(err)
	}
	if second.DocFreq.Docs != 6 || second.DocFreq.Terms["bank"] != 3 {
		t.Fatalf("after the second part: %d docs, bank in %d; want 6 and 3", second.DocFreq.Docs, second.DocFreq.Terms["bank"])
	}
	weights := func(r *Result, i int) map[string]float32 {
		m := map[string]float32{}
		for k, term := range r.Vectors[i].Terms {
			m[r.Terms[term]] = r.Vectors[i].Weights[k]
		}
		return m
	}
	for k := range again {
		got, want := weights(second, k), weights(whole, 2+k)
		if len(got) != len(want) {
			t.Fatalf("doc %d: %v, want %v", 2+k, got, want)
		}
		for term, w := range want {
			if math.Abs(float64(got[term]-w)) > 1e-6 {
				t.Errorf("doc %d term %q: weight %v, want %v", 2+k, term, got[term], w)
			}
		}
	}
}

// TestInverseDocumentFrequencyMatchesFit holds the weights fitted on rows
// of ones, in blocks of any size, to nlp's transformer fitted on the
// documents' own term-by-document matrix, bit for bit.
func TestInverseDocumentFrequencyMatchesFit(t *testing.T) {
	const docs, terms = 40, 50
	df := make([]int, terms)
	m := sparse.NewDOK(terms, docs)
	for j := range docs {
		for term := range terms {
			if (j*7+term*3)%5 < 2 || term == 0 {
				m.Set(term, j, float64(1+(j+term)%4))
				df[term]++
			}
		}
	}
	df = append(df, 0) // a term no document holds
	tfidf := nlp.NewTfidfTransformer()
	tfidf.Fit(m.ToCSR())
	ones := sparse.NewDOK(terms, 1)
	for term := range terms {
		ones.Set(term, 0, 1)
	}
	w, err := tfidf.Transform(ones.ToCSR())
	if err != nil {
		t.Fatal(err)
	}
	for _, block := range []int{1, 7, 40, 1 << 20} {
		idf, err := idfInBlocks(docs, df, block)
		if err != nil {
			t.Fatal(err)
		}
		for term := range terms {
			if want := w.At(term, 0); idf[term] != want {
				t.Errorf("blocks of %d: idf[%d] = %v, want %v (df %d)", block, term, idf[term], want, df[term])
			}
		}
		if want := math.Log(1 + docs); idf[terms] != want {
			t.Errorf("blocks of %d: idf of a term in no document = %v, want %v", block, idf[terms], want)
		}
	}
}

// TestPriorIDFMatchesFit holds the idf of scheduled runs, a formula over
// counts kept from earlier runs, to nlp's transformer fitted on the same
// documents, bit for bit: the two paths weigh terms alike.
func TestPriorIDFMatchesFit(t *testing.T) {
	const docs = 40
	terms := []string{"lava", "bank", "rates", "volcano", "never"}
	m := sparse.NewDOK(len(terms), docs)
	df := &DocFreq{Docs: docs, Terms: map[string]int{}}
	for j := range docs {
		for k, term := range terms[:4] {
			if (j*7+k*3)%5 < 2+k%2 {
				m.Set(k, j, 1)
				df.Terms[term]++
			}
		}
	}
	tfidf := nlp.NewTfidfTransformer()
	tfidf.Fit(m.ToCSR())
	ones := sparse.NewDOK(len(terms), 1)
	for k := range terms {
		ones.Set(k, 0, 1)
	}
	w, err := tfidf.Transform(ones.ToCSR())
	if err != nil {
		t.Fatal(err)
	}
	idf := priorIDF(df, terms)
	for k, term := range terms {
		if want := w.At(k, 0); idf[k] != want {
			t.Errorf("idf of %q (df %d) = %v, nlp %v", term, df.Terms[term], idf[k], want)
		}
	}
}

// stripLines drops exactly the boilerplate lines, wherever they are, and
// keeps the rest as written.
func TestStripLines(t *testing.T) {
	seed := maphash.MakeSeed()
	drop := map[uint64]bool{maphash.String(seed, "Follow us."): true, maphash.String(seed, "Subscribe"): true}
	for _, c := range []struct{ text, want string }{
		{"One.\nTwo.\n", "One.\nTwo.\n"},
		{"One.\nTwo.", "One.\nTwo."},
		{"Follow us.\nOne.\nTwo.\n", "One.\nTwo.\n"},
		{"One.\nTwo.\n  Follow us.  \n", "One.\nTwo.\n"},
		{"One.\nTwo.\nFollow us.", "One.\nTwo.\n"},
		{"One.\nSubscribe\nTwo.\n", "One.\nTwo.\n"},
		{"Subscribe\nOne.\r\nFollow us.\r\nTwo.\nThree.\nSubscribe\nFour.", "One.\r\nTwo.\nThree.\nFour."},
		{"Follow us.\nSubscribe\n", ""},
		{"", ""},
	} {
		if got := stripLines(c.text, drop, seed); got != c.want {
			t.Errorf("stripLines(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

// TestSublinear holds sublinear's table of small whole counts to the
// logarithm it stands for, and checks the counts around it.
func TestSublinear(t *testing.T) {
	var counts []float32
	for c := float32(0.25); c <= 200; c += 0.25 {
		counts = append(counts, c, math.Nextafter32(c, 0), math.Nextafter32(c, 1000))
	}
	got := make([]float32, len(counts))
	sublinear(got, counts)
	for k, c := range counts {
		if want := float32(1 + math.Log(float64(c))); got[k] != want {
			t.Errorf("sublinear(%v) = %v, want %v", c, got[k], want)
		}
	}
}

// TestSortByTerm sorts vectors of every length around radixMin, with term
// ids spanning one to four bytes, and holds each entry's weight to its term.
func TestSortByTerm(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, top := range []int32{200, 70_000, 20_000_000, math.MaxInt32 - 1} {
		for n := range 3 * radixMin {
			if int32(n) > top {
				break
			}
			seen := map[int32]bool{}
			v := Vector{}
			for len(v.Terms) < n {
				id := r.Int32N(top + 1)
				if !seen[id] {
					seen[id] = true
					v.Terms = append(v.Terms, id)
					v.Weights = append(v.Weights, float32(id)/3)
				}
			}
			SortByTerm(v)
			if !slices.IsSorted(v.Terms) || len(v.Terms) != n {
				t.Fatalf("%d terms below %d: not sorted: %v", n, top, v.Terms)
			}
			for k, id := range v.Terms {
				if v.Weights[k] != float32(id)/3 {
					t.Fatalf("%d terms below %d: term %d has weight %v, want %v", n, top, id, v.Weights[k], float32(id)/3)
				}
			}
		}
	}
}

// TestDetectLanguageSamples: on real sentences of 18 languages (the first
// article of the Universal Declaration of Human Rights and a news
// sentence in each), the detector names no wrong language: Polish and
// Swedish are not English or Italian, Ukrainian and Bulgarian not Russian,
// and Catalan, which it has no profile of, is unknown rather than Spanish.
func TestDetectLanguageSamples(t *testing.T) {
	b, err := os.ReadFile("testdata/languages.json")
	if err != nil {
		t.Fatal(err)
	}
	var samples []struct{ Lang, Text string }
	if err := json.Unmarshal(b, &samples); err != nil {
		t.Fatal(err)
	}
	an := NewAnalyzer()
	right := 0
	for _, s := range samples {
		got := an.DetectLanguage(s.Text)
		switch {
		case got == s.Lang:
			right++
		case got != "":
			t.Errorf("%s taken for %s: %.60s", s.Lang, got, s.Text)
		}
	}
	if right*10 < len(samples)*8 {
		t.Errorf("%d of %d samples told right, want at least 80%%", right, len(samples))
	}
	t.Logf("%d of %d told right, the rest unknown", right, len(samples))
}
