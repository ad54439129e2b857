package parquetcheck

import (
	"fmt"

	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/file"
)

// Open opens a Parquet file of size bytes for reading through Arrow and
// checks its pages (Pages). The allocator it returns, for the Arrow
// reader built on the file, panics rather than allocate more at once than
// the file could need; the caller recovers that panic as a damaged file.
func Open(r parquet.ReaderAtSeeker, size int64) (*file.Reader, memory.Allocator, error) {
	mem := boundedAllocator{memory.DefaultAllocator, max(minAllocBound, allocBoundFactor*size)}
	pf, err := file.NewParquetReader(r, file.WithReadProps(parquet.NewReaderProperties(mem)))
	if err != nil {
		return nil, nil, err
	}
	if err := Pages(pf, r, size); err != nil {
		pf.Close()
		return nil, nil, err
	}
	return pf, mem, nil
}

// boundedAllocator is Arrow's allocator with a bound on one allocation.
// Arrow's decoders size some buffers by counts read from the data (a
// corrupt DELTA_BINARY_PACKED page asked for terabytes, found by FuzzParquet),
// and an allocation larger than memory ends the process, beyond recover. A
// larger one panics here instead, and the file is rejected.
type boundedAllocator struct {
	memory.Allocator
	max int64
}

const (
	// A file's allocations may reach allocBoundFactor times its size (text
	// compresses some tenfold, and a growing buffer doubles), and no fewer
	// than minAllocBound bytes.
	allocBoundFactor = 32
	minAllocBound    = 512 << 20
)

func (a boundedAllocator) check(size int) {
	if int64(size) > a.max {
		panic(fmt.Sprintf("an allocation of %d bytes, over the bound of %d for this file", size, a.max))
	}
}

func (a boundedAllocator) Allocate(size int) []byte {
	a.check(size)
	return a.Allocator.Allocate(size)
}

func (a boundedAllocator) Reallocate(size int, b []byte) []byte {
	a.check(size)
	return a.Allocator.Reallocate(size, b)
}
