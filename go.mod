module github.com/paxsim/paxsim

go 1.26
