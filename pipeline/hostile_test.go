package pipeline

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

// hostile is one bad input: files to write, and what the run must make of
// them.
type hostile struct {
	name    string
	files   map[string][]byte // path under the input folder -> content
	setup   func(t *testing.T, dir string)
	read    int      // rows read, -1 to skip the check
	reasons []string // a substring of each reject's "line: reason", in order
	wantErr error    // the run stops with this error instead
}

func gz(b []byte, cut bool) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	if cut {
		return buf.Bytes()[:buf.Len()*2/3]
	}
	return buf.Bytes()
}

func jsonlRows(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "{\"id\":\"r%d\",\"title\":\"Headline number %d about event %d\",\"outlet\":\"O%d\",\"published\":\"2024-01-0%dT10:00:00Z\"}\n", i, i*7919%10007, i%5, i%3, 1+i%9)
	}
	return b.Bytes()
}

func utf16le(s string) []byte {
	b := []byte{0xFF, 0xFE}
	for _, r := range utf16.Encode([]rune(s)) {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

func hostileCases() []hostile {
	big := bytes.Repeat([]byte("lava "), 10<<20) // 50 MiB
	return []hostile{
		{name: "truncated gzip", files: map[string][]byte{"cut.jsonl.gz": gz(jsonlRows(3000), true)}, read: -1, reasons: []string{"read: unexpected EOF"}},
		{name: "gzip cut after its header", files: map[string][]byte{"cut.jsonl.gz": gz(jsonlRows(3000), false)[:24]}, read: 1, reasons: []string{"0: read: unexpected EOF"}},
		{name: "byte order marks of files joined end to end", files: map[string][]byte{"joined.jsonl": []byte("\ufeff{\"title\":\"A\"}\n\ufeff{\"title\":\"B\"}\n")}, read: 2},
		{name: "invalid and mixed UTF-8", files: map[string][]byte{"u.jsonl": []byte(
			"{\"title\":\"\xff\xfe\xfa\xfb\xfc\xfd\"}\n" + // binary: rejected
				"{\"title\":\"Caf\xe9 owners protest new rules in the old town\"}\n" + // one stray Latin-1 byte: repaired
				"{\"title\":\"Über die Brücke\"}\n")}, // UTF-8: the file is UTF-8
			read: 3, reasons: []string{"1: invalid UTF-8"}},
		{name: "Windows-1252 JSONL", files: map[string][]byte{"cp1252.jsonl": []byte(
			"{\"title\":\"Caf\xe9 owners protest\",\"text\":\"Prices rose 5 \x80.\"}\n")}, read: 1},
		{name: "UTF-8 BOM CSV", files: map[string][]byte{"bom.csv": append([]byte{0xEF, 0xBB, 0xBF}, "title,text\nA,b\n"...)}, read: 1},
		{name: "UTF-16 JSONL", files: map[string][]byte{"u16.jsonl": utf16le("{\"title\":\"Über\"}\r\n{\"title\":\"Ça va\"}\r\n")}, read: 2},
		{name: "CRLF CSV", files: map[string][]byte{"crlf.csv": []byte("title,text\r\nA,b\r\n\"C\r\nD\",e\r\n")}, read: 2},
		{name: "nested and wrong-typed JSON", files: map[string][]byte{"n.jsonl": []byte(
			"{\"title\":{\"en\":\"x\"}}\n{\"title\":42,\"text\":[\"a\",\"b\"]}\n{\"title\":\"ok\",\"published\":{\"$date\":1}}\n{\"title\":\"t\",\"text\":[1,{\"a\":2}]}\n")},
			read: 4, reasons: []string{`1: no title or text: no key maps to them among title.en`, `4: field "text": want a string, got an array`}},
		{name: "JSON array instead of JSONL", files: map[string][]byte{"arr.json": []byte(`[{"title":"A"},{"title":"B"},{"nope":1}]`)}, read: 3, reasons: []string{"1: no title or text"}},
		{name: "CSV embedded newlines and ragged rows", files: map[string][]byte{"r.csv": []byte("title,text,outlet\n\"Multi\nline\",\"body\nmore\",X\nshort,row\n\"bad \"quote\",x,y\nlast,one,Z\n")},
			read: 4, reasons: []string{"5: wrong number of fields: 2, header has 3", "6: bad CSV: "}},
		{name: "missing columns", files: map[string][]byte{"m.csv": []byte("foo,bar\n1,2\n"), "ok.jsonl": []byte(`{"title":"A"}`)}, read: 2, reasons: []string{"1: header has no title or text column"}},
		{name: "duplicate ids with different text", files: map[string][]byte{"d.jsonl": []byte("{\"id\":\"1\",\"title\":\"A\",\"text\":\"one\"}\n{\"id\":\"1\",\"title\":\"A\",\"text\":\"two\"}\n")}, read: 2},
		{name: "50 MB single article", files: map[string][]byte{
			"big.jsonl":     append(append([]byte(`{"title":"Big","text":"`), big...), "\"}\n{\"title\":\"small\"}\n"...),
			"big/story.txt": append([]byte("Big story\n\n"), big...),
			"big.csv":       append(append([]byte("title,text\nsmall,x\nBig,"), big...), "\nafter,x\n"...),
		}, read: 6, reasons: []string{"1: article exceeds 16777216 bytes", "3: bad CSV: row exceeds 16777216 bytes; line 3 rejected, reading on from line 4", "1: row exceeds 16777216 bytes"}},
		{name: "1-byte files", files: map[string][]byte{"one.jsonl": []byte("{"), "one.txt": []byte("x"), "one.csv": []byte("x")}, read: 3,
			reasons: []string{"1: header has no title or text column", "1: bad JSON"}},
		{name: "dates in 1970 and 2100", files: map[string][]byte{"d.jsonl": []byte("{\"title\":\"Moon\",\"published\":\"1970-01-01T00:00:00Z\"}\n{\"title\":\"Mars\",\"published\":\"2100-12-31\"}\n{\"title\":\"Epoch\",\"published\":0}\n")}, read: 3},
		{name: "empty directory", setup: func(t *testing.T, dir string) {}, wantErr: ErrInput},
		{name: "symlink loop", files: map[string][]byte{"ok.jsonl": []byte(`{"title":"A"}`)}, setup: func(t *testing.T, dir string) {
			must(t, os.Symlink("b.jsonl", filepath.Join(dir, "a.jsonl")))
			must(t, os.Symlink("a.jsonl", filepath.Join(dir, "b.jsonl")))
			must(t, os.Symlink(".", filepath.Join(dir, "self")))
		}, read: 3, reasons: []string{"0: read: stat", "0: read: stat"}},
		// (self -> . is a link to a folder: not followed, listed as skipped)
		{name: "unreadable file", files: map[string][]byte{"ok.jsonl": []byte(`{"title":"A"}`), "secret.jsonl": []byte(`{"title":"B"}`)}, setup: func(t *testing.T, dir string) {
			if os.Geteuid() == 0 {
				t.Skip("permissions do not bind root")
			}
			must(t, os.Chmod(filepath.Join(dir, "secret.jsonl"), 0))
		}, read: 2, reasons: []string{"0: read: open"}},
		{name: "Parquet page of an unknown type", files: map[string][]byte{"ok.jsonl": []byte(`{"title":"A"}`)}, setup: func(t *testing.T, dir string) {
			// The first page of a Parquet file the job wrote, its type
			// changed to 9: Arrow's page reader skips the header of a page
			// type it does not know but not the page, and reads on from
			// there.
			out := t.TempDir()
			_, err := Run(context.Background(), Config{Inputs: []string{filepath.Join(dir, "ok.jsonl")}, Out: out})
			must(t, err)
			b, err := os.ReadFile(filepath.Join(out, "articles.parquet"))
			must(t, err)
			// PAR1, then the first page header: field 1 (type), an i32,
			// zigzag-encoded.
			if string(b[:4]) != "PAR1" || b[4] != 0x15 {
				t.Fatalf("unexpected start of a Parquet file: % x", b[:6])
			}
			b[5] = 9 << 1
			must(t, os.WriteFile(filepath.Join(dir, "bad.parquet"), b, 0o644))
		}, read: 2, reasons: []string{"0: bad Parquet: row group 0, column article_id: page at byte 4: unsupported page type 9"}},
	}
}

// create writes the case's input folder dir.
func (tc *hostile) create(t *testing.T, dir string) {
	t.Helper()
	must(t, os.MkdirAll(dir, 0o755))
	for name, b := range tc.files {
		p := filepath.Join(dir, name)
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, b, 0o644))
	}
	if tc.setup != nil {
		tc.setup(t, dir)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestHostileInputs runs the job on each bad input and checks that it
// finishes, that every reject names its file, line and reason, and that
// read = clustered + rejected + duplicates dropped.
func TestHostileInputs(t *testing.T) {
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "in")
			tc.create(t, dir)
			out := t.TempDir()
			m, err := Run(context.Background(), Config{Inputs: []string{dir}, Out: out})
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c := m.Counts
			if c.Read != c.Clustered+c.Rejected+c.DuplicatesDropped {
				t.Errorf("read %d != clustered %d + rejected %d + duplicates %d", c.Read, c.Clustered, c.Rejected, c.DuplicatesDropped)
			}
			if tc.read >= 0 && c.Read != tc.read {
				t.Errorf("read = %d, want %d", c.Read, tc.read)
			}
			rows := strings.Split(strings.TrimSpace(dumpTable(t, filepath.Join(out, "rejects.parquet"))), "\n")[1:]
			if len(rows) != c.Rejected {
				t.Errorf("rejects table has %d rows, manifest says %d", len(rows), c.Rejected)
			}
			var got []string
			for _, r := range rows {
				f := strings.SplitN(r, "\t", 4)
				if f[0] == "" || f[2] == "" {
					t.Errorf("reject without file or reason: %q", r)
				}
				got = append(got, f[1]+": "+f[2])
			}
			if len(got) != len(tc.reasons) {
				t.Fatalf("rejects = %q, want %d like %q", got, len(tc.reasons), tc.reasons)
			}
			for i, want := range tc.reasons {
				if !strings.Contains(got[i], want) {
					t.Errorf("reject %d = %q, want it to contain %q", i, got[i], want)
				}
			}
		})
	}
}

