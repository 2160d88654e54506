"""The web UI's views: thin functions that parse input, call one service or selector, and
render. Every page needs a signed-in user (LoginRequiredMiddleware); every write is a POST
with a CSRF token, and its service checks the role again."""
