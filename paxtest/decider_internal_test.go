package paxtest

import (
	"testing"

	"github.com/paxsim/paxsim/sim"
)

func TestChanceThreshold(t *testing.T) {
	for _, tt := range []struct {
		p     float64
		scale int
		want  int
	}{
		{0, 256, 0}, {-1, 256, 0}, {1e-9, 256, 1}, {1e-9, 10000, 1}, {0.5, 256, 128},
		{0.05, 10000, 500}, {0.051, 256, 14}, {0.999999, 256, 256}, {1, 256, 256}, {2, 10000, 10000},
	} {
		if got := chanceThreshold(tt.p, tt.scale); got != tt.want {
			t.Errorf("chanceThreshold(%v, %d) = %d, want %d", tt.p, tt.scale, got, tt.want)
		}
	}
}

func TestBytes(t *testing.T) {
	d := Bytes([]byte{7, 7, 1, 2, 0, 255, 254})
	var x sim.Decision
	if got := d.Intn(x, 5); got != 2 { // 7 % 5
		t.Errorf("Intn(5) = %d, want 2", got)
	}
	if got := d.Intn(x, 1); got != 0 { // reads nothing
		t.Errorf("Intn(1) = %d, want 0", got)
	}
	if got := d.Intn(x, 256); got != 7 {
		t.Errorf("Intn(256) = %d, want 7", got)
	}
	if got := d.Intn(x, 1000); got != (1<<8|2)%1000 { // two bytes, big-endian
		t.Errorf("Intn(1000) = %d, want %d", got, (1<<8|2)%1000)
	}
	if d.Chance(x, 0.9) { // byte 0: no fault, whatever p
		t.Error("Chance on byte 0 is true")
	}
	if !d.Chance(x, 1e-9) { // byte 255: any p > 0
		t.Error("Chance(1e-9) on byte 255 is false")
	}
	if d.Chance(x, 1e-9) { // byte 254
		t.Error("Chance(1e-9) on byte 254 is true")
	}
	for range 3 { // used up: 0 and false
		if d.Intn(x, 9) != 0 || d.Chance(x, 0.99) {
			t.Fatal("an exhausted Bytes decider answered other than 0 or false")
		}
	}
}
