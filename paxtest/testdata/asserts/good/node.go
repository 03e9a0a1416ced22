package good

const caughtUp = "caught up"

type env interface {
	Always(bool, string)
	Sometimes(bool, string)
	Reachable(string)
}

func step(e env, ok bool) {
	e.Always(ok, "never wrong")
	e.Sometimes(!ok, caughtUp)
	e.Reachable("a rare path")
}
