package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// A corpus as AllSides has it, outlets named every way the inputs name
// them: "CNN (Opinion)", a host name, no outlet but a URL, plain names,
// and one outlet the outlets file does not list. Four events:
//
//	dam:     CNN (left), Fox News (right), New York Times (left)
//	vaccine: CNN, New York Times (left only: two outlets)
//	rail:    Fox News (right), Breitbart News (unlisted)
//	tariff:  Fox News, Washington Examiner (right only: two outlets)
var outletArticles = []struct{ event, outlet, url, text string }{
	{"dam", "CNN (Opinion)", "", "The river dam burst after days of heavy rain flooded the valley villages downstream and engineers warned the reservoir wall had cracked."},
	{"dam", "www.foxnews.com", "", "Engineers warned the cracked reservoir wall of the river dam would burst, and it did after days of rain, flooding valley villages downstream."},
	{"dam", "", "https://www.nytimes.com/2024/05/02/world/dam.html", "Valley villages downstream were flooded when the river dam burst after heavy rain; engineers had warned that the reservoir wall cracked."},
	{"vaccine", "CNN", "", "Health officials approved the new malaria vaccine for children after trials in six countries showed it prevented most severe infections."},
	{"vaccine", "The New York Times", "", "Trials in six countries showed the new malaria vaccine prevented most severe infections in children, and health officials approved it."},
	{"rail", "Fox News", "", "Striking rail workers halted freight trains across the country as the union rejected the latest wage offer from the railway companies."},
	{"rail", "Breitbart News", "", "Freight trains across the country stopped as striking rail workers and their union rejected the railway companies' latest wage offer."},
	{"tariff", "foxnews.com", "", "The trade ministry announced steep tariffs on imported steel and aluminum, and exporters warned of retaliation against farm goods."},
	{"tariff", "Washington Examiner", "", "Exporters warned of retaliation against farm goods after the trade ministry announced steep tariffs on imported steel and aluminum."},
}

const outletsFile = "outlet,aliases,lean,country\n" +
	"New York Times,nytimes.com|The New York Times,left,US\n" +
	"CNN,CNN (Opinion)|cnn.com,left,US\n" +
	"Fox News,foxnews.com,right,US\n" +
	"Washington Examiner,washingtonexaminer.com,right,US\n" +
	"Reuters,reuters.com,center,UK\n"

// duckdbRows runs sql in DuckDB from dir and returns its rows as Python
// prints them, one a line.
func duckdbRows(t *testing.T, py, dir, sql string) string {
	t.Helper()
	cmd := exec.Command(py, "-c", "import duckdb, sys\nfor row in duckdb.sql(sys.stdin.read()).fetchall(): print(row)")
	cmd.Stdin, cmd.Dir = strings.NewReader(sql), dir
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s\n%s", err, sql, b)
	}
	return string(b)
}