// TestHostileInputsScheduled feeds every bad input, one run each, to one
// scheduled output, as a cron job fed whatever arrives would: each run
// finishes, its rejects are in its partition, the counts add up, and the
// dataset stays consistent.
func TestHostileInputsScheduled(t *testing.T) {
	base := t.TempDir()
	out, state := filepath.Join(base, "out"), filepath.Join(base, "state")
	articles := 0
	for k, tc := range hostileCases() {
		if tc.wantErr != nil {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(base, fmt.Sprintf("in%02d", k))
			tc.create(t, dir)
			m, err := Run(context.Background(), Config{Inputs: []string{dir}, Out: out, State: state})
			if err != nil {
				t.Fatal(err)
			}
			c := m.Counts
			if c.Read != c.Clustered+c.Rejected+c.DuplicatesDropped+c.AlreadySeen {
				t.Errorf("read %d != clustered %d + rejected %d + duplicates %d + already seen %d", c.Read, c.Clustered, c.Rejected, c.DuplicatesDropped, c.AlreadySeen)
			}
			rows := strings.Split(strings.TrimSpace(dumpTable(t, filepath.Join(out, "rejects", "run="+m.RunID, partFile))), "\n")[1:]
			if len(rows) != c.Rejected || len(rows) != len(tc.reasons) {
				t.Errorf("rejects partition has %d rows, manifest says %d, want %d", len(rows), c.Rejected, len(tc.reasons))
			}
			articles += c.Clustered - c.Updated
		})
	}
	checkCurrentView(t, out, articles)
}
