"""One router per resource, each thin: parse, call the service or selector the web UI
calls, return the representation. `radar.py` (the conversion radar) is added later."""
