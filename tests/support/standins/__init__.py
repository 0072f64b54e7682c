"""The offline stand-ins for what the tests cannot reach from here: see README.md."""
