package main

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/storyclust/storyclust/data"
	"github.com/storyclust/storyclust/data/table"
	"github.com/storyclust/storyclust/vectorize"
)

func TestStitch(t *testing.T) {
	n := func(shard string, story int) node { return node{Shard: shard, Story: story} }
	a, b, c := "2024-01-01", "2024-01-08", "2024-01-15"
	links := []link{
		// b/0 holds three overlap articles of a/0 and one of a/1: it
		// continues a/0, and a/0 and a/1 stay apart.
		{n(b, 0), n(a, 0)}, {n(b, 0), n(a, 1)}, {n(b, 0), n(a, 0)}, {n(b, 0), n(a, 0)},
		// b/1 holds one of a/1 and one of a/2: a tie goes to the first.
		{n(b, 1), n(a, 2)}, {n(b, 1), n(a, 1)},
		// c/4 continues b/0, which continues a/0.
		{n(c, 4), n(b, 0)},
		// b/2 and b/3 both continue a/3 (a shard split what the shard
		// before held together).
		{n(b, 2), n(a, 3)}, {n(b, 3), n(a, 3)},
	}
	want := map[node]node{
		n(b, 0): n(a, 0), n(b, 1): n(a, 1), n(c, 4): n(a, 0), n(b, 2): n(a, 3), n(b, 3): n(a, 3),
	}
	if got := stitch(links); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	if got := stitch(nil); len(got) != 0 {
		t.Errorf("no links: got %v", got)
	}
}

func TestShardOf(t *testing.T) {
	for _, tc := range []struct {
		t          string
		week, mont string
	}{
		{"2024-01-01T00:00:00Z", "2024-01-01", "2024-01-01"}, // a Monday
		{"2024-01-07T23:59:59Z", "2024-01-01", "2024-01-01"}, // the Sunday after
		{"2024-03-01T12:00:00+05:00", "2024-02-26", "2024-03-01"},
		{"2023-12-31T22:00:00-05:00", "2024-01-01", "2024-01-01"}, // UTC decides
	} {
		tm, err := time.Parse(time.RFC3339, tc.t)
		if err != nil {
			t.Fatal(err)
		}
		if w, m := shardOf(tm, "week"), shardOf(tm, "month"); w != tc.week || m != tc.mont {
			t.Errorf("%s: week %s, month %s; want %s, %s", tc.t, w, m, tc.week, tc.mont)
		}
	}
	if s := shardOf(time.Time{}, "week"); s != undated {
		t.Errorf("zero time: %s", s)
	}
}

func TestAssign(t *testing.T) {
	set := settings{Shard: "week", Window: 72 * time.Hour}
	for _, tc := range []struct {
		t    string
		want []string
	}{
		{"2024-01-03T10:00:00Z", []string{"2024-01-01"}},
		{"2024-01-05T00:00:00Z", []string{"2024-01-01", "2024-01-08"}}, // 72 h before the next Monday
		{"2024-01-04T23:59:59Z", []string{"2024-01-01"}},
	} {
		tm, _ := time.Parse(time.RFC3339, tc.t)
		var got []string
		var homes []bool
		(&assignFn{Set: set}).ProcessElement(item{Article: data.Article{Published: tm}}, func(k string, s sharded) {
			got, homes = append(got, k), append(homes, s.Home)
		})
		if !reflect.DeepEqual(got, tc.want) || !homes[0] || len(homes) == 2 && homes[1] {
			t.Errorf("%s: shards %v (home %v), want %v, the first its home", tc.t, got, homes, tc.want)
		}
	}
}

// TestCoders codes every kind of element that crosses a shuffle and back,
// with every field of an article set, so that a field added to
// data.Article and not to the coder fails here.
func TestCoders(t *testing.T) {
	var a data.Article
	v := reflect.ValueOf(&a).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString("value of " + v.Type().Field(i).Name + " \x00 é")
		case reflect.Int, reflect.Uint8:
			if f.CanInt() {
				f.SetInt(int64(i + 1))
			} else {
				f.SetUint(uint64(i + 1))
			}
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Struct:
			f.Set(reflect.ValueOf(time.Date(2023, 5, 6, 7, 8, 9, 123456789, time.UTC)))
		default:
			t.Fatalf("field %s of kind %s: teach the coder and this test", v.Type().Field(i).Name, f.Kind())
		}
	}
	it := item{ID: "id-1", Input: 3, Article: a}
	undatedItem := item{ID: "id-2", Article: data.Article{Title: "no date"}}
	for _, it := range []item{it, undatedItem} {
		var d decoder = appendItem(nil, &it)
		if got := d.item(); !reflect.DeepEqual(got, it) || len(d) != 0 {
			t.Errorf("item: got %+v\nwant %+v", got, it)
		}
		s := sharded{Item: it, Forward: true}
		if got := decodeSharded(encodeSharded(s)); !reflect.DeepEqual(got, s) {
			t.Errorf("sharded: got %+v", got)
		}
	}
	df := vectorize.DocFreq{Docs: 7, Terms: map[string]int{"a": 1, "é": 300}}
	if got := decodeDocFreq(encodeDocFreq(df)); !reflect.DeepEqual(got, df) {
		t.Errorf("doc freq: got %+v", got)
	}
}

// TestReadGone reads an input that went between its listing and its
// reading: it is a reject, with its path and reason, as in storyclust run,
// and the job goes on.
func TestReadGone(t *testing.T) {
	set := settings{Shard: "week"}
	if err := set.check(); err != nil {
		t.Fatal(err)
	}
	o := output{Dir: t.TempDir()}
	gone := filepath.Join(t.TempDir(), "gone.jsonl")
	var parts []part
	err := (&readFn{Set: set, Out: o}).ProcessElement(context.Background(), input{Index: 3, Path: gone},
		func(int, item) { t.Error("an article from a file that is not there") }, func(p part) { parts = append(parts, p) })
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 1 || parts[0].Manifest.Counts.Rejected != 1 || parts[0].Manifest.Counts.Read != 1 {
		t.Fatalf("parts %+v, want one with the file rejected", parts)
	}
	rows, err := table.Rows(filepath.Join(o.Dir, "rejects", "part-input-000003.parquet"), table.RejectsSchema,
		func(c table.Cols, i int) [2]string { return [2]string{c.Str("source_file", i), c.Str("reason", i)} })
	if err != nil || len(rows) != 1 || rows[0][0] != gone || !strings.Contains(rows[0][1], "no such file") {
		t.Errorf("rejects %q (%v)", rows, err)
	}
}