// writeOutletsCorpus writes outletArticles and outletsFile into dir.
func writeOutletsCorpus(t *testing.T, dir string) (input, outlets string) {
	t.Helper()
	var jsonl strings.Builder
	for i, a := range outletArticles {
		row := map[string]string{
			"id": fmt.Sprintf("%s-%d", a.event, i), "title": a.text[:40], "text": a.text,
			"published": fmt.Sprintf("2024-05-02T%02d:00:00Z", 8+i%3),
		}
		if a.outlet != "" {
			row["outlet"] = a.outlet
		}
		if a.url != "" {
			row["url"] = a.url
		}
		b, _ := json.Marshal(row)
		jsonl.Write(append(b, '\n'))
	}
	input, outlets = filepath.Join(dir, "articles.jsonl"), filepath.Join(dir, "outlets.csv")
	if err := os.WriteFile(input, []byte(jsonl.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(outlets, []byte(outletsFile), 0o644); err != nil {
		t.Fatal(err)
	}
	return input, outlets
}

func TestOutletsAndGroups(t *testing.T) {
	py := python(t)
	dir := t.TempDir()
	input, outlets := writeOutletsCorpus(t, dir)
	out := filepath.Join(dir, "out")
	r := runBin(t, "", "run", "--quiet", "--outlets", outlets, "--group-by", "lean", "--out", out, input)
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	if !strings.Contains(r.stdout, "outlets file:         8 articles of listed outlets, 1 of 1 unlisted outlets, 0 without an outlet") ||
		!strings.Contains(r.stdout, "not listed: Breitbart News (1 articles)") {
		t.Errorf("summary:\n%s", r.stdout)
	}

	query := func(sql string) string { t.Helper(); return duckdbRows(t, py, out, sql) }
	// Every article's outlet, resolved.
	got := query(`SELECT split_part(article_id, '-', 1) AS event, outlet, count(*) FROM 'articles.parquet' GROUP BY ALL ORDER BY ALL`)
	want := "('dam', 'CNN', 1)\n('dam', 'Fox News', 1)\n('dam', 'New York Times', 1)\n" +
		"('rail', 'Breitbart News', 1)\n('rail', 'Fox News', 1)\n" +
		"('tariff', 'Fox News', 1)\n('tariff', 'Washington Examiner', 1)\n" +
		"('vaccine', 'CNN', 1)\n('vaccine', 'New York Times', 1)\n"
	if got != want {
		t.Errorf("articles' outlets:\n%s\nwant\n%s", got, want)
	}
	// Each story of one event, its outlets with their attributes.
	got = query(`SELECT count(DISTINCT story_id) FROM 'articles.parquet'`)
	if got != "(4,)\n" {
		t.Fatalf("stories: %s, want the four events apart", got)
	}
	got = query(`SELECT DISTINCT o.outlet, o.lean, o.country FROM 'story_outlets.parquet' o ORDER BY ALL`)
	want = "('Breitbart News', None, None)\n('CNN', 'left', 'US')\n('Fox News', 'right', 'US')\n('New York Times', 'left', 'US')\n('Washington Examiner', 'right', 'US')\n"
	if got != want {
		t.Errorf("story_outlets' attributes:\n%s\nwant\n%s", got, want)
	}
	// The groups of each story, named by its event.
	got = query(`SELECT e.event, g."group", g.n_outlets, g.n_articles, g.only_group
		FROM 'story_groups.parquet' g
		JOIN (SELECT DISTINCT story_id, split_part(article_id, '-', 1) AS event FROM 'articles.parquet') e USING (story_id)
		ORDER BY e.event, g."group" NULLS LAST`)
	want = "('dam', 'left', 2, 2, False)\n('dam', 'right', 1, 1, False)\n" +
		"('rail', 'right', 1, 1, False)\n('rail', None, 1, 1, False)\n" +
		"('tariff', 'right', 2, 2, True)\n" +
		"('vaccine', 'left', 2, 2, True)\n"
	if got != want {
		t.Errorf("story_groups:\n%s\nwant\n%s", got, want)
	}
	// The outlets table: the file's outlets in its order, then the rest.
	got = query(`SELECT outlet, listed, lean, input_names, n_articles, n_stories FROM 'outlets.parquet'`)
	want = "('New York Times', True, 'left', ['The New York Times', 'nytimes.com'], 2, 2)\n" +
		"('CNN', True, 'left', ['CNN', 'CNN (Opinion)'], 2, 2)\n" +
		"('Fox News', True, 'right', ['Fox News', 'foxnews.com'], 3, 3)\n" +
		"('Washington Examiner', True, 'right', ['Washington Examiner'], 1, 1)\n" +
		"('Reuters', True, 'center', [], 0, 0)\n" +
		"('Breitbart News', False, None, ['Breitbart News'], 1, 1)\n"
	if got != want {
		t.Errorf("outlets:\n%s\nwant\n%s", got, want)
	}
	var m struct {
		Counts  struct{ Clustered int }
		Outlets struct {
			Listed   int `json:"listed_articles"`
			Unlisted int `json:"unlisted_articles"`
			NoOutlet int `json:"no_outlet_articles"`
		}
	}
	b, err := os.ReadFile(filepath.Join(out, "_manifest.json"))
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	if err != nil || m.Outlets.Listed+m.Outlets.Unlisted+m.Outlets.NoOutlet != m.Counts.Clustered {
		t.Errorf("manifest's outlet counts %+v do not add up to %d clustered (%v)", m.Outlets, m.Counts.Clustered, err)
	}
}

func TestOutletsFileErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	dup := write("dup.csv", "outlet,aliases\nCNN,cnn.com\nCNN International,edition.cnn.com\n")
	clash := write("clash.csv", "outlet,n_articles\nCNN,3\n")
	good := write("good.csv", "outlet,lean\nCNN,left\n")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--outlets", dup}, dup + ":3: \"edition.cnn.com\" is the domain cnn.com, which already names \"CNN\" (line 2)"},
		{[]string{"--outlets", clash}, clash + ":1: column \"n_articles\": story_outlets or outlets has a column of that name"},
		{[]string{"--outlets", good, "--group-by", "country"}, "group by \"country\": " + good + " has no such column (its attributes: lean)"},
		{[]string{"--group-by", "lean"}, "needs --outlets"},
	} {
		args := append([]string{"run", "--quiet", "--out", filepath.Join(dir, "out")}, c.args...)
		r := runBin(t, "", args...)
		if r.code == 0 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want an error with %q", c.args, r.code, r.stderr, c.want)
		}
	}
}

