package parquetcheck

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/metadata"
	"github.com/apache/thrift/lib/go/thrift"
)

// Page types of the Parquet format (parquet.thrift, enum PageType).
const (
	pageData       = 0
	pageIndex      = 1
	pageDictionary = 2
	pageDataV2     = 3
)

const (
	// firstHeaderView and maxHeaderView bound a page header the way the
	// Arrow page reader does: it tries 16 KiB, then doubles up to 4 MiB.
	firstHeaderView = 16 << 10
	maxHeaderView   = 4 << 20
	// oldDictPadding is what Arrow adds to a column chunk written by
	// parquet-mr before 1.2.9, which left the dictionary page header out of
	// the chunk's size (PARQUET-816).
	oldDictPadding = 100
)

// Pages walks the page headers of every column chunk in the file and
// returns an error for the first chunk that the Arrow Parquet reader
// (v15.0.2) cannot be trusted with:
//
//   - a chunk that lies outside the file (Arrow allocates its stated size
//     before reading it, and an allocation larger than memory can end the
//     process, beyond recover);
//   - a page that runs past its chunk, or a page header that does not parse
//     within it;
//   - a page of a type other than data, data v2 or dictionary (Arrow skips
//     the header of such a page but not the page, and reads its bytes as
//     the next header);
//   - a chunk whose data pages hold fewer values than its metadata states;
//   - an uncompressed v2 data page whose two sizes differ (Arrow reads as
//     many bytes as the uncompressed size says).
//
// A chunk that runs out of pages while Arrow still wants values makes its
// page reader read stale bytes of its buffer as the next page header,
// forever, with memory growing on each turn (found by FuzzParquet). The
// walk reads at most 16 KiB at each page header, not the pages, a small
// part of reading the file.
func Pages(pf *file.Reader, r io.ReaderAt, size int64) error {
	md := pf.MetaData()
	old := md.WriterVersion().LessThan(metadata.Parquet816FixedVersion)
	for g := 0; g < pf.NumRowGroups(); g++ {
		rg := md.RowGroup(g)
		for c := 0; c < rg.NumColumns(); c++ {
			cc, err := rg.ColumnChunk(c)
			if err != nil {
				return fmt.Errorf("row group %d, column %d: %w", g, c, err)
			}
			start := cc.DataPageOffset()
			if cc.HasDictionaryPage() && cc.DictionaryPageOffset() > 0 && start > cc.DictionaryPageOffset() {
				start = cc.DictionaryPageOffset()
			}
			n := cc.TotalCompressedSize()
			if start < 0 || n < 0 || start > size || n > size-start {
				return fmt.Errorf("row group %d, column %s: chunk of %d bytes at offset %d lies outside the file of %d bytes",
					g, cc.PathInSchema(), n, start, size)
			}
			if old {
				n += min(oldDictPadding, size-start-n)
			}
			if cc.CryptoMetadata() != nil {
				return fmt.Errorf("row group %d, column %s: encrypted columns are not supported", g, cc.PathInSchema())
			}
			if err := checkChunk(io.NewSectionReader(r, start, n), start, n, cc.NumValues()); err != nil {
				return fmt.Errorf("row group %d, column %s: %w", g, cc.PathInSchema(), err)
			}
		}
	}
	return nil
}

// checkChunk walks the pages of one column chunk of n bytes, read from r,
// that should hold want values. Errors give a page's place in the file,
// where the chunk starts at base.
func checkChunk(r io.ReaderAt, base, n, want int64) error {
	var off, got int64
	var buf []byte // the bytes of a page header, reused
	for got < want {
		if off >= n {
			return fmt.Errorf("pages hold %d values, metadata says %d", got, want)
		}
		h, hlen, err := readPageHeader(r, off, n-off, &buf)
		if err != nil {
			return fmt.Errorf("page at byte %d: %w", base+off, err)
		}
		switch {
		case h.typ != pageData && h.typ != pageDictionary && h.typ != pageDataV2:
			return fmt.Errorf("page at byte %d: unsupported page type %d", base+off, h.typ)
		case h.compressed < 0 || h.uncompressed < 0 || h.values < 0:
			return fmt.Errorf("page at byte %d: negative size or count", base+off)
		case h.typ == pageDataV2 && !h.v2Compressed && h.compressed != h.uncompressed:
			return fmt.Errorf("page at byte %d: uncompressed page of %d bytes says %d", base+off, h.compressed, h.uncompressed)
		case int64(h.compressed) > n-off-hlen:
			return fmt.Errorf("page at byte %d: %d bytes run past the chunk's end", base+off, h.compressed)
		}
		if h.typ != pageDictionary {
			got += int64(h.values)
		}
		off += hlen + int64(h.compressed)
	}
	return nil
}

