package main

import (
	"encoding/binary"
	"reflect"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/storyclust/storyclust/data"
	"github.com/storyclust/storyclust/vectorize"
)

// The elements that carry an article, and the document frequencies, are
// coded in binary: Beam's default coder, JSON, escapes every text each
// time an article crosses a shuffle (BenchmarkBackfill).
func init() {
	beam.RegisterCoder(reflect.TypeFor[item](), func(it item) []byte { return appendItem(nil, &it) },
		func(b []byte) item { var d decoder = b; return d.item() })
	beam.RegisterCoder(reflect.TypeFor[sharded](), encodeSharded, decodeSharded)
	beam.RegisterCoder(reflect.TypeFor[placed](), func(p placed) []byte { return appendItem(appendNode(nil, p.Node), &p.Item) },
		func(b []byte) placed { var d decoder = b; return placed{Node: d.node(), Item: d.item()} })
	beam.RegisterCoder(reflect.TypeFor[final](), func(f final) []byte { return appendItem(appendNode(nil, f.Story), &f.Item) },
		func(b []byte) final { var d decoder = b; return final{Story: d.node(), Item: d.item()} })
	beam.RegisterCoder(reflect.TypeFor[vectorize.DocFreq](), encodeDocFreq, decodeDocFreq)
}

// encodeDocFreq codes document frequencies, which every shard sends and
// every worker reads, term by term.
func encodeDocFreq(df vectorize.DocFreq) []byte {
	b := binary.AppendUvarint(nil, uint64(df.Docs))
	b = binary.AppendUvarint(b, uint64(len(df.Terms)))
	for t, n := range df.Terms {
		b = binary.AppendUvarint(appendString(b, t), uint64(n))
	}
	return b
}

func decodeDocFreq(b []byte) vectorize.DocFreq {
	var d decoder = b
	df := vectorize.DocFreq{Docs: int(d.uint())}
	n := int(d.uint())
	df.Terms = make(map[string]int, n)
	for range n {
		t := d.string()
		df.Terms[t] = int(d.uint())
	}
	return df
}

func encodeSharded(s sharded) []byte {
	var flags uint64
	if s.Home {
		flags |= 1
	}
	if s.Forward {
		flags |= 2
	}
	return appendItem(binary.AppendUvarint(nil, flags), &s.Item)
}

func decodeSharded(b []byte) sharded {
	var d decoder = b
	flags := d.uint()
	return sharded{Home: flags&1 != 0, Forward: flags&2 != 0, Item: d.item()}
}

func appendNode(b []byte, n node) []byte {
	return binary.AppendVarint(appendString(b, n.Shard), int64(n.Story))
}

func appendItem(b []byte, it *item) []byte {
	a := &it.Article
	b = appendString(b, it.ID)
	b = binary.AppendVarint(b, int64(it.Input))
	for _, s := range []string{a.ID, a.Outlet, a.Title, a.Text, a.URL, a.Language, a.Dateline, a.SourceFile} {
		b = appendString(b, s)
	}
	var flags uint64
	if !a.Published.IsZero() {
		flags |= 1
	}
	if a.OutletFromURL {
		flags |= 2
	}
	b = binary.AppendUvarint(b, flags)
	if !a.Published.IsZero() {
		b = binary.AppendVarint(b, a.Published.Unix())
		b = binary.AppendUvarint(b, uint64(a.Published.Nanosecond()))
	}
	b = binary.AppendUvarint(b, uint64(a.DateNote))
	return binary.AppendVarint(b, int64(a.SourceLine))
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// decoder reads what the append functions wrote, in the same order.
type decoder []byte

func (d *decoder) uint() uint64 {
	v, n := binary.Uvarint(*d)
	*d = (*d)[n:]
	return v
}

func (d *decoder) int() int64 {
	v, n := binary.Varint(*d)
	*d = (*d)[n:]
	return v
}

func (d *decoder) string() string {
	n := d.uint()
	s := string((*d)[:n])
	*d = (*d)[n:]
	return s
}

func (d *decoder) node() node {
	return node{Shard: d.string(), Story: int(d.int())}
}

func (d *decoder) item() item {
	it := item{ID: d.string(), Input: int(d.int())}
	a := &it.Article
	for _, s := range []*string{&a.ID, &a.Outlet, &a.Title, &a.Text, &a.URL, &a.Language, &a.Dateline, &a.SourceFile} {
		*s = d.string()
	}
	flags := d.uint()
	if flags&1 != 0 {
		sec := d.int()
		a.Published = time.Unix(sec, int64(d.uint())).UTC()
	}
	a.OutletFromURL = flags&2 != 0
	a.DateNote = data.DateNote(d.uint())
	a.SourceLine = int(d.int())
	return it
}
