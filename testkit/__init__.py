"""What the test suite and the benchmarks share: throwaway server processes (`servers`), signed-in
sessions (`sessions`) and the conversation corpora the conversation-signal tests and benchmark read.

Kept out of `tests/` so that `bench/` never imports the test suite (import-linter contract,
docs/adr/0005-layers.md). Not installed with the application.
"""