// TestMinZ runs the embedded sample at two thresholds: every term listed
// reaches its threshold, some do at the default, and a higher one lists
// fewer.
func TestMinZ(t *testing.T) {
	py := python(t)
	dir := t.TempDir()
	count := func(minZ string) (listed, below int) {
		t.Helper()
		out := filepath.Join(dir, "z"+minZ)
		if r := runBin(t, "", "run", "--quiet", "--min-z", minZ, "--out", out); r.code != 0 {
			t.Fatal(r.stderr)
		}
		sql := `SELECT count(*), count(*) FILTER (WHERE z < ` + minZ + `) FROM (SELECT unnest(scores) AS z FROM 'story_outlets.parquet')`
		cmd := exec.Command(py, "-c", "import duckdb, sys\nprint(*duckdb.sql(sys.stdin.read()).fetchall()[0])")
		cmd.Stdin, cmd.Dir = strings.NewReader(sql), out
		b, err := cmd.CombinedOutput()
		if err == nil {
			_, err = fmt.Sscan(string(b), &listed, &below)
		}
		if err != nil {
			t.Fatalf("%v: %s", err, b)
		}
		return listed, below
	}
	atDefault, below := count("1.96")
	if atDefault == 0 || below != 0 {
		t.Errorf("--min-z 1.96: %d terms listed, %d of them below it", atDefault, below)
	}
	higher, below := count("3")
	if higher >= atDefault || below != 0 {
		t.Errorf("--min-z 3: %d terms listed (%d at 1.96), %d of them below 3", higher, atDefault, below)
	}
}

// framingCheck is an independent computation of the framing table in
// Python, from the input file, the outlets file and the stories of
// articles.parquet: counts by splitting on spaces (titles twice), and the
// pooled log-odds of cluster.Pooled written out from its formula. It
// prints the terms at z >= 1.96 it finds, with their z, as JSON, and
// checks them against framing.parquet. Phrases are every two adjacent
// words (the corpus has no stop word and no punctuation), kept when used
// three times or more.
const framingCheck = `
import collections, csv, json, math, sys
import duckdb
rows = [json.loads(l) for l in open(sys.argv[1])]
lean = {r["outlet"]: r["lean"] for r in csv.DictReader(open(sys.argv[2]))}
story = dict(duckdb.sql("SELECT article_id, story_id FROM 'out/articles.parquet'").fetchall())
def pairs(words):
    return [a + " " + b for a, b in zip(words, words[1:])]
def counts(r):
    c = collections.Counter(r["text"].split())
    c.update(pairs(r["text"].split()))
    for w in r["title"].split() + pairs(r["title"].split()):
        c[w] += 2
    return c
bg = collections.Counter()
by_story = collections.defaultdict(lambda: collections.defaultdict(collections.Counter))
for r in rows:
    c = counts(r)
    bg.update(c)
    if lean.get(r["outlet"]):
        by_story[story[r["id"]]][lean[r["outlet"]]].update(c)
# Phrases used fewer than three times take no part.
for w in [w for w in bg if " " in w and bg[w] < 3]:
    del bg[w]
    for groups in by_story.values():
        for c in groups.values():
            c.pop(w, None)
total = sum(bg.values())
pooled = collections.defaultdict(lambda: [0.0, 0.0])
for groups in by_story.values():
    if len(groups) < 2:
        continue
    terms = set().union(*groups.values())
    for g, own in groups.items():
        n = sum(own.values())
        rest = sum(sum(c.values()) for h, c in groups.items() if h != g)
        for w in terms:
            a = 1000 * bg[w] / total
            y = own[w]
            yr = sum(c[w] for h, c in groups.items() if h != g)
            d = math.log((y + a) / (n + 1000 - y - a)) - math.log((yr + a) / (rest + 1000 - yr - a))
            wt = 1 / (1 / (y + a) + 1 / (yr + a))
            pooled[(g, w)][0] += wt
            pooled[(g, w)][1] += wt * d
want = {k: s / math.sqrt(wsum) for k, (wsum, s) in pooled.items() if s / math.sqrt(wsum) >= 1.96}
got = {(g, t): z for g, t, z in duckdb.sql("SELECT \"group\", term, z FROM 'out/framing.parquet'").fetchall()}
if set(got) != set(want):
    sys.exit("terms differ: only in framing.parquet %s, only computed %s" % (sorted(set(got) - set(want)), sorted(set(want) - set(got))))
for k, z in want.items():
    if abs(got[k] - z) > 1e-9 * max(1, abs(z)):
        sys.exit("z of %s: framing.parquet %r, computed %r" % (k, got[k], z))
print(json.dumps(sorted([g, w, round(z, 3)] for (g, w), z in want.items())))
`

