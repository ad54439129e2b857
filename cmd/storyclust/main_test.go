package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/storyclust/storyclust/pipeline"
)

// bin is the storyclust binary built once for the tests that run it as a
// real process.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "storyclust-test")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "storyclust")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic("build storyclust: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type runResult struct {
	stdout, stderr string
	code           int
}

func runBin(t *testing.T, stdin string, args ...string) runResult {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Stdin = strings.NewReader(stdin)
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return runResult{out.String(), errb.String(), code}
}

func TestHelp(t *testing.T) {
	r := runBin(t, "", "--help")
	if r.code != 0 || !strings.Contains(r.stdout, "storyclust run") || !strings.Contains(r.stdout, "storyclust eval") {
		t.Errorf("--help: code %d, stdout %q", r.code, r.stdout)
	}
	r = runBin(t, "", "run", "--help")
	if r.code != 0 {
		t.Errorf("run --help exit code %d", r.code)
	}
	for _, flag := range []string{"-out", "-format", "-threshold", "-window", "-title-weight", "-field", "-year", "-strict", "-max-article-bytes", "-workers", "-quiet", "-state", "-outlets", "-group-by", "-group-min-outlets"} {
		if !strings.Contains(r.stderr, flag) {
			t.Errorf("run --help does not explain %s", flag)
		}
	}
	r = runBin(t, "", "version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "storyclust ") {
		t.Errorf("version: %+v", r)
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.jsonl")
	os.WriteFile(file, []byte(`{"title":"x"}`+"\n"), 0o644)
	unmapped := filepath.Join(dir, "abc.csv")
	os.WriteFile(unmapped, []byte("when,words\n20030219,aba decides\n"), 0o644)
	tests := []struct {
		name    string
		args    []string
		code    int
		message string
	}{
		{"no command", nil, 2, "Usage"},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"bad flag", []string{"run", "--nope"}, 2, "flag provided but not defined"},
		{"missing input", []string{"run", "--out", filepath.Join(dir, "o"), filepath.Join(dir, "missing.jsonl")}, 2, "missing.jsonl"},
		{"output is a file", []string{"run", "--out", file, file}, 2, "cannot write output"},
		{"bad format", []string{"run", "--format", "xml", "--out", filepath.Join(dir, "o2"), file}, 2, `format "xml"`},
		{"bad memory limit", []string{"run", "--memory-limit", "lots", "--out", filepath.Join(dir, "o3"), file}, 2, `memory limit "lots"`},
		{"bad date order", []string{"run", "--date-order", "ydm", "--out", filepath.Join(dir, "o4"), file}, 2, `date order "ydm": want dmy or mdy`},
		{"bad delimiter", []string{"run", "--delimiter", ";;", "--out", filepath.Join(dir, "o5"), file}, 2, `delimiter ";;"`},
		{"nothing clustered", []string{"run", "--quiet", "--out", filepath.Join(dir, "o6"), unmapped}, 1, "no article could be clustered: 1 read, 1 rejected; the rejects table in"},
		{"profile not writable", []string{"run", "--quiet", "--cpuprofile", "/no/dir/x", "--out", filepath.Join(dir, "o7"), file}, 2, "storyclust: --cpuprofile: open /no/dir/x: no such file or directory\nRun 'storyclust --help'"},
		{"report not writable", []string{"report", filepath.Join(dir, "o6"), "-o", "/no/dir/x.html"}, 2, "storyclust: -o /no/dir/x.html: "},
		{"compare with a file", []string{"compare", filepath.Join(dir, "o6"), file}, 1, "a.jsonl: not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runBin(t, "", tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.message) {
				t.Errorf("code %d, stderr %q; want code %d mentioning %q", r.code, r.stderr, tt.code, tt.message)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "o")); err == nil {
		t.Error("a run with a missing input created its output directory")
	}
}

