package engine

import (
	"github.com/paxsim/paxsim/fingerprint"
	"math"
	"strconv"
)

// swarmDraw is the random stream of a seed's swarm draw (splitmix64).
type swarmDraw struct{ x uint64 }

func (d *swarmDraw) next() uint64 {
	d.x = fingerprint.SplitMix64(d.x)
	return d.x
}

func (d *swarmDraw) intn(n int) int { return int(d.next() % uint64(n)) }

func (d *swarmDraw) pick(xs ...int) int { return xs[d.intn(len(xs))] }

// workload draws a key-value workload's clients and operations per
// client: mostly 2-5 clients of 3-9 operations; in one run in sixteen a
// deep one of up to 30 clients of up to 50 operations each, drawn
// log-uniformly, at most deepOps in all, which fills a leader's window
// and leaves a cut-off replica hundreds of instances behind. (A deep run
// costs ten times the events of another, and its history's check more:
// few of them keep a campaign's seeds per second.)
func (d *swarmDraw) workload() (clients, commands int) {
	clients, commands = 2+d.intn(4), 3+d.intn(7)
	if d.intn(16) == 0 {
		clients = d.logUniform(2, 30)
		commands = min(d.logUniform(3, 50), max(3, deepOps/clients))
	}
	return clients, commands
}

// deepOps bounds the operations of a deep workload.
const deepOps = 400

// logUniform draws an integer in [lo, hi], log-uniformly.
func (d *swarmDraw) logUniform(lo, hi int) int {
	u := float64(d.next()>>11) / (1 << 53) // [0, 1)
	return min(hi, int(float64(lo)*math.Pow(float64(hi+1)/float64(lo), u)))
}

// rate draws a rate log-uniformly between def/4 and def*8 (at most 0.5):
// most runs near the default, a few hammered.
func (d *swarmDraw) rate(def float64) float64 {
	u := float64(d.next()>>11) / (1 << 53) // [0, 1)
	r := def * math.Exp2(-2+5*u)
	return math.Min(roundRate(r), 0.5)
}

// roundRate keeps three significant digits, so that drawn rates print
// and parse back exactly: it is the double nearest the decimal that
// FormatFloat(r, 'g', 3) prints. A swarm draws several rates a seed, so it
// computes that without formatting: with r*10^k in [100, 1000) for an
// exact power 10^k, the three digits are round(r*10^k) and the double
// nearest them times 10^-k is their correctly rounded quotient. Where the
// product's rounding could differ from the exact decimal's (a near tie,
// or near a power of ten), it formats and parses.
func roundRate(r float64) float64 {
	if r > 0 && r < 1 {
		k := 2 - int(math.Floor(math.Log10(r)))
		if k <= 22 { // 10^k is exact
			p := pow10[k]
			s := r * p
			if frac := s - math.Floor(s); s >= 100.001 && s < 999.499 && math.Abs(frac-0.5) > 1e-6 {
				return math.Round(s) / p
			}
		}
	}
	v, _ := strconv.ParseFloat(strconv.FormatFloat(r, 'g', 3, 64), 64)
	return v
}

// pow10 holds the powers of ten that are exact doubles.
var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

func formatRate(r float64) string { return strconv.FormatFloat(r, 'g', -1, 64) }
