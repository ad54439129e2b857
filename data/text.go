package data

import (
	"bytes"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// TextReader reads one plain-text article: the headline line first (site
// chrome such as a lone "All news" line is skipped), then the body. A wire
// dateline at the start of one of the first paragraphs gives the outlet and
// date; otherwise the outlet is Outlet (the name of the folder the file is
// in). A dateline date without a year takes it from a YYYY-MM-DD date in the
// file name, else Options.Year, else ModTime.
type TextReader struct {
	opts    Options // as given to the constructor
	File    string
	Outlet  string
	ModTime time.Time

	r    io.Reader
	done bool
}

// NewTextReader returns a reader of the one article in r.
func NewTextReader(r io.Reader, file, outlet string, modTime time.Time, opts Options) *TextReader {
	return &TextReader{opts: *opts.EnsureDefaults(), File: file, Outlet: outlet, ModTime: modTime, r: r}
}

// chromeLines are navigation lines that sites put above a headline.
var chromeLines = map[string]bool{
	"all news": true, "home": true, "news": true, "menu": true, "advertisement": true,
	"share": true, "skip to content": true, "skip to main content": true, "latest news": true,
	"top stories": true, "subscribe": true, "sign in": true, "log in": true, "print": true,
	"breaking news": true, "world": true, "politics": true, "business": true,
}

var fileNameDate = regexp.MustCompile(`(19|20)\d\d-[01]\d-[0-3]\d`)

// Mapping says where the fields of a text file come from.
func (t *TextReader) Mapping() []string {
	return []string{"title=first line", "text=the lines after it", "outlet=dateline or folder name", "published=dateline or file name"}
}

// Read returns the article, then io.EOF.
func (t *TextReader) Read() (Article, error) {
	if t.done {
		return Article{}, io.EOF
	}
	t.done = true
	max := t.opts.MaxArticleBytes
	b, err := io.ReadAll(io.LimitReader(t.r, int64(max)+1))
	if err != nil {
		return Article{}, fileError(t.File, 0, err)
	}
	if len(b) > max {
		return Article{}, newParseError(t.File, 1, b, "article exceeds %d bytes", max)
	}
	s, ok := repairUTF8(string(b))
	if !ok {
		return Article{}, newParseError(t.File, 1, b, "invalid UTF-8")
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(s, "\n")
	i, titleLine := 0, 0
	for ; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if l == "" || isChrome(l) {
			continue
		}
		titleLine = i + 1
		break
	}
	if titleLine == 0 {
		return Article{}, newParseError(t.File, 1, b, "no title or text")
	}
	a := Article{
		Title:      strings.Clone(collapseSpace(strings.TrimSpace(lines[i]))), // not a substring of the whole file
		Outlet:     t.Outlet,
		SourceFile: t.File,
		SourceLine: titleLine,
	}
	paras := paragraphs(lines[i+1:])
	fileTime, opts := t.ModTime, t.opts
	var nameDate time.Time
	if d := fileNameDate.FindString(filepath.Base(t.File)); d != "" {
		if tm, err := time.Parse("2006-01-02", d); err == nil {
			fileTime, opts.Year, nameDate = tm, 0, tm // the file's own date wins
		}
	}
	// The dateline opens the first paragraph of the story proper, which
	// may follow a standfirst.
	for k := 0; k < len(paras) && k < 3; k++ {
		tmp := Article{Text: paras[k]}
		splitDateline(&tmp, fileTime, &opts)
		if tmp.Dateline == "" {
			continue
		}
		paras[k] = tmp.Text
		a.Dateline, a.Published, a.DateNote = tmp.Dateline, tmp.Published, tmp.DateNote
		if tmp.Outlet != "" {
			a.Outlet = tmp.Outlet
		}
		break
	}
	a.Text = strings.Join(paras, "\n\n")
	if a.Published.IsZero() && !nameDate.IsZero() {
		a.Published, a.DateNote = nameDate, DateFromFileName
	}
	return a, nil
}

func isChrome(l string) bool {
	if chromeLines[strings.ToLower(l)] {
		return true
	}
	return strings.Count(l, "|") >= 2 || strings.Count(l, "›") >= 1 && len(strings.Fields(l)) < 8
}

// paragraphs joins wrapped lines into paragraphs separated by blank lines.
func paragraphs(lines []string) []string {
	var out []string
	var cur bytes.Buffer
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			flush()
			continue
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(l)
	}
	flush()
	return out
}
