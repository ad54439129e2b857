package parquetcheck

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/apache/thrift/lib/go/thrift"
)

// testPage is a page header to encode, followed by its body of compressed
// bytes.
type testPage struct {
	typ, uncompressed, compressed, values int32
	v2Uncompressed                        bool
}

// encodePages writes pages as a column chunk would hold them: each Thrift
// compact PageHeader followed by its body.
func encodePages(t *testing.T, pages ...testPage) []byte {
	t.Helper()
	var buf thrift.TMemoryBuffer
	buf.Buffer = new(bytes.Buffer)
	p := thrift.NewTCompactProtocolConf(&buf, &thrift.TConfiguration{})
	ctx := context.Background()
	i32 := func(id int16, v int32) {
		p.WriteFieldBegin(ctx, "", thrift.I32, id)
		p.WriteI32(ctx, v)
		p.WriteFieldEnd(ctx)
	}
	for _, pg := range pages {
		p.WriteStructBegin(ctx, "PageHeader")
		i32(1, pg.typ)
		i32(2, pg.uncompressed)
		i32(3, pg.compressed)
		i32(4, 12345) // crc, skipped
		sub := map[int32]int16{pageData: 5, pageDictionary: 7, pageDataV2: 8}[pg.typ]
		if sub != 0 {
			p.WriteFieldBegin(ctx, "", thrift.STRUCT, sub)
			p.WriteStructBegin(ctx, "")
			i32(1, pg.values)
			i32(2, 0) // encoding, skipped
			if pg.v2Uncompressed {
				p.WriteFieldBegin(ctx, "", thrift.BOOL, 7)
				p.WriteBool(ctx, false)
				p.WriteFieldEnd(ctx)
			}
			p.WriteFieldStop(ctx)
			p.WriteStructEnd(ctx)
			p.WriteFieldEnd(ctx)
		}
		p.WriteFieldStop(ctx)
		p.WriteStructEnd(ctx)
		p.Flush(ctx)
		buf.Write(make([]byte, max(pg.compressed, 0)))
	}
	return buf.Bytes()
}

func TestCheckChunk(t *testing.T) {
	dict := testPage{typ: pageDictionary, uncompressed: 30, compressed: 30, values: 3}
	data := testPage{typ: pageData, uncompressed: 40, compressed: 20, values: 5}
	v2 := testPage{typ: pageDataV2, uncompressed: 10, compressed: 10, values: 2}
	for _, c := range []struct {
		name  string
		pages []testPage
		extra int   // bytes added to, or taken from, the chunk's end
		want  int64 // values the metadata promises
		err   string
	}{
		{"dictionary and data pages", []testPage{dict, data, data, v2}, 0, 12, ""},
		{"values reached before the end", []testPage{data, data}, 0, 7, ""},
		{"padding after the pages", []testPage{data}, 9, 5, ""},
		{"fewer values than promised", []testPage{dict, data}, 0, 6, "pages hold 5 values, metadata says 6"},
		{"dictionary values do not count", []testPage{dict}, 0, 3, "pages hold 0 values"},
		{"index page", []testPage{{typ: pageIndex, compressed: 4}, data}, 0, 5, "unsupported page type 1"},
		{"unknown page type", []testPage{{typ: 9, compressed: 4}, data}, 0, 5, "unsupported page type 9"},
		{"page past the end", []testPage{data}, -1, 5, "page at byte 4: 20 bytes run past the chunk's end"},
		{"negative size", []testPage{{typ: pageData, uncompressed: 4, compressed: -4, values: 5}}, 0, 5, "negative size"},
		{"uncompressed v2 with two sizes", []testPage{{typ: pageDataV2, uncompressed: 12, compressed: 10, values: 2, v2Uncompressed: true}}, 0, 2, "says 12"},
		{"compressed v2 with two sizes", []testPage{{typ: pageDataV2, uncompressed: 12, compressed: 10, values: 2}}, 0, 2, ""},
		{"garbage", nil, 64, 1, "bad page header"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := encodePages(t, c.pages...)
			if c.extra > 0 {
				b = append(b, bytes.Repeat([]byte{0xff}, c.extra)...)
			} else {
				b = b[:len(b)+c.extra]
			}
			err := checkChunk(bytes.NewReader(b), 4, int64(len(b)), c.want)
			switch {
			case c.err == "" && err != nil:
				t.Fatalf("checkChunk: %v", err)
			case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
				t.Fatalf("checkChunk = %v, want an error with %q", err, c.err)
			}
		})
	}
}
