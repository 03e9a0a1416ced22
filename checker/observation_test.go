package checker

import "testing"

func TestValueString(t *testing.T) {
	tests := []struct {
		v    Value
		want string
	}{
		{None, "-"},
		{7, "v7"},
		{1<<32 | 1, "c1#1"},
		{3<<32 | 12, "c3#12"},
		{1<<62 | 9<<32 | 2, "reconfig c9#2"},
	}
	for _, tt := range tests {
		if got := tt.v.String(); got != tt.want {
			t.Errorf("Value(%d).String() = %q, want %q", int64(tt.v), got, tt.want)
		}
	}
}