// TestFramingPlanted plants framing in a corpus: in the six stories both
// sides told, the right's articles say "regime" and "illegal aliens" where
// the left's say "administration" and "undocumented immigrants"; two more stories only the left told, in words of their
// own, which a comparison across the whole corpus would take for the
// left's. The framing table must find the planted terms and none of the
// left-only stories' words, and agree with an independent computation.
func TestFramingPlanted(t *testing.T) {
	py := python(t)
	dir := t.TempDir()
	topics := [][]string{
		{"river", "flood", "bridge", "storm", "harbor", "tunnel"},
		{"court", "judge", "ruling", "trial", "verdict", "appeal"},
		{"vaccine", "doctor", "clinic", "dose", "patient", "nurse"},
		{"school", "teacher", "pupil", "exam", "classroom", "campus"},
		{"strike", "union", "factory", "wage", "worker", "shift"},
		{"volcano", "island", "lava", "ash", "crater", "eruption"},
		{"museum", "painting", "gallery", "sculpture", "curator", "exhibit"}, // left only
		{"orchestra", "festival", "concert", "violin", "conductor", "opera"}, // left only
	}
	common := []string{"city", "official", "statement", "government", "region", "plan"}
	rng := rand.New(rand.NewPCG(5, 8))
	var jsonl strings.Builder
	n := 0
	for s, words := range topics {
		outlets := []string{"Left One", "Left Two", "Right One", "Right Two", "Unrated"}
		if s >= 6 {
			outlets = []string{"Left One", "Left Two"}
		}
		for _, o := range outlets {
			var text []string
			for range 40 {
				if rng.IntN(3) == 0 {
					text = append(text, common[rng.IntN(len(common))])
				} else {
					text = append(text, words[rng.IntN(len(words))])
				}
			}
			switch {
			case s < 6 && strings.HasPrefix(o, "Right"):
				text = append(text, "regime", "regime", "regime")
			case s < 6 && strings.HasPrefix(o, "Left"):
				text = append(text, "administration", "administration", "administration")
			}
			rng.Shuffle(len(text), func(i, j int) { text[i], text[j] = text[j], text[i] })
			for range 3 {
				switch {
				case s < 6 && strings.HasPrefix(o, "Right"):
					text = append(text, "illegal", "aliens")
				case s < 6 && strings.HasPrefix(o, "Left"):
					text = append(text, "undocumented", "immigrants")
				}
			}
			b, _ := json.Marshal(map[string]string{
				"id": fmt.Sprintf("a%02d", n), "outlet": o, "language": "en", "title": words[0] + " " + words[1],
				"text": strings.Join(text, " "), "published": fmt.Sprintf("2024-0%d-10T%02d:00:00Z", 1+s, 6+n%5),
			})
			jsonl.Write(append(b, '\n'))
			n++
		}
	}
	input, outlets := filepath.Join(dir, "articles.jsonl"), filepath.Join(dir, "outlets.csv")
	if err := os.WriteFile(input, []byte(jsonl.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(outlets, []byte("outlet,lean\nLeft One,left\nLeft Two,left\nRight One,right\nRight Two,right\nUnrated,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runBin(t, "", "run", "--quiet", "--outlets", outlets, "--group-by", "lean", "--out", filepath.Join(dir, "out"), input); r.code != 0 {
		t.Fatal(r.stderr)
	}
	cmd := exec.Command(py, "-c", framingCheck, input, outlets)
	cmd.Dir = dir
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	var found [][]any
	if err := json.Unmarshal(b, &found); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	terms := map[string]string{}
	for _, f := range found {
		terms[f[1].(string)] = f[0].(string)
	}
	t.Logf("terms at z >= 1.96: %s", b)
	if terms["regime"] != "right" || terms["administration"] != "left" || terms["illegal aliens"] != "right" || terms["undocumented immigrants"] != "left" {
		t.Errorf("planted terms not found: %s", b)
	}
	for _, w := range append(topics[6], topics[7]...) {
		if g, ok := terms[w]; ok {
			t.Errorf("%q, a word of a story only the left told, listed for %s", w, g)
		}
	}
	// examples/side_terms.py answers the same question from the tables.
	example, _ := filepath.Abs("../../examples/side_terms.py")
	cmd = exec.Command(py, example, "out")
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(b), "right: regime (2.5)") || !strings.Contains(string(b), "6 stories covered by two or more values of lean") {
		t.Errorf("side_terms.py: %v\n%s", err, b)
	}
	// With an outlets file, story_outlets counts phrases too: at a lower
	// threshold (one outlet in a story of five is little evidence), each
	// side's outlets stress their own phrase and never the other's.
	if r := runBin(t, "", "run", "--quiet", "--min-z", "0.5", "--outlets", outlets, "--out", filepath.Join(dir, "low"), input); r.code != 0 {
		t.Fatal(r.stderr)
	}
	cmd = exec.Command(py, "-c", "import duckdb, sys\nfor row in duckdb.sql(sys.stdin.read()).fetchall(): print(*row)")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(`SELECT split_part(outlet, ' ', 1) AS side,
		count(*) FILTER (WHERE list_contains(distinctive_terms, 'illegal aliens')),
		count(*) FILTER (WHERE list_contains(distinctive_terms, 'undocumented immigrants'))
		FROM 'low/story_outlets.parquet' WHERE outlet <> 'Unrated' GROUP BY 1 ORDER BY 1`)
	b, err = cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	// Six stories, two outlets a side: most of each side's twelve rows.
	var left, right struct{ aliens, immigrants int }
	if _, err := fmt.Sscanf(string(b), "Left %d %d\nRight %d %d", &left.aliens, &left.immigrants, &right.aliens, &right.immigrants); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	if left.aliens != 0 || left.immigrants < 8 || right.immigrants != 0 || right.aliens < 8 {
		t.Errorf("phrases stressed in story_outlets: left %+v, right %+v", left, right)
	}
	r := runBin(t, "", "framing", filepath.Join(dir, "out"))
	if r.code != 0 || !strings.Contains(r.stdout, "right uses more than the others") || !strings.Contains(r.stdout, "regime") {
		t.Errorf("storyclust framing: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestReportGroupsInChromium opens the report of a grouped run in headless
// Chromium: groups side by side, articles linked, and the search and the
// outlet filter, set from the address, leave the matching stories only.
func TestReportGroupsInChromium(t *testing.T) {
	browser := chromium(t)
	dir := t.TempDir()
	input, outlets := writeOutletsCorpus(t, dir)
	out, report := filepath.Join(dir, "out"), filepath.Join(dir, "report.html")
	if r := runBin(t, "", "run", "--quiet", "--outlets", outlets, "--group-by", "lean", "--out", out, input); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := runBin(t, "", "report", out, "-o", report); r.code != 0 {
		t.Fatalf("report: %+v", r)
	}
	visible := func(hash string) []string {
		t.Helper()
		dom, _ := headless(t, browser, "--dump-dom", "file://"+report+hash)
		if !strings.Contains(dom, `data-ready="1"`) || strings.Contains(dom, "data-js-error") {
			t.Fatalf("%s: the page script did not run cleanly:\n%.500s", hash, dom)
		}
		// Each shown story, by words of its headlines (titles are the
		// texts' first 40 bytes).
		var shown []string
		for _, m := range regexp.MustCompile(`<section class="(story[^"]*)" id="s-[0-9a-f]+" data-search="([^"]*)"`).FindAllStringSubmatch(dom, -1) {
			if strings.Contains(m[1], "hidden") {
				continue
			}
			for event, words := range map[string]string{"dam": "river dam", "vaccine": "six countries", "rail": "striking rail", "tariff": "retaliation"} {
				if strings.Contains(m[2], words) {
					shown = append(shown, event)
				}
			}
		}
		slices.Sort(shown)
		return shown
	}
	if got := visible(""); strings.Join(got, " ") != "dam rail tariff vaccine" {
		t.Errorf("unfiltered: %v", got)
	}
	if got := visible("#q=health%20officials"); strings.Join(got, " ") != "vaccine" {
		t.Errorf("searching health officials: %v, want the vaccine story", got)
	}
	if got := visible("#outlet=Washington%20Examiner"); strings.Join(got, " ") != "tariff" {
		t.Errorf("filtering Washington Examiner: %v, want the tariff story", got)
	}
	dom, _ := headless(t, browser, "--dump-dom", "file://"+report)
	dam := regexp.MustCompile(`(?s)<section class="story" id="s-[0-9a-f]+" data-search="[^"]*river dam.*?</section>`).FindString(dom)
	// Every group in every story, in order, the outlets without a value
	// (Breitbart News) last: Reuters (center) told none of them.
	var groups []string
	for _, g := range regexp.MustCompile(`data-group="([^"]*)"`).FindAllStringSubmatch(dam, -1) {
		groups = append(groups, g[1])
	}
	if strings.Join(groups, ",") != "center,left,right," {
		t.Errorf("the dam story's groups: %q, want center, left, right and none", groups)
	}
	if !regexp.MustCompile(`(?s)data-group="left">.*"CNN".*"New York Times".*data-group="right">.*"Fox News"`).MatchString(dam) {
		t.Errorf("the dam story's outlets are not in their groups:\n%.3000s", dam)
	}
	if !strings.Contains(dam, `<a href="https://www.nytimes.com/2024/05/02/world/dam.html">`) || !strings.Contains(dam, "sim ") {
		t.Errorf("the dam story does not link its articles with their similarity:\n%.2000s", dam)
	}
}

// TestOutletsScheduled runs the outlets corpus as scheduled runs: the
// partitions of story_outlets carry the attributes and story_groups gives
// the one-off run's answers; a rerun changes nothing, and another outlets
// file is a change of parameters.
func TestOutletsScheduled(t *testing.T) {
	py := python(t)
	dir := t.TempDir()
	input, outlets := writeOutletsCorpus(t, dir)
	state, out := filepath.Join(dir, "state"), filepath.Join(dir, "daily")
	run := func(extra ...string) runResult {
		args := append([]string{"run", "--quiet", "--state", state, "--out", out, "--outlets", outlets, "--group-by", "lean"}, extra...)
		return runBin(t, "", append(args, input)...)
	}
	if r := run(); r.code != 0 {
		t.Fatal(r.stderr)
	}
	query := func(sql string) string { t.Helper(); return duckdbRows(t, py, out, sql) }
	groups := `SELECT e.event, g."group", g.n_outlets, g.n_articles, g.only_group
		FROM read_parquet('story_groups/**/*.parquet') g
		JOIN (SELECT DISTINCT story_id, split_part(article_id, '-', 1) AS event FROM read_parquet('articles/**/*.parquet')) e USING (story_id)
		ORDER BY e.event, g."group" NULLS LAST`
	want := "('dam', 'left', 2, 2, False)\n('dam', 'right', 1, 1, False)\n" +
		"('rail', 'right', 1, 1, False)\n('rail', None, 1, 1, False)\n" +
		"('tariff', 'right', 2, 2, True)\n" +
		"('vaccine', 'left', 2, 2, True)\n"
	if got := query(groups); got != want {
		t.Errorf("story_groups of a scheduled run:\n%s\nwant\n%s", got, want)
	}
	leans := `SELECT DISTINCT outlet, lean FROM read_parquet('story_outlets/**/*.parquet') ORDER BY ALL`
	wantLeans := "('Breitbart News', None)\n('CNN', 'left')\n('Fox News', 'right')\n('New York Times', 'left')\n('Washington Examiner', 'right')\n"
	if got := query(leans); got != wantLeans {
		t.Errorf("story_outlets' attributes in a scheduled run:\n%s", got)
	}
	// A rerun of the same input changes no row.
	if r := run(); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if got := query(groups); got != want {
		t.Errorf("story_groups after a rerun:\n%s", got)
	}
	if got := query(leans); got != wantLeans {
		t.Errorf("story_outlets' attributes after a rerun:\n%s", got)
	}
	// Another outlets file renames outlets: a change of parameters.
	if err := os.WriteFile(outlets, []byte(outletsFile+"Breitbart News,breitbart.com,right,US\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := run(); r.code == 0 || !strings.Contains(r.stderr, "--outlets sha256:") {
		t.Errorf("another outlets file: exit %d, %s", r.code, r.stderr)
	}
	if r := run("--change-parameters"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if got := query(`SELECT "group", only_group FROM read_parquet('story_groups/**/*.parquet') g JOIN (SELECT DISTINCT story_id FROM read_parquet('articles/**/*.parquet') WHERE article_id LIKE 'rail%') USING (story_id)`); got != "('right', True)\n" {
		t.Errorf("the rail story once Breitbart News is listed as right: %s", got)
	}
}