// pageHeader holds the fields of a Parquet PageHeader that checkChunk needs.
type pageHeader struct {
	typ, uncompressed, compressed, values int32
	v2Compressed                          bool
}

// readPageHeader parses the page header at off, within the avail bytes left
// in its chunk, and returns it with its length in bytes. scratch holds the
// bytes read, grown as needed.
func readPageHeader(r io.ReaderAt, off, avail int64, scratch *[]byte) (pageHeader, int64, error) {
	view := int64(firstHeaderView)
	for {
		view = min(view, avail)
		if int64(cap(*scratch)) < view {
			*scratch = make([]byte, view)
		}
		buf := (*scratch)[:view]
		got, err := r.ReadAt(buf, off)
		if err != nil && !errors.Is(err, io.EOF) {
			return pageHeader{}, 0, err
		}
		buf = buf[:got]
		tb := &thrift.TMemoryBuffer{Buffer: bytes.NewBuffer(buf)}
		h, err := parsePageHeader(thrift.NewTCompactProtocolConf(tb, &thrift.TConfiguration{}))
		if err == nil {
			return h, int64(len(buf)) - int64(tb.RemainingBytes()), nil
		}
		if view >= avail || view >= maxHeaderView {
			return pageHeader{}, 0, fmt.Errorf("bad page header: %w", err)
		}
		view *= 2
	}
}

// parsePageHeader reads a PageHeader struct (parquet.thrift): 1 type,
// 2 uncompressed_page_size, 3 compressed_page_size, 5 data_page_header,
// 7 dictionary_page_header, 8 data_page_header_v2; other fields are
// skipped, as Arrow's generated reader does.
func parsePageHeader(p thrift.TProtocol) (pageHeader, error) {
	ctx := context.Background()
	h := pageHeader{v2Compressed: true}
	var seen [4]bool
	err := readStruct(ctx, p, func(id int16, t thrift.TType) (bool, error) {
		var err error
		switch {
		case id == 1 && t == thrift.I32:
			h.typ, err = p.ReadI32(ctx)
			seen[id] = true
		case id == 2 && t == thrift.I32:
			h.uncompressed, err = p.ReadI32(ctx)
			seen[id] = true
		case id == 3 && t == thrift.I32:
			h.compressed, err = p.ReadI32(ctx)
			seen[id] = true
		case (id == 5 || id == 7 || id == 8) && t == thrift.STRUCT:
			err = readStruct(ctx, p, func(sub int16, st thrift.TType) (bool, error) {
				switch {
				case sub == 1 && st == thrift.I32:
					v, err := p.ReadI32(ctx)
					h.values = v
					return true, err
				case id == 8 && sub == 7 && st == thrift.BOOL:
					v, err := p.ReadBool(ctx)
					h.v2Compressed = v
					return true, err
				}
				return false, nil
			})
		default:
			return false, nil
		}
		return true, err
	})
	if err != nil {
		return pageHeader{}, err
	}
	if !seen[1] || !seen[2] || !seen[3] {
		return pageHeader{}, errors.New("required field missing")
	}
	return h, nil
}

// readStruct reads one Thrift struct, calling field for each field; a field
// that field does not read (false) is skipped.
func readStruct(ctx context.Context, p thrift.TProtocol, field func(id int16, t thrift.TType) (bool, error)) error {
	if _, err := p.ReadStructBegin(ctx); err != nil {
		return err
	}
	for {
		_, t, id, err := p.ReadFieldBegin(ctx)
		if err != nil {
			return err
		}
		if t == thrift.STOP {
			break
		}
		read, err := field(id, t)
		if err != nil {
			return err
		}
		if !read {
			if err := p.Skip(ctx, t); err != nil {
				return err
			}
		}
		if err := p.ReadFieldEnd(ctx); err != nil {
			return err
		}
	}
	return p.ReadStructEnd(ctx)
}
