"""HTTP endpoints: parse, call the protocol layer, render. One module per endpoint family."""
