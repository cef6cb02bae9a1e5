import ArgumentParser

struct Validate: ParsableCommand {}
struct Compile: ParsableCommand {}
struct Plan: ParsableCommand {}