func TestRunSample(t *testing.T) {
	out := t.TempDir()
	r := runBin(t, "", "run", "--out", out)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"wrote " + out, "articles read:", "cross-outlet stories:", "rejects:", "stories with the most outlets:"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, r.stdout)
		}
	}
	// Progress goes to stderr as plain lines when it is not a terminal.
	if !strings.Contains(r.stderr, "read: done") || strings.Contains(r.stderr, "\r") {
		t.Errorf("stderr = %q, want plain progress lines", r.stderr)
	}
	var m pipeline.Manifest
	b, err := os.ReadFile(filepath.Join(out, "_manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if !m.Parameters.Sample || m.Counts.Read < 2000 || m.Counts.CrossOutletStories < 10 {
		t.Errorf("manifest counts = %+v", m.Counts)
	}
	top := regexp.MustCompile(`(?m)^\s+(\d+) outlets`).FindAllStringSubmatch(r.stdout, -1)
	if len(top) != 5 {
		t.Errorf("summary lists %d top stories, want 5", len(top))
	}
	// A memory limit makes the collector work harder, and changes no byte
	// of the output.
	limited := t.TempDir()
	rq := runBin(t, "", "run", "--quiet", "--memory-limit", "64MiB", "--out", limited)
	if rq.code != 0 || rq.stderr != "" {
		t.Errorf("--quiet: code %d, stderr %q", rq.code, rq.stderr)
	}
	for _, table := range []string{"articles", "stories", "story_outlets"} {
		a, errA := os.ReadFile(filepath.Join(out, table+".parquet"))
		b, errB := os.ReadFile(filepath.Join(limited, table+".parquet"))
		if errA != nil || errB != nil || !bytes.Equal(a, b) {
			t.Errorf("%s.parquet differs with --memory-limit (%v, %v)", table, errA, errB)
		}
	}
}

func TestRunStdin(t *testing.T) {
	out := t.TempDir()
	in := `{"id":"a","title":"Volcano erupts in Iceland","outlet":"A"}
{"id":"b","title":"Iceland volcano erupts again","outlet":"B"}
{"id":"c","title":"Bank raises interest rates","outlet":"C"}
`
	r := runBin(t, in, "run", "--quiet", "--out", out, "-")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "articles read:        3") || !strings.Contains(r.stdout, "cross-outlet stories: 1") {
		t.Errorf("summary:\n%s", r.stdout)
	}
}

// python returns the Python interpreter with pandas, pyarrow and duckdb,
// or skips the test (fails it under CI, where they must be installed).
func python(t *testing.T) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err == nil {
		err = exec.Command(py, "-c", "import pandas, pyarrow, duckdb").Run()
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("python3 with pandas, pyarrow and duckdb is required: %v", err)
		}
		t.Skipf("python3 with pandas, pyarrow and duckdb not available: %v", err)
	}
	return py
}

// TestOutputsInPandasAndDuckDB opens every output table in real pandas
// (pyarrow) and real DuckDB and checks the column types.
func TestOutputsInPandasAndDuckDB(t *testing.T) {
	py := python(t)
	for _, input := range []string{"", "../../pipeline/testdata/input"} {
		out := t.TempDir()
		args := []string{"run", "--quiet", "--year", "2024", "--out", out}
		if input != "" {
			args = append(args, input)
		}
		if r := runBin(t, "", args...); r.code != 0 {
			t.Fatalf("run %v: %s", args, r.stderr)
		}
		cmd := exec.Command(py, "testdata/check_types.py", out)
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("input %q: %v\n%s", input, err, b)
		}
	}
}

// TestReadmeSnippets runs the pandas and DuckDB snippets of README.md on the
// output of the embedded sample, as a reader of the README would.
func TestReadmeSnippets(t *testing.T) {
	py := python(t)
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if r := runBin(t, "", "run", "--quiet", "--out", filepath.Join(dir, "out")); r.code != 0 {
		t.Fatal(r.stderr)
	}
	// The outlets snippet reads grouped/.
	outlets, _ := filepath.Abs("../../examples/outlets.csv")
	if r := runBin(t, "", "run", "--quiet", "--outlets", outlets, "--group-by", "country", "--out", filepath.Join(dir, "grouped")); r.code != 0 {
		t.Fatal(r.stderr)
	}
	// The scheduled-runs snippets read daily/, written by two runs.
	for range 2 {
		if r := runBin(t, "", "run", "--quiet", "--state", filepath.Join(dir, "state"), "--out", filepath.Join(dir, "daily")); r.code != 0 {
			t.Fatal(r.stderr)
		}
	}
	blocks := regexp.MustCompile("(?s)```(python|sql)\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	pkg, _ := filepath.Abs("../python")
	var ran int
	for _, b := range blocks {
		var cmd *exec.Cmd
		switch b[1] {
		case "python":
			cmd = exec.Command(py, "-c", b[2])
		case "sql":
			cmd = exec.Command(py, "-c", "import duckdb, sys; print(duckdb.sql(sys.stdin.read()))")
			cmd.Stdin = strings.NewReader(b[2])
		}
		cmd.Dir = dir
		// The Python package's snippet runs the module from the source
		// tree, with the binary under test.
		cmd.Env = append(os.Environ(), "PYTHONPATH="+pkg, "STORYCLUST_BINARY="+bin)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("README %s snippet failed: %v\n%s\n%s", b[1], err, b[2], out)
		}
		ran++
	}
	if ran < 4 {
		t.Errorf("README has %d python/sql snippets, want a pandas one and a DuckDB one for one-off and for scheduled runs", ran)
	}
}

