package parquetcheck

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"
)

func TestBoundedAllocator(t *testing.T) {
	a := boundedAllocator{memory.DefaultAllocator, 1 << 10}
	b := a.Allocate(1 << 10)
	if len(b) != 1<<10 {
		t.Fatalf("allocated %d bytes", len(b))
	}
	b = a.Reallocate(1<<9, b)
	a.Free(b)
	for name, call := range map[string]func(){
		"allocate":   func() { a.Allocate(1<<10 + 1) },
		"reallocate": func() { a.Reallocate(1<<40, nil) },
	} {
		func() {
			defer func() {
				if v := recover(); v == nil || !strings.Contains(fmt.Sprint(v), "over the bound of 1024") {
					t.Errorf("%s over the bound: recovered %v", name, v)
				}
			}()
			call()
		}()
	}
}
