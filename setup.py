"""Which packages the distribution ships; everything else about the build is in pyproject.toml.

pyproject.toml alone cannot say it: the exported JSON Schemas live in the top-level
``schemas/`` (where ``agent-tools schema export`` writes them) and ship inside the package as
``agent_tools/schemas/``. Folders of static files (no ``__init__.py``) count as packages too,
so their files ship without a list of file types to keep up to date.
"""

from setuptools import find_namespace_packages, setup

SKIPPED = ["*__pycache__*"]


def shipped_packages() -> list[str]:
    """Every folder of ``agent_tools/`` and of ``schemas/`` (as ``agent_tools.schemas``)."""
    code = find_namespace_packages(include=["agent_tools", "agent_tools.*"], exclude=SKIPPED)
    schemas = find_namespace_packages(where="schemas", exclude=SKIPPED)
    return [*code, "agent_tools.schemas", *(f"agent_tools.schemas.{name}" for name in schemas)]


setup(packages=shipped_packages(), package_dir={"agent_tools.schemas": "schemas"})
