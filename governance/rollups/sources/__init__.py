"""The rollup sources: one module per kind of counted object, each registering itself."""