// TestExamples runs the scripts in examples/ on a real run, as a reader of
// the README would: the pandas one from the command line, the SQL one in
// DuckDB, both from the folder that holds out/.
func TestExamples(t *testing.T) {
	py := python(t)
	dir := t.TempDir()
	if r := runBin(t, "", "run", "--quiet", "--year", "2024", "--out", filepath.Join(dir, "out"), "../../pipeline/testdata/input"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	examples, _ := filepath.Abs("../../examples")

	cmd := exec.Command(py, filepath.Join(examples, "first_outlet.py"))
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	// The volcano story: AP and Reuters filed on the same (dateline) day.
	if err != nil || !strings.Contains(string(out), "tie: Associated Press, Reuters") || !strings.Contains(string(out), "Volcano") {
		t.Errorf("first_outlet.py: %v\n%s", err, out)
	}

	sql, err := os.ReadFile(filepath.Join(examples, "stressed_terms.sql"))
	if err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command(py, "-c", "import duckdb, sys\nfor row in duckdb.sql(sys.stdin.read()).fetchall(): print(row)")
	cmd.Stdin = bytes.NewReader(sql)
	cmd.Dir = dir
	out, err = cmd.CombinedOutput()
	// The story with the most outlets is the volcano, six outlets.
	if err != nil || strings.Count(string(out), "\n") != 6 || !strings.Contains(string(out), "'spiegel.de'") {
		t.Errorf("stressed_terms.sql: %v\n%s", err, out)
	}
}

// chromium returns the headless browser, or skips the test (fails it under
// CI, where .ci/run installs it).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is required (Debian package chromium)")
	}
	t.Skip("chromium not installed (Debian package chromium)")
	return ""
}

func headless(t *testing.T, browser string, args ...string) (stdout, stderr string) {
	t.Helper()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
		"--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0"}
	cmd := exec.Command(browser, append(base, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, errb.String())
	}
	return out.String(), errb.String()
}

// TestReportInChromium opens the HTML report in headless Chromium: the page
// runs its script without errors and shows the expected stories, outlets,
// lags and wire-copy marks; a screenshot is kept for a person to look at
// (in $STORYCLUST_SCREENSHOTS when set).
func TestReportInChromium(t *testing.T) {
	browser := chromium(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	if r := runBin(t, "", "run", "--quiet", "--year", "2024", "--out", out, "../../pipeline/testdata/input"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	report := filepath.Join(dir, "report.html")
	if r := runBin(t, "", "report", out, "-o", report); r.code != 0 || !strings.Contains(r.stdout, "wrote") {
		t.Fatalf("report: %+v", r)
	}
	page, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	// Links to the articles are not assets; scripts, styles and images are.
	if regexp.MustCompile(`(?i)(src="(https?:)?//|<link[^>]+href="(https?:)?//|url\((https?:)?//|@import)`).Match(page) {
		t.Error("the report refers to external assets")
	}
	dom, logs := headless(t, browser, "--dump-dom", "file://"+report)
	if !strings.Contains(dom, `data-ready="1"`) || strings.Contains(dom, "data-js-error") {
		t.Errorf("the page script did not run cleanly:\n%.500s", dom)
	}
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, "CONSOLE") || strings.Contains(line, "Uncaught") {
			t.Errorf("console: %s", line)
		}
	}
	for _, want := range []string{
		"Volcano erupts again in Iceland, lava flows into Grindavik", // the story with the most outlets
		"spiegel.de", "theguardian.com", "+13h", // an outlet and its lag
		"wire copy ×1", // Yahoo News republished the Reuters Airbus story
		"4 stories covered by more than one outlet",
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("the page does not show %q", want)
		}
	}
	// Sorting runs in the browser: by articles, ascending, the smallest
	// cross-outlet story (Airbus, 2 articles) comes first, the volcano last.
	sorted, _ := headless(t, browser, "--dump-dom", "file://"+report+"#sort=articles:asc")
	rows := regexp.MustCompile(`<tr [^>]*data-label="([^"]*)"`).FindAllStringSubmatch(sorted, -1)
	if len(rows) != 4 || !strings.HasPrefix(rows[0][1], "Airbus") || !strings.HasPrefix(rows[3][1], "Volcano") {
		t.Errorf("sorted by articles: %v", rows)
	}
	shots := os.Getenv("STORYCLUST_SCREENSHOTS")
	if shots == "" {
		shots = dir
	}
	shot := filepath.Join(shots, "report.png")
	headless(t, browser, "--window-size=1280,1600", "--screenshot="+shot, "file://"+report)
	b, err := os.ReadFile(shot)
	if err != nil || len(b) < 10_000 || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Fatalf("screenshot %s: %d bytes, %v", shot, len(b), err)
	}
	t.Logf("screenshot: %s", shot)
}

