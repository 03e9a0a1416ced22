module example.com/rolepaxos

go 1.26

require github.com/paxsim/paxsim v0.0.0

require github.com/anishathalye/porcupine v1.3.1 // indirect

replace github.com/paxsim/paxsim => ../..
