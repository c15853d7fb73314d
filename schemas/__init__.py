"""The exported JSON Schemas of the tools, installed as ``agent_tools.schemas``.

Written by ``agent-tools schema export``; read them from an installed package with
``importlib.resources.files("agent_tools.schemas") / "mcp" / "tools.json"``.
"""
