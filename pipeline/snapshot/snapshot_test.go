package snapshot

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPublish: versions written under .snapshots are seen through the
// links only once published; the one before stays, older ones go; a
// directory in the way of a link is refused, a plain file replaced.
func TestPublish(t *testing.T) {
	d := Dir(t.TempDir())
	os.WriteFile(filepath.Join(string(d), "table.txt"), []byte("plain file of an old output"), 0o644)
	read := func() string {
		b, err := os.ReadFile(filepath.Join(string(d), "table.txt"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	prev := ""
	for k := range 3 {
		run, err := NextRun(prev)
		if err != nil {
			t.Fatal(err)
		}
		dir, err := d.Create(run)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "table.txt"), []byte("version "+run), 0o644)
		if k > 0 && read() != "version "+prev {
			t.Fatalf("before publishing %s, readers see %q", run, read())
		}
		if err := d.CheckLinks([]string{"table.txt"}); err != nil {
			t.Fatal(err)
		}
		if err := d.Publish(run); err != nil {
			t.Fatal(err)
		}
		if err := d.Link([]string{"table.txt"}); err != nil {
			t.Fatal(err)
		}
		if got := read(); got != "version "+run {
			t.Fatalf("after publishing %s, readers see %q", run, got)
		}
		d.Prune(run, prev)
		prev = run
	}
	if cur, _ := d.Current(); cur != "000003" || !d.Published() {
		t.Errorf("current %q, published %v", cur, d.Published())
	}
	entries, _ := os.ReadDir(filepath.Join(string(d), VersionsDir))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "000002 000003" {
		t.Errorf("versions kept: %v, want the current one and the one before", names)
	}
	os.Remove(filepath.Join(string(d), "table.txt"))
	os.Mkdir(filepath.Join(string(d), "table.txt"), 0o755)
	if err := d.CheckLinks([]string{"table.txt"}); err == nil || !strings.Contains(err.Error(), "in the way") {
		t.Errorf("a directory in the way: %v", err)
	}
}
