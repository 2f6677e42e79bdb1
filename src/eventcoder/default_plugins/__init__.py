"""Built-in plugins, registered exactly like outside ones (see ``eventcoder.plugins``)."""
