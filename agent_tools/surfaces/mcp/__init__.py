"""The MCP server: the catalog's tools, operation resources, stdio and streamable HTTP.

``agent-tools serve`` runs it; ``build_server(engine, tools)`` makes one to run yourself.
"""
