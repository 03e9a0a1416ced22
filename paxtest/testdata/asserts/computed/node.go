package computed

type env interface{ Reachable(string) }

func step(e env, name string) { e.Reachable("path " + name) }
