package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Article is one generated article with its gold event.
type Article struct {
	ID, Outlet, Title, Text, URL, Language, Event string
	Published                                     time.Time
}

// Config sets the shape of a corpus. The zero value of each field has a
// documented default.
type Config struct {
	Articles int       // how many articles; required
	Seed     uint64    // random seed
	Start    time.Time // first event; zero means 2024-01-01 UTC
	Days     int       // span of the corpus; zero means 28
	Outlets  int       // zero means 400
	// Vocabulary is real text whose word frequencies shape the corpus;
	// empty means a built-in list.
	Vocabulary []string
}

// Generator yields articles one at a time, in publication order within
// each event; events start in time order.
type Generator struct {
	cfg     Config
	r       *rand.Rand
	words   []string // background words, most frequent first
	zipf    *rand.Zipf
	outlets []outlet
	events  []*event
	n       int
	live    []*event // events still being covered
	nextEvt int
}

type outlet struct {
	name, domain, city, boiler string
	wire                       bool // a wire service: others copy its articles
}

type event struct {
	id       int
	start    time.Time
	keys     []string // key terms
	names    []string // named entities
	remain   int      // articles still to publish
	wireText string   // text of the wire article, once written
}

// New returns a generator for cfg.
func New(cfg Config) *Generator {
	if cfg.Start.IsZero() {
		cfg.Start = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if cfg.Days <= 0 {
		cfg.Days = 28
	}
	if cfg.Outlets <= 0 {
		cfg.Outlets = 400
	}
	g := &Generator{cfg: cfg, r: rand.New(rand.NewPCG(cfg.Seed, 0x5eed))}
	g.words = vocabulary(cfg.Vocabulary, g.r)
	g.zipf = rand.NewZipf(g.r, 1.07, 2, uint64(len(g.words)-1))
	for i := range cfg.Outlets {
		name := g.name(2) + " " + []string{"Times", "Post", "Herald", "News", "Daily", "Journal", "Tribune", "Wire", "Observer", "Online"}[i%10]
		g.outlets = append(g.outlets, outlet{
			name:   name,
			domain: strings.ToLower(strings.ReplaceAll(name, " ", "")) + ".com",
			city:   strings.ToUpper(g.name(2)),
			boiler: fmt.Sprintf("Follow %s on social media for the latest news.", name),
			wire:   i < 3,
		})
	}
	return g
}

// vocabulary returns background words, most frequent first: the words of
// text by frequency, then made-up words for a long tail.
func vocabulary(text []string, r *rand.Rand) []string {
	if len(text) == 0 {
		text = []string{builtinText}
	}
	counts := map[string]int{}
	for _, t := range text {
		for _, w := range strings.FieldsFunc(strings.ToLower(t), func(c rune) bool { return !unicode.IsLetter(c) }) {
			if len(w) > 1 {
				counts[w]++
			}
		}
	}
	words := make([]string, 0, len(counts))
	for w := range counts {
		words = append(words, w)
	}
	slices.SortFunc(words, func(a, b string) int {
		if counts[a] != counts[b] {
			return counts[b] - counts[a]
		}
		return strings.Compare(a, b)
	})
	seen := map[string]bool{}
	for _, w := range words {
		seen[w] = true
	}
	for len(words) < 60_000 {
		w := madeUp(r, 2+r.IntN(3))
		if !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	return words
}

var syllables = strings.Fields("ka ri to sa mel dor an vi lo pe tra gen su mar bel co ni ra ste fan lu wen dal or ix ba ze qui ho nor tal")

func madeUp(r *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		b.WriteString(syllables[r.IntN(len(syllables))])
	}
	return b.String()
}

func (g *Generator) name(n int) string {
	w := madeUp(g.r, n)
	return strings.ToUpper(w[:1]) + w[1:]
}

// Next returns the next article, and false once Config.Articles are out.
func (g *Generator) Next() (Article, bool) {
	if g.n >= g.cfg.Articles {
		return Article{}, false
	}
	// Keep a pool of live events; start a new one when the pool is thin
	// or by chance, so that events overlap in time.
	for len(g.live) < 8 || g.r.IntN(10) == 0 && len(g.live) < 64 {
		g.live = append(g.live, g.newEvent())
	}
	k := g.r.IntN(len(g.live))
	e := g.live[k]
	a := g.article(e)
	e.remain--
	if e.remain == 0 {
		g.live = slices.Delete(g.live, k, k+1)
	}
	g.n++
	return a, true
}

func (g *Generator) newEvent() *event {
	id := g.nextEvt
	g.nextEvt++
	// Events start spread over the span, in order; an event is covered by
	// 2 to 300 articles, heavy-tailed (median 3, mean about 12).
	span := time.Duration(g.cfg.Days) * 24 * time.Hour
	approxEvents := max(g.cfg.Articles/12, 1)
	start := g.cfg.Start.Add(time.Duration(float64(span) * float64(id) / float64(approxEvents)))
	size := int(math.Min(300, math.Floor(2*math.Pow(1-g.r.Float64()*0.9999, -0.85))))
	e := &event{id: id, start: start, remain: max(size, 1)}
	nk := 4 + g.r.IntN(4)
	for range nk {
		// Key terms come from the middle of the frequency list: specific,
		// but real words.
		e.keys = append(e.keys, g.words[200+g.r.IntN(len(g.words)-200)])
	}
	for range 1 + g.r.IntN(3) {
		e.names = append(e.names, g.name(2+g.r.IntN(2))+" "+g.name(2+g.r.IntN(2)))
	}
	// A follow-up shares half its key terms and a name with an earlier event.
	if id > 0 && g.r.IntN(5) == 0 {
		prev := g.events[max(0, len(g.events)-1-g.r.IntN(min(len(g.events), 50)))]
		copy(e.keys, prev.keys[:len(prev.keys)/2])
		e.names[0] = prev.names[0]
	}
	g.events = append(g.events, e)
	return e
}

func (g *Generator) background() string { return g.words[g.zipf.Uint64()] }

// sentence mixes background words with the event's terms.
func (g *Generator) sentence(e *event, words int) string {
	var b strings.Builder
	for i := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		switch x := g.r.IntN(100); {
		case x < 12:
			b.WriteString(e.keys[g.r.IntN(len(e.keys))])
		case x < 16:
			b.WriteString(e.names[g.r.IntN(len(e.names))])
		default:
			b.WriteString(g.background())
		}
	}
	s := b.String()
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

func (g *Generator) article(e *event) Article {
	o := g.outlets[g.zipfOutlet()]
	// Published within hours to a few days of the event's start.
	delay := time.Duration(math.Abs(g.r.NormFloat64())*float64(18*time.Hour)) + time.Duration(g.r.IntN(3600))*time.Second
	a := Article{
		ID:        fmt.Sprintf("syn-%d", g.n),
		Outlet:    o.domain,
		Published: e.start.Add(delay).Truncate(time.Second),
		Language:  "en",
		Event:     fmt.Sprintf("event-%d", e.id),
	}
	a.URL = fmt.Sprintf("https://%s/%d/%s", o.domain, g.n, e.keys[0])
	title := []string{e.names[0], e.keys[0], e.keys[1%len(e.keys)]}
	for range 3 + g.r.IntN(5) {
		if g.r.IntN(3) == 0 {
			title = append(title, e.keys[g.r.IntN(len(e.keys))])
		} else {
			title = append(title, g.background())
		}
	}
	g.r.Shuffle(len(title), func(i, j int) { title[i], title[j] = title[j], title[i] })
	a.Title = strings.ToUpper(title[0][:1]) + strings.Join(title, " ")[1:]

	// A wire copy: another outlet republishes the wire article.
	if e.wireText != "" && g.r.IntN(4) == 0 {
		a.Text = e.wireText + "\n" + o.boiler
		return a
	}
	var words int
	switch x := g.r.IntN(10); {
	case x < 2:
		words = 0 // headline only
	case x < 5:
		words = 40 + g.r.IntN(80) // excerpt
	default:
		words = 150 + int(math.Min(1850, math.Abs(g.r.NormFloat64())*500))
	}
	if words > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "%s (%s) - ", o.city, o.name)
		for words > 0 {
			n := min(words, 12+g.r.IntN(14))
			b.WriteString(g.sentence(e, n))
			words -= n
			if g.r.IntN(4) == 0 {
				b.WriteString("\n\n")
			} else {
				b.WriteByte(' ')
			}
		}
		body := strings.TrimSpace(b.String())
		if o.wire && e.wireText == "" {
			e.wireText = body
		}
		a.Text = body + "\n" + o.boiler
	}
	return a
}

// zipfOutlet picks an outlet, big outlets more often.
func (g *Generator) zipfOutlet() int {
	return int(math.Min(float64(len(g.outlets)-1), math.Floor(math.Pow(g.r.Float64(), 2.5)*float64(len(g.outlets)))))
}

// builtinText seeds the vocabulary when no real text is given.
const builtinText = `the of to and in a for on is that said with was as by at from it has
be have are an his he will its after but not they more who year were new been their
which about up one out had would two this people than government president police
first last over also could into world state city new week percent million officials
country its minister reported told day years since market company group home report`
