"""Build tooling: training recipes, exporters, demo generation and public-data fetch.

The runtime (engine, readers, metrics, render, session, the app) never imports this
package (an import-linter contract); it is where paddleseg and ppdet are imported. The
``train`` and ``fetch`` subcommands reach it from the CLI.
"""