// TestReportStorylinesInChromium opens the report of a storyline that runs
// for months: its stories are marks on one timeline, each a link to its
// story's section, which links back.
func TestReportStorylinesInChromium(t *testing.T) {
	browser := chromium(t)
	dir := t.TempDir()
	out, report := filepath.Join(dir, "out"), filepath.Join(dir, "report.html")
	if r := runBin(t, "", "run", "--quiet", "--out", out, "../../pipeline/testdata/storylines.jsonl"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := runBin(t, "", "report", out, "-o", report); r.code != 0 {
		t.Fatalf("report: %+v", r)
	}
	dom, _ := headless(t, browser, "--dump-dom", "file://"+report)
	if !strings.Contains(dom, `data-ready="1"`) || strings.Contains(dom, "data-js-error") {
		t.Errorf("the page script did not run cleanly:\n%.500s", dom)
	}
	lines := regexp.MustCompile(`(?s)<section class="storyline" id="(l-[0-9a-f]+)" data-stories="(\d+)">(.*?)</section>`).FindAllStringSubmatch(dom, -1)
	if len(lines) != 2 {
		t.Fatalf("%d storylines shown, want 2 (the crash and the final)", len(lines))
	}
	crash := lines[0]
	if crash[2] != "3" || !strings.Contains(crash[3], "Ethiopian Airlines Boeing 737 Max crashes") {
		t.Errorf("first storyline: %s stories, %.200s; want the crash's 3", crash[2], crash[3])
	}
	links := regexp.MustCompile(`<a href="#(s-[0-9a-f]+)"><circle class="story"`).FindAllStringSubmatch(crash[3], -1)
	if len(links) != 3 {
		t.Errorf("the crash's timeline links %d stories, want 3", len(links))
	}
	for _, l := range links {
		section := regexp.MustCompile(`(?s)<section class="story" id="` + l[1] + `"[^>]*>.*?</p>`).FindString(dom)
		if !strings.Contains(section, `part of the storyline <a href="#`+crash[1]+`">`) {
			t.Errorf("story %s: its section does not link back to storyline %s: %.300s", l[1], crash[1], section)
		}
	}
}

func TestEval(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "labelled.jsonl")
	os.WriteFile(file, []byte(`{"id":"a","title":"Volcano erupts near Grindavik in Iceland","outlet":"A","event":"volcano"}
{"id":"b","title":"Iceland volcano erupts again near Grindavik","outlet":"B","event":"volcano"}
{"id":"c","title":"Bank of England holds interest rates","outlet":"C","event":"bank"}
{"id":"d","title":"Interest rates held by the Bank of England","outlet":"D","event":"bank"}
{"id":"e","title":broken,"event":"lost"}
`), 0o644)
	r := runBin(t, "", "eval", "--json", file)
	if r.code != 0 {
		t.Fatalf("eval: %+v", r)
	}
	var res []struct {
		File       string  `json:"file"`
		BCubedF1   float64 `json:"b_cubed_f1"`
		GoldGroups int     `json:"gold_groups"`
		PredGroups int     `json:"pred_groups"`
		Rejected   int     `json:"rejected"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatal(err, r.stdout)
	}
	// The broken row has no id the scorer can read: four articles, two stories.
	if len(res) != 1 || res[0].BCubedF1 != 1 || res[0].GoldGroups != 2 || res[0].PredGroups != 2 || res[0].Rejected != 1 {
		t.Errorf("eval = %+v", res)
	}
	out := filepath.Join(dir, "out")
	if r := runBin(t, "", "run", "--quiet", "--threshold", "50", "--out", out, file); r.code != 0 {
		t.Fatal(r.stderr)
	}
	r = runBin(t, "", "eval", "--pred", out, file)
	// With a threshold no pair reaches, every article is its own story:
	// recall 0.5.
	if r.code != 0 || !regexp.MustCompile(`labelled.jsonl\s+4\s+2\s+4\s+1.000\s+0.500\s+0.667`).MatchString(r.stdout) {
		t.Errorf("eval --pred:\n%s%s", r.stdout, r.stderr)
	}
}
