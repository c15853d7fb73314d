"""What clients see: the MCP server, OpenAI tools, schemas and the command line."""
